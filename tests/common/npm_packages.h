// Installs the npm packages a test needs (real third-party clients and
// servers) into a folder of the build tree, once, and reuses them after that.
// The npm registry is the only network these tests use: when node, npm or the
// registry is missing, the caller skips (QSKIP) with the reason returned here,
// so ctest reports the test as skipped, never as passed or failed.
#pragma once

#include <QString>
#include <QStringList>

namespace hearth_test {

struct NpmSetup {
    QString node;         // the node executable, when found
    QString skip_reason;  // empty when every package is installed
};

// `packages` are npm specs ("openai@7"); `marker_files` are paths relative to
// `dir` whose presence means the install is complete (e.g.
// "node_modules/openai/package.json").
NpmSetup npm_install(const QString & dir, const QStringList & packages, const QStringList & marker_files,
                     int timeout_ms = 600000);

}  // namespace hearth_test
