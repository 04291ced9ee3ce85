#include "library_watcher.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

namespace Hearth {

LibraryWatcher::LibraryWatcher(QObject * parent) : QObject(parent) {
    m_quiet.setSingleShot(true);
    m_quiet.setInterval(kQuietMs);
    connect(&m_quiet, &QTimer::timeout, this, &LibraryWatcher::changed);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] { m_quiet.start(); });
}

QStringList LibraryWatcher::watchableDirs(const QStringList & roots) {
    QStringList out;
    QSet<QString> seen;  // a symlinked folder met twice is watched once
    QList<QPair<QString, int>> queue;
    for (const QString & r : roots) queue.append({QDir::cleanPath(r), 0});
    while (!queue.isEmpty() && out.size() < kMaxDirs) {
        const auto [dir, depth] = queue.takeFirst();
        const QFileInfo info(dir);
        if (!info.isDir()) continue;
        const QString canonical = info.canonicalFilePath();
        if (seen.contains(canonical)) continue;
        seen.insert(canonical);
        out << dir;
        if (depth >= kMaxDepth) continue;
        for (const QString & sub : QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
            queue.append({QDir(dir).filePath(sub), depth + 1});
    }
    return out;
}

void LibraryWatcher::setDirs(const QStringList & dirs) {
    const QStringList old = m_watcher.directories();
    if (old == dirs) return;
    if (!old.isEmpty()) m_watcher.removePaths(old);
    if (!dirs.isEmpty()) m_watcher.addPaths(dirs);  // a folder that vanished meanwhile is skipped
}

}  // namespace Hearth
