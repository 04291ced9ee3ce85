// ModelHashCache: the SHA-256 of model files, computed once per file.
//
// Every assistant reply records the sha256 of the model that wrote it, but a
// model can be 17 GB: reading it again at every load would take minutes. The
// cache remembers each file's hash together with the size and modification
// time it had when hashed, and an entry counts only while both still match
// (a file replaced or rewritten in place is hashed again).
//
// The cache is one small JSON file, by default dataDir()/model-hashes.json:
//   {"version": 1, "files": {"/abs/canonical/path.gguf":
//       {"size": 1185376, "mtime_ms": 1767607200000, "sha256": "<64 hex>"}}}
// Keys are canonical paths, so a library symlink and its target share an entry.
//
// Thread-safe within a process (one mutex around every read-modify-write;
// writes go through QSaveFile, so a crash never leaves half a file). Two
// processes writing at once may drop each other's newest entry, which only
// costs a second hashing later. A missing or corrupt cache file reads as
// empty. Never throws.
//
// A file downloaded by the model manager was already hashed while it
// streamed in and checked against the Hub's lfs.oid; the downloader records
// that hash with remember() so the app never reads the file again.
#pragma once

#include <QString>
#include <atomic>

namespace Hearth {

class ModelHashCache {
public:
    explicit ModelHashCache(QString cachePath = {});  // "" = dataDir()/model-hashes.json

    QString cachePath() const { return m_cachePath; }

    // The sha256 (lower-case hex) recorded for `path`, if the file still has
    // the size and modification time it had then; "" otherwise.
    QString lookup(const QString & path) const;
    // Records `sha256` for the file as it is now. False when the file is
    // missing, the hash is not 64 hex digits, or the cache cannot be written.
    bool remember(const QString & path, const QString & sha256) const;

    // lookup(), else reads the whole file, hashes it and remember()s it.
    // "" when cancelled (`cancel` set) or on a read error (described in *error).
    QString sha256(const QString & path, const std::atomic<bool> * cancel = nullptr, QString * error = nullptr) const;

    // Reads and hashes `path`, checking `cancel` between 4 MiB chunks.
    static QString hashFile(const QString & path, const std::atomic<bool> * cancel = nullptr,
                            QString * error = nullptr);

private:
    QString m_cachePath;
};

}  // namespace Hearth
