#include "core/model_hasher.h"

#include "core/model_hash_cache.h"

namespace Hearth {

ModelHasher::ModelHasher(const QString & cachePath, QObject * parent)
    : QObject(parent), m_cachePath(ModelHashCache(cachePath).cachePath()) {
    m_pool.setMaxThreadCount(1);
    m_pool.setThreadPriority(QThread::LowestPriority);
}

ModelHasher::~ModelHasher() {
    for (const auto & flag : std::as_const(m_jobs)) flag->store(true);
    m_pool.clear();
    m_pool.waitForDone();
}

void ModelHasher::request(const QString & path) {
    if (path.isEmpty() || m_jobs.contains(path)) return;
    auto flag = std::make_shared<std::atomic<bool>>(false);
    m_jobs.insert(path, flag);
    const QString cachePath = m_cachePath;
    m_pool.start([this, path, flag, cachePath] {
        if (flag->load()) return;
        QString error;
        const QString sha = ModelHashCache(cachePath).sha256(path, flag.get(), &error);
        if (flag->load()) return;
        // Queued: the destructor waits for this job, so `this` is alive here,
        // and Qt drops the call if the hasher is gone when it would run.
        QMetaObject::invokeMethod(
            this, [this, path, sha, error] { done(path, sha, error); }, Qt::QueuedConnection);
    });
}

void ModelHasher::cancel(const QString & path) {
    if (auto flag = m_jobs.take(path)) flag->store(true);
}

void ModelHasher::done(const QString & path, const QString & sha256, const QString & error) {
    if (!m_jobs.remove(path)) return;  // cancelled meanwhile
    if (!sha256.isEmpty())
        emit hashed(path, sha256);
    else
        emit failed(path, error.isEmpty() ? QStringLiteral("cannot hash %1").arg(path) : error);
}

}  // namespace Hearth
