#include "core/downloader.h"

#include <QFile>
#include <QMutex>
#include <QMutexLocker>

namespace Hearth {

struct Downloader::Job {
    int id = 0;
    DownloadJob spec;
    DownloadState state = DownloadState::Queued;  // touched on the Downloader's thread only
    QString error;
    QMutex mutex;  // guards task and control between the GUI thread and the worker
    DownloadTask * task = nullptr;
    int control = 0;  // 0 run, 1 pause, 2 cancel: set before the worker picks the job up
    qint64 total() const {
        qint64 n = 0;
        for (const DownloadFileSpec & f : spec.files) n += qMax<qint64>(0, f.expectedSize);
        return n;
    }
};

QString downloadStateName(DownloadState state) {
    switch (state) {
        case DownloadState::Queued:
            return QStringLiteral("queued");
        case DownloadState::Running:
            return QStringLiteral("running");
        case DownloadState::Paused:
            return QStringLiteral("paused");
        case DownloadState::Completed:
            return QStringLiteral("completed");
        case DownloadState::Failed:
            return QStringLiteral("failed");
        case DownloadState::Cancelled:
            return QStringLiteral("cancelled");
    }
    return QString();
}

Downloader::Downloader(QObject * parent) : QObject(parent) {
    qRegisterMetaType<Hearth::DownloadState>();
    m_pool.setMaxThreadCount(3);
}

Downloader::~Downloader() {
    for (const auto & job : std::as_const(m_jobs)) {
        QMutexLocker lock(&job->mutex);
        job->control = 1;  // keep the .part files: the next run resumes them
        if (job->task) job->task->requestPause();
    }
    m_pool.waitForDone();
}

void Downloader::setMaxConcurrent(int n) {
    m_pool.setMaxThreadCount(qMax(1, n));
}

int Downloader::start(const DownloadJob & spec) {
    auto job = std::make_shared<Job>();
    job->id = m_nextId++;
    job->spec = spec;
    m_jobs.insert(job->id, job);
    launch(job);
    return job->id;
}

void Downloader::launch(const std::shared_ptr<Job> & job) {
    {
        QMutexLocker lock(&job->mutex);
        job->control = 0;
    }
    setState(job, DownloadState::Queued);
    // The policy is copied here, so setPolicy() on this thread never races a running worker.
    m_pool.start([this, job, policy = m_policy] { runJob(job, policy); });
}

void Downloader::setState(const std::shared_ptr<Job> & job, DownloadState state) {
    if (job->state == state) return;
    job->state = state;
    emit stateChanged(job->id, state);
}

void Downloader::runJob(const std::shared_ptr<Job> & job, const DownloadPolicy & policy) {
    const int id = job->id;
    auto post = [this](auto fn) { QMetaObject::invokeMethod(this, fn, Qt::QueuedConnection); };
    post([this, job] { setState(job, DownloadState::Running); });
    const qint64 total = job->total();
    qint64 before = 0;  // bytes of the shards already finished
    QStringList paths;
    for (const DownloadFileSpec & file : std::as_const(job->spec.files)) {
        DownloadTask task(file, job->spec.http, policy);
        task.setProgressCallback([=, this](const DownloadProgress & p) {
            const qint64 done = before + p.bytesDone;
            const qint64 eta = p.bytesPerSecond > 1 ? qint64(double(total - done) / p.bytesPerSecond + 0.5) : -1;
            const double speed = p.bytesPerSecond;
            post([=, this] { emit progress(id, done, total, speed, eta); });
        });
        {
            QMutexLocker lock(&job->mutex);
            if (job->control == 1) task.requestPause();
            if (job->control == 2) task.requestCancel();
            job->task = &task;
        }
        const DownloadResult r = task.run();
        {
            QMutexLocker lock(&job->mutex);
            job->task = nullptr;
        }
        if (r.outcome == DownloadOutcome::Completed) {
            paths << r.path;
            before += qMax<qint64>(0, file.expectedSize);
            continue;
        }
        if (r.outcome == DownloadOutcome::Cancelled) {
            // The shards already finished belong to an unfinished model: remove them too.
            for (const QString & p : std::as_const(paths)) QFile::remove(p);
        }
        post([this, job, r] {
            if (r.outcome == DownloadOutcome::Failed) {
                job->error = r.error;
                setState(job, DownloadState::Failed);
                emit failed(job->id, r.error);
            } else {
                setState(job, r.outcome == DownloadOutcome::Paused ? DownloadState::Paused : DownloadState::Cancelled);
            }
        });
        return;
    }
    post([this, job, paths] {
        setState(job, DownloadState::Completed);
        emit finished(job->id, paths);
    });
}

void Downloader::pause(int id) {
    const auto job = m_jobs.value(id);
    if (!job) return;
    QMutexLocker lock(&job->mutex);
    job->control = 1;
    if (job->task) job->task->requestPause();
}

void Downloader::resume(int id) {
    const auto job = m_jobs.value(id);
    if (!job || (job->state != DownloadState::Paused && job->state != DownloadState::Failed)) return;
    job->error.clear();
    launch(job);
}

void Downloader::cancel(int id) {
    const auto job = m_jobs.value(id);
    if (!job) return;
    QMutexLocker lock(&job->mutex);
    job->control = 2;
    if (job->task) {
        job->task->requestCancel();
    } else if (job->state == DownloadState::Paused || job->state == DownloadState::Failed) {
        for (const DownloadFileSpec & f : std::as_const(job->spec.files)) {
            QFile::remove(f.destination + QStringLiteral(".part"));
            QFile::remove(f.destination + QStringLiteral(".part.json"));
        }
        lock.unlock();
        setState(job, DownloadState::Cancelled);
    }
}

DownloadState Downloader::state(int id) const {
    const auto job = m_jobs.value(id);
    return job ? job->state : DownloadState::Failed;
}

QString Downloader::error(int id) const {
    const auto job = m_jobs.value(id);
    return job ? job->error : QString();
}

QString Downloader::jobName(int id) const {
    const auto job = m_jobs.value(id);
    return job ? job->spec.name : QString();
}

qint64 Downloader::totalBytes(int id) const {
    const auto job = m_jobs.value(id);
    return job ? job->total() : 0;
}

void Downloader::waitForIdle() {
    m_pool.waitForDone();
}

}  // namespace Hearth
