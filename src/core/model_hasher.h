// ModelHasher: the SHA-256 of model files, computed in the background.
//
// request() returns at once; a worker thread (one, at the lowest priority, so
// hashing never competes with generation for more than disk bandwidth) looks
// the file up in the ModelHashCache and reads and hashes it only when the
// cache has nothing current. The answer comes back as a queued signal on the
// hasher's thread: hashed(path, sha256), or failed(path, reason).
//
// Requests are served in order, once each: asking again for a path that is
// queued or running is a no-op. cancel() drops one; the destructor cancels
// all and waits (a running hash stops within one 4 MiB read).
#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <atomic>
#include <memory>

namespace Hearth {

class ModelHasher : public QObject {
    Q_OBJECT
public:
    // `cachePath` "" = the app's cache (dataDir()/model-hashes.json).
    explicit ModelHasher(const QString & cachePath = {}, QObject * parent = nullptr);
    ~ModelHasher() override;

    void request(const QString & path);
    void cancel(const QString & path);
    bool isPending(const QString & path) const { return m_jobs.contains(path); }

signals:
    void hashed(const QString & path, const QString & sha256);
    void failed(const QString & path, const QString & reason);

private:
    void done(const QString & path, const QString & sha256, const QString & error);

    QString m_cachePath;
    QThreadPool m_pool;
    QHash<QString, std::shared_ptr<std::atomic<bool>>> m_jobs;  // path -> its cancel flag
};

}  // namespace Hearth
