// Where Hearth keeps its files.
//
// Everything lives under QStandardPaths::AppDataLocation
// (~/.local/share/Hearth on Linux) unless HEARTH_DATA_DIR overrides it, which
// the tests use to run against a temporary directory.
#pragma once

#include <QString>

namespace Hearth {

QString dataDir();           // created on first use
QString databasePath();      // dataDir()/hearth.sqlite
QString defaultModelsDir();  // dataDir()/models

}  // namespace Hearth
