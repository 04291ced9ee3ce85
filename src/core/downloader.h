// Downloads that run beside the GUI: several at once, each on a worker thread,
// each with pause, resume and cancel.
//
// A job is one model: a single GGUF or every shard of a split one, fetched in
// order by DownloadTask (see download_task.h for resume and verification).
// Signals are emitted from the Downloader's own thread (queued from the
// workers), throttled by DownloadPolicy::progressIntervalMs. Pausing keeps the
// .part files; resuming, even after an app restart, continues from them.
#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QThreadPool>
#include <memory>

#include "core/download_task.h"

namespace Hearth {

struct DownloadJob {
    QString name;                   // shown to the user ("org/repo Q4_K_M")
    QList<DownloadFileSpec> files;  // shards in order
    HttpOptions http;               // carries the token for every attempt, resumes included
};

// Q_ENUM_NS: the QML compares states as values (`Download.Paused`, src/app/qml_enums.h).
namespace DownloadEnums {
Q_NAMESPACE
enum class DownloadState { Queued, Running, Paused, Completed, Failed, Cancelled };
Q_ENUM_NS(DownloadState)
}  // namespace DownloadEnums
using DownloadEnums::DownloadState;

class Downloader : public QObject {
    Q_OBJECT
public:
    explicit Downloader(QObject * parent = nullptr);
    ~Downloader() override;

    void setPolicy(const DownloadPolicy & policy) { m_policy = policy; }
    void setMaxConcurrent(int n);

    int start(const DownloadJob & job);  // returns the job id
    void pause(int id);
    void resume(int id);
    void cancel(int id);

    DownloadState state(int id) const;
    QString error(int id) const;
    QList<int> jobIds() const { return m_jobs.keys(); }
    QString jobName(int id) const;
    qint64 totalBytes(int id) const;

    // Blocks until no job runs (tests, shutdown).
    void waitForIdle();

signals:
    void progress(int id, qint64 bytesDone, qint64 bytesTotal, double bytesPerSecond, qint64 etaSeconds);
    void stateChanged(int id, Hearth::DownloadState state);
    void finished(int id, const QStringList & paths);
    void failed(int id, const QString & message);

private:
    struct Job;
    void launch(const std::shared_ptr<Job> & job);
    void runJob(const std::shared_ptr<Job> & job, const DownloadPolicy & policy);  // on a worker thread
    void setState(const std::shared_ptr<Job> & job, DownloadState state);

    QHash<int, std::shared_ptr<Job>> m_jobs;
    QThreadPool m_pool;
    DownloadPolicy m_policy;
    int m_nextId = 1;
};

// The one text of each state: "queued", "running", "paused", "completed",
// "failed", "cancelled" (the download list's `status`, the CLI).
QString downloadStateName(DownloadState state);

}  // namespace Hearth
