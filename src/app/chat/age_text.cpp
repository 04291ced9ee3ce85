#include "age_text.h"

#include <QLocale>

namespace Hearth {

QString ageText(const QDateTime & then, const QDateTime & now) {
    if (!then.isValid()) return {};
    const qint64 secs = then.secsTo(now);
    if (secs < 60) return QStringLiteral("now");
    if (secs < 3600) return QStringLiteral("%1 min").arg(secs / 60);
    if (secs < 86400) return QStringLiteral("%1 h").arg(secs / 3600);
    if (secs < 7 * 86400) return QStringLiteral("%1 d").arg(secs / 86400);
    return QLocale::c().toString(then.toLocalTime().date(), QStringLiteral("d MMM"));
}

}  // namespace Hearth
