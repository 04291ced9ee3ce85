#include "common/npm_packages.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include "common/process_runner.h"

namespace hearth_test {

namespace {

bool all_present(const QString & dir, const QStringList & marker_files) {
    for (const QString & f : marker_files)
        if (!QFile::exists(dir + '/' + f)) return false;
    return true;
}

}  // namespace

NpmSetup npm_install(const QString & dir, const QStringList & packages, const QStringList & marker_files,
                     int timeout_ms) {
    NpmSetup setup;
    setup.node = QStandardPaths::findExecutable("node");
    const QString npm = QStandardPaths::findExecutable("npm");
    if (setup.node.isEmpty() || npm.isEmpty()) {
        setup.skip_reason = "node and npm are needed for this test (Debian: apt-get install nodejs npm)";
        return setup;
    }
    if (all_present(dir, marker_files)) return setup;
    QDir().mkpath(dir);
    QStringList args{"install", "--no-audit", "--no-fund", "--no-save", "--prefix", dir};
    args += packages;
    const ProcessRun res = run_process(npm, args, {}, timeout_ms);
    if (res.code != 0 || !all_present(dir, marker_files))
        setup.skip_reason = "npm could not install " + packages.join(' ') +
                            " (is the npm registry reachable?): " + QString::fromUtf8(res.err + res.out).right(600);
    return setup;
}

}  // namespace hearth_test
