// One file downloaded to "<dest>.part", resumed, verified and renamed into place.
//
// run() blocks (worker thread or CLI) and never throws. The steps:
//  - a sidecar "<dest>.part.json" describes the .part; a .part whose sidecar
//    does not match this request (other url, revision, size or sha256) is
//    discarded, otherwise it is re-hashed and resumed with "Range: bytes=N-";
//  - a 206 appends; a 200 to a Range request means the server ignored it, so
//    the file restarts from zero; a 416 means the .part is already whole
//    (verify it) or wrong (start over);
//  - SHA-256 is computed while bytes stream; at the end the size and hash are
//    checked and the .part is renamed atomically; a mismatch deletes it, so a
//    corrupt file never reaches the library;
//  - network errors, 5xx and stalls retry with exponential backoff, up to a
//    bounded number of attempts without progress; a pause keeps the .part.
#pragma once

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QString>
#include <atomic>
#include <functional>

#include "core/hub_http.h"

namespace Hearth {

struct DownloadFileSpec {
    QString url;  // pinned to a commit: /{repo}/resolve/{sha}/{path}
    QString repo;
    QString revision;          // the commit sha
    QString path;              // in the repository
    qint64 expectedSize = -1;  // -1 when unknown
    QString sha256;            // lower-case hex; empty: only the size is checked
    QString destination;       // the final file
};

struct DownloadPolicy {
    int maxAttempts = 6;           // consecutive attempts that brought no new bytes
    int backoffInitialMs = 1000;   // doubled after each failure ...
    int backoffMaxMs = 30000;      // ... up to this
    int stallSeconds = 30;         // no bytes for this long counts as a failed attempt
    int progressIntervalMs = 200;  // progress callbacks at most this often
};

struct DownloadProgress {
    qint64 bytesDone = 0;
    qint64 bytesTotal = -1;
    double bytesPerSecond = 0;
    qint64 etaSeconds = -1;  // -1 when unknown
};

enum class DownloadOutcome { Completed, Failed, Paused, Cancelled };

struct DownloadResult {
    DownloadOutcome outcome = DownloadOutcome::Failed;
    QString error;  // for Failed
    QString path;   // the verified file, for Completed
};

class DownloadTask {
public:
    DownloadTask(DownloadFileSpec spec, HttpOptions http, DownloadPolicy policy = {});

    void setProgressCallback(std::function<void(const DownloadProgress &)> cb) { m_onProgress = std::move(cb); }
    void setLogCallback(std::function<void(const QString &)> cb) { m_onLog = std::move(cb); }

    // Thread-safe; run() returns Paused / Cancelled soon after.
    void requestPause() { m_control.store(ControlPause); }
    void requestCancel() { m_control.store(ControlCancel); }

    DownloadResult run();

    QString partPath() const { return m_spec.destination + QStringLiteral(".part"); }
    QString sidecarPath() const { return partPath() + QStringLiteral(".json"); }

private:
    enum Control { ControlRun, ControlPause, ControlCancel };
    enum class AttemptEnd { Done, Retry, RetryNow, Fatal, Stopped };
    AttemptEnd attempt(QString * error, bool * progressed);

    bool keepGoing() const { return m_control.load() == ControlRun; }
    DownloadResult stopped();
    DownloadResult fail(const QString & message, bool deletePart);
    DownloadResult finish();
    DownloadResult verifyExisting();
    bool preparePart(QString * error);
    bool rehashPart(QString * error);
    bool restartFromZero(QString * error);
    void writeSidecar();
    bool sleepInterruptible(int ms);
    void reportProgress(bool force);
    QString describe() const;
    // ENOSPC, EFBIG (RLIMIT_FSIZE) and EDQUOT say the disk is full: name the folder and the bytes still needed.
    QString writeErrorMessage(int err) const;

    DownloadFileSpec m_spec;
    HttpOptions m_http;
    DownloadPolicy m_policy;
    std::function<void(const DownloadProgress &)> m_onProgress;
    std::function<void(const QString &)> m_onLog;
    std::atomic<int> m_control{ControlRun};

    qint64 m_bytesDone = 0;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
    QElapsedTimer m_clock;
    qint64 m_lastReportMs = -1;
    qint64 m_lastReportBytes = 0;
    double m_speed = 0;
};

// Human-readable byte counts: "1.5 GiB".
QString formatBytes(qint64 bytes);

}  // namespace Hearth
