// LibraryWatcher: notices files added to, removed from or renamed in the
// model folders (QFileSystemWatcher), so the library rescans by itself and
// no Rescan button is needed.
//
// The folders to watch (each library folder and its subfolders, as the scan
// recurses) are listed by watchableDirs() on a worker thread, during the
// scan; setDirs() only swaps the watches. A burst of changes (a download's
// part file appearing and being renamed, a copy of several shards) becomes
// one changed() signal after a quiet interval.
#pragma once

#include <QFileSystemWatcher>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace Hearth {

class LibraryWatcher : public QObject {
    Q_OBJECT
public:
    static constexpr int kQuietMs = 700;
    static constexpr int kMaxDirs = 256;  // inotify watches are a shared, limited resource
    static constexpr int kMaxDepth = 4;

    explicit LibraryWatcher(QObject * parent = nullptr);

    // Existing folders under `roots` (the roots first), at most kMaxDirs and
    // kMaxDepth levels down. Reads the disk: call it off the GUI thread.
    static QStringList watchableDirs(const QStringList & roots);

    void setDirs(const QStringList & dirs);
    QStringList dirs() const { return m_watcher.directories(); }

signals:
    void changed();

private:
    QFileSystemWatcher m_watcher;
    QTimer m_quiet;
};

}  // namespace Hearth
