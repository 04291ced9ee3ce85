#include "core/app_paths.h"

#include <QDir>
#include <QStandardPaths>

namespace Hearth {

QString dataDir() {
    QString dir = qEnvironmentVariable("HEARTH_DATA_DIR");
    if (dir.isEmpty()) dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty()) dir = QDir::homePath() + QStringLiteral("/.local/share/Hearth");
    QDir().mkpath(dir);
    return dir;
}

QString databasePath() {
    return dataDir() + QStringLiteral("/hearth.sqlite");
}

QString defaultModelsDir() {
    QString dir = dataDir() + QStringLiteral("/models");
    QDir().mkpath(dir);
    return dir;
}

}  // namespace Hearth
