#include "core/download_task.h"

#include <curl/curl.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStorageInfo>
#include <QThread>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/download_sidecar.h"
#include "core/hub_client.h"
#include "core/model_hash_cache.h"

namespace Hearth {

namespace {
constexpr qint64 kDiskMargin = 64ll << 20;  // keep some room so the system never fills up completely
constexpr qint64 kHashChunk = 4 << 20;

// "bytes 100-199/1000" -> start 100, total 1000 (-1 when "*").
bool parseContentRange(const QByteArray & value, qint64 * start, qint64 * total) {
    QByteArray v = value.trimmed();
    if (!v.startsWith("bytes ")) return false;
    v = v.mid(6);
    const qsizetype dash = v.indexOf('-');
    const qsizetype slash = v.indexOf('/');
    if (dash <= 0 || slash <= dash) return false;
    bool ok = false;
    *start = v.left(dash).toLongLong(&ok);
    if (!ok) return false;
    const QByteArray t = v.mid(slash + 1);
    *total = t == "*" ? -1 : t.toLongLong(&ok);
    return ok;
}
}  // namespace

QString formatBytes(qint64 bytes) {
    const char * units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = double(bytes);
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        ++u;
    }
    return u == 0 ? QStringLiteral("%1 B").arg(bytes)
                  : QStringLiteral("%1 %2").arg(v, 0, 'f', 1).arg(QLatin1String(units[u]));
}

DownloadTask::DownloadTask(DownloadFileSpec spec, HttpOptions http, DownloadPolicy policy)
    : m_spec(std::move(spec)), m_http(std::move(http)), m_policy(policy) {
    m_http.stallSeconds = m_policy.stallSeconds;
}

QString DownloadTask::describe() const {
    return m_spec.repo.isEmpty() ? m_spec.path : m_spec.repo + QLatin1Char('/') + m_spec.path;
}

void DownloadTask::writeSidecar() {
    DownloadSidecar s;
    s.url = m_spec.url;
    s.repo = m_spec.repo;
    s.revision = m_spec.revision;
    s.path = m_spec.path;
    s.size = m_spec.expectedSize;
    s.sha256 = m_spec.sha256;
    s.bytesDone = m_bytesDone;
    s.write(sidecarPath());
}

DownloadResult DownloadTask::stopped() {
    if (m_control.load() == ControlCancel) {
        QFile::remove(partPath());
        QFile::remove(sidecarPath());
        return {DownloadOutcome::Cancelled, QString(), QString()};
    }
    writeSidecar();
    return {DownloadOutcome::Paused, QString(), QString()};
}

DownloadResult DownloadTask::fail(const QString & message, bool deletePart) {
    if (deletePart) {
        QFile::remove(partPath());
        QFile::remove(sidecarPath());
    } else if (QFileInfo::exists(partPath())) {
        writeSidecar();
    }
    return {DownloadOutcome::Failed, message, QString()};
}

bool DownloadTask::restartFromZero(QString * error) {
    QFile part(partPath());
    if (!part.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QStringLiteral("Cannot write %1: %2").arg(partPath(), part.errorString());
        return false;
    }
    m_bytesDone = 0;
    m_hash.reset();
    return true;
}

// Keeps the .part only when the sidecar says it holds this very file.
bool DownloadTask::preparePart(QString * error) {
    const QString dir = QFileInfo(m_spec.destination).absolutePath();
    if (!QDir().mkpath(dir)) {
        *error = QStringLiteral("Cannot create the folder %1.").arg(dir);
        return false;
    }
    DownloadSidecar want;
    want.url = m_spec.url;
    want.revision = m_spec.revision;
    want.size = m_spec.expectedSize;
    want.sha256 = m_spec.sha256;
    const auto have = DownloadSidecar::read(sidecarPath());
    const qint64 partSize = QFileInfo(partPath()).size();
    const bool reuse = QFileInfo::exists(partPath()) && have && have->sameFileAs(want) &&
                       (m_spec.expectedSize < 0 || partSize <= m_spec.expectedSize);
    if (!reuse) {
        if (QFileInfo::exists(partPath()) && m_onLog)
            m_onLog(QStringLiteral("Discarding %1: it belongs to another download.").arg(partPath()));
        if (!restartFromZero(error)) return false;
    } else {
        m_bytesDone = partSize;
    }
    writeSidecar();
    return true;
}

bool DownloadTask::rehashPart(QString * error) {
    m_hash.reset();
    QFile part(partPath());
    if (!part.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read %1: %2").arg(partPath(), part.errorString());
        return false;
    }
    qint64 done = 0;
    while (done < m_bytesDone) {
        if (!keepGoing()) return true;
        const QByteArray chunk = part.read(qMin(kHashChunk, m_bytesDone - done));
        if (chunk.isEmpty()) {
            *error = QStringLiteral("Cannot read %1: %2").arg(partPath(), part.errorString());
            return false;
        }
        m_hash.addData(chunk);
        done += chunk.size();
    }
    return true;
}

bool DownloadTask::sleepInterruptible(int ms) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        if (!keepGoing()) return false;
        QThread::msleep(quint64(qMin<qint64>(50, ms - t.elapsed() + 1)));
    }
    return keepGoing();
}

void DownloadTask::reportProgress(bool force) {
    if (!m_onProgress) return;
    const qint64 now = m_clock.elapsed();
    if (!force && m_lastReportMs >= 0 && now - m_lastReportMs < m_policy.progressIntervalMs) return;
    if (m_lastReportMs >= 0 && now > m_lastReportMs) {
        const double instant = double(m_bytesDone - m_lastReportBytes) * 1000.0 / double(now - m_lastReportMs);
        // A moving average, so the ETA does not jump with every chunk.
        m_speed = m_speed <= 0 ? instant : 0.7 * m_speed + 0.3 * instant;
    }
    m_lastReportMs = now;
    m_lastReportBytes = m_bytesDone;
    DownloadProgress p;
    p.bytesDone = m_bytesDone;
    p.bytesTotal = m_spec.expectedSize;
    p.bytesPerSecond = qMax(0.0, m_speed);
    if (m_spec.expectedSize >= 0 && m_speed > 1.0)
        p.etaSeconds = qint64(double(m_spec.expectedSize - m_bytesDone) / m_speed + 0.5);
    m_onProgress(p);
}

DownloadResult DownloadTask::finish() {
    const qint64 size = QFileInfo(partPath()).size();
    if (m_spec.expectedSize >= 0 && size != m_spec.expectedSize)
        return fail(QStringLiteral("%1: received %2 bytes but the Hub lists %3; the incomplete file was deleted.")
                        .arg(describe())
                        .arg(size)
                        .arg(m_spec.expectedSize),
                    true);
    const QString got = QString::fromLatin1(m_hash.result().toHex());
    if (!m_spec.sha256.isEmpty() && got.compare(m_spec.sha256, Qt::CaseInsensitive) != 0)
        return fail(QStringLiteral("%1 is corrupt: its SHA-256 is %2 but the Hub lists %3. The file was deleted; "
                                   "download it again.")
                        .arg(describe(), got, m_spec.sha256),
                    true);
    // rename(2) replaces atomically within one file system; the .part sits beside the destination.
    if (std::rename(QFile::encodeName(partPath()).constData(), QFile::encodeName(m_spec.destination).constData()) != 0)
        return fail(
            QStringLiteral("Cannot move %1 into place: %2").arg(partPath(), QString::fromLocal8Bit(strerror(errno))),
            false);
    QFile::remove(sidecarPath());
    // The verified hash is the file's identity in every reply it writes: the app never re-reads 17 GB for it.
    ModelHashCache().remember(m_spec.destination, got);
    reportProgress(true);
    return {DownloadOutcome::Completed, QString(), m_spec.destination};
}

// A file already in place is accepted only when it is exactly the one listed.
DownloadResult DownloadTask::verifyExisting() {
    QFile f(m_spec.destination);
    const bool sizeOk = m_spec.expectedSize < 0 || f.size() == m_spec.expectedSize;
    if (sizeOk && !m_spec.sha256.isEmpty() && f.open(QIODevice::ReadOnly)) {
        QCryptographicHash hash(QCryptographicHash::Sha256);
        while (!f.atEnd()) {
            if (!keepGoing()) return stopped();
            hash.addData(f.read(kHashChunk));
        }
        const QString got = QString::fromLatin1(hash.result().toHex());
        if (got.compare(m_spec.sha256, Qt::CaseInsensitive) == 0) {
            ModelHashCache().remember(m_spec.destination, got.toLower());
            m_bytesDone = f.size();
            reportProgress(true);
            return {DownloadOutcome::Completed, QString(), m_spec.destination};
        }
    } else if (sizeOk && m_spec.sha256.isEmpty()) {
        return {DownloadOutcome::Completed, QString(), m_spec.destination};
    }
    return {DownloadOutcome::Failed,
            QStringLiteral(
                "%1 already exists and is not the file the Hub lists for %2; delete it or choose another folder.")
                .arg(m_spec.destination, describe()),
            QString()};
}

QString DownloadTask::writeErrorMessage(int err) const {
    const QString folder = QFileInfo(m_spec.destination).absolutePath();
    if (err == ENOSPC || err == EFBIG || err == EDQUOT) {
        const qint64 need = m_spec.expectedSize >= 0 ? m_spec.expectedSize - m_bytesDone : -1;
        const QString needText = need >= 0 ? QStringLiteral("%1 more (%2 bytes)").arg(formatBytes(need)).arg(need)
                                           : QStringLiteral("more room");
        const QString kept = m_spec.expectedSize >= 0
                                 ? QStringLiteral("%1 of %2 bytes").arg(m_bytesDone).arg(m_spec.expectedSize)
                                 : QStringLiteral("%1 bytes").arg(m_bytesDone);
        return QStringLiteral(
                   "not enough disk space in %1: the download needs %2. %3 are kept in %4; "
                   "free some space and download again to resume.")
            .arg(folder, needText, kept, QFileInfo(partPath()).fileName());
    }
    return QStringLiteral("writing %1 failed: %2").arg(partPath(), QString::fromLocal8Bit(strerror(err)));
}

DownloadTask::AttemptEnd DownloadTask::attempt(QString * error, bool * progressed) {
    QFile part(partPath());
    if (!part.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered)) {
        *error = QStringLiteral("Cannot write %1: %2").arg(partPath(), part.errorString());
        return AttemptEnd::Fatal;
    }
    const qint64 offset = m_bytesDone;
    HttpOptions http = m_http;
    if (offset > 0) http.extraHeaders << QByteArrayLiteral("Range: bytes=") + QByteArray::number(offset) + '-';

    bool first = true;
    QString sinkError;
    bool sinkFatal = false;
    const qint64 startBytes = m_bytesDone;
    auto sink = [&](const HttpResponse & reply, const char * data, size_t size) -> bool {
        if (first) {
            first = false;
            qint64 start = 0, total = -1;
            if (reply.status == 206) {
                if (!parseContentRange(reply.header("content-range"), &start, &total) || start != offset) {
                    sinkError = QStringLiteral("the server sent a range that does not start at byte %1").arg(offset);
                    return false;
                }
            } else {
                if (offset > 0) {
                    // 200 to a Range request: the server ignored it and sends the whole file.
                    if (m_onLog)
                        m_onLog(QStringLiteral("The server ignored the resume request; restarting %1 from zero.")
                                    .arg(describe()));
                    if (!part.resize(0)) {
                        sinkError = QStringLiteral("cannot truncate %1").arg(partPath());
                        sinkFatal = true;
                        return false;
                    }
                    m_bytesDone = 0;
                    m_hash.reset();
                }
                bool ok = false;
                total = reply.header("content-length").toLongLong(&ok);
                if (!ok) total = -1;
            }
            if (total >= 0 && m_spec.expectedSize >= 0 && total != m_spec.expectedSize) {
                sinkError = QStringLiteral("the server's file is %1 bytes but the Hub lists %2")
                                .arg(total)
                                .arg(m_spec.expectedSize);
                sinkFatal = true;
                return false;
            }
        }
        if (m_spec.expectedSize >= 0 && m_bytesDone + qint64(size) > m_spec.expectedSize) {
            sinkError = QStringLiteral("the server sent more than the %1 bytes the Hub lists").arg(m_spec.expectedSize);
            sinkFatal = true;
            return false;
        }
        // write(2) directly: a short write still counts and is hashed, so the
        // .part always holds exactly m_bytesDone bytes, and errno is ours.
        size_t written = 0;
        while (written < size) {
            const ssize_t n = ::write(part.handle(), data + written, size - written);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                const int err = n < 0 ? errno : ENOSPC;
                m_hash.addData(QByteArrayView(data, qsizetype(written)));
                m_bytesDone += qint64(written);
                sinkError = writeErrorMessage(err);
                sinkFatal = true;
                return false;
            }
            written += size_t(n);
        }
        m_hash.addData(QByteArrayView(data, qsizetype(size)));
        m_bytesDone += qint64(size);
        reportProgress(false);
        return true;
    };
    const HttpResponse reply = httpGet(m_spec.url, http, sink, [this] { return keepGoing(); });
    part.close();
    *progressed = m_bytesDone > startBytes || (offset > 0 && m_bytesDone < offset);
    if (!keepGoing()) return AttemptEnd::Stopped;
    if (!sinkError.isEmpty()) {
        *error = sinkError;
        return sinkFatal ? AttemptEnd::Fatal : AttemptEnd::RetryNow;
    }
    if (!reply.transportOk()) {
        *error = reply.curlCode == CURLE_OPERATION_TIMEDOUT && m_policy.stallSeconds > 0
                     ? QStringLiteral("no data for %1 s (stalled)").arg(m_policy.stallSeconds)
                     : reply.curlError;
        return AttemptEnd::Retry;
    }
    if (reply.status == 416) {
        if (m_spec.expectedSize >= 0 && offset == m_spec.expectedSize) return AttemptEnd::Done;
        *error = QStringLiteral("the server refused to resume at byte %1 (HTTP 416)").arg(offset);
        return restartFromZero(error) ? AttemptEnd::RetryNow : AttemptEnd::Fatal;
    }
    if (reply.status >= 500 || reply.status == 429 || reply.status == 408) {
        *error = QStringLiteral("HTTP %1 from %2").arg(reply.status).arg(urlOrigin(reply.finalUrl));
        return AttemptEnd::Retry;
    }
    if (reply.status < 200 || reply.status >= 300) {
        *error = HubClient::errorMessage(reply.status, describe(), !m_http.bearerToken.isEmpty(),
                                         reply.header("x-error-code"));
        return AttemptEnd::Fatal;
    }
    if (m_spec.expectedSize >= 0 && m_bytesDone < m_spec.expectedSize) {
        *error = QStringLiteral("the connection ended at byte %1 of %2").arg(m_bytesDone).arg(m_spec.expectedSize);
        return AttemptEnd::Retry;
    }
    return AttemptEnd::Done;
}

DownloadResult DownloadTask::run() {
    m_clock.start();
    QString error;
    if (QFileInfo::exists(m_spec.destination)) return verifyExisting();
    if (!preparePart(&error)) return fail(error, false);
    const qint64 need = m_spec.expectedSize >= 0 ? m_spec.expectedSize - m_bytesDone : 0;
    const QStorageInfo disk(QFileInfo(m_spec.destination).absolutePath());
    if (disk.isValid() && need > 0 && disk.bytesAvailable() < need + kDiskMargin)
        return fail(QStringLiteral("Not enough disk space in %1 for %2: it needs %3 (%4 bytes) plus %5 to spare, "
                                   "but only %6 (%7 bytes) is free there.")
                        .arg(QFileInfo(m_spec.destination).absolutePath(), describe(), formatBytes(need))
                        .arg(need)
                        .arg(formatBytes(kDiskMargin), formatBytes(disk.bytesAvailable()))
                        .arg(disk.bytesAvailable()),
                    false);
    if (!rehashPart(&error)) return fail(error, false);
    if (!keepGoing()) return stopped();
    reportProgress(true);
    if (m_spec.expectedSize >= 0 && m_bytesDone == m_spec.expectedSize) return finish();

    int failures = 0;
    int backoff = m_policy.backoffInitialMs;
    for (int total = 0;; ++total) {
        bool progressed = false;
        error.clear();
        const AttemptEnd end = attempt(&error, &progressed);
        if (end == AttemptEnd::Done) return finish();
        if (end == AttemptEnd::Stopped) return stopped();
        if (end == AttemptEnd::Fatal) return fail(QStringLiteral("%1: %2").arg(describe(), error), false);
        if (progressed) {
            failures = 0;
            backoff = m_policy.backoffInitialMs;
        }
        ++failures;
        if (failures >= m_policy.maxAttempts || total >= 50 * m_policy.maxAttempts) {
            return fail(QStringLiteral("Gave up on %1 after %2 failed attempts: %3. The partial file is kept; "
                                       "retrying resumes it.")
                            .arg(describe())
                            .arg(failures)
                            .arg(error),
                        false);
        }
        if (m_onLog)
            m_onLog(QStringLiteral("%1: %2; retrying (%3/%4)")
                        .arg(describe(), error)
                        .arg(failures)
                        .arg(m_policy.maxAttempts));
        if (end == AttemptEnd::Retry) {
            if (!sleepInterruptible(backoff)) return stopped();
            backoff = qMin(backoff * 2, m_policy.backoffMaxMs);
        }
    }
}

}  // namespace Hearth
