// DownloadTask against the mock Hub and CDN: every fault ends in a verified
// file or a clear error, and a corrupt file never lands at the destination.
#include <QtTest>
#include <thread>

#include "core/download_sidecar.h"
#include "core/download_task.h"
#include "core/hub_client.h"
#include "mock_hub.h"

using namespace Hearth;
using mockhub::Fault;

namespace {
const std::string kRepo = "org/Model-GGUF";
const std::string kSha = "feedfacefeedfacefeedfacefeedfacefeedface";
const std::string kFile = "model-Q4_K_M.gguf";
constexpr qint64 kSize = 2 * 1024 * 1024 + 12345;

using mockhub::sha256OfFile;
}  // namespace

class TestDownloadTask : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<mockhub::MockHub> m_hub;
    std::unique_ptr<QTemporaryDir> m_dir;
    mockhub::File m_file;
    QString m_token;

    HubClient client() const {
        HubClient c;
        c.setEndpoint(QString::fromStdString(m_hub->hubUrl()));
        c.setToken(m_token);
        return c;
    }
    DownloadFileSpec spec(const std::string & path = kFile) const {
        DownloadFileSpec s;
        s.repo = QString::fromStdString(kRepo);
        s.revision = QString::fromStdString(kSha);
        s.path = QString::fromStdString(path);
        s.url = client().resolveUrl(s.repo, s.revision, s.path);
        s.expectedSize = qint64(m_file.content.size());
        s.sha256 = QString::fromStdString(m_file.sha256);
        s.destination = m_dir->filePath(QString::fromStdString(path));
        return s;
    }
    static DownloadPolicy fastPolicy() {
        DownloadPolicy p;
        p.maxAttempts = 4;
        p.backoffInitialMs = 20;
        p.backoffMaxMs = 100;
        p.stallSeconds = 1;
        p.progressIntervalMs = 10;
        return p;
    }
    DownloadResult download(const DownloadFileSpec & s) {
        DownloadTask task(s, client().httpOptions(), fastPolicy());
        return task.run();
    }
    std::vector<mockhub::RequestRecord> cdnRequests() const {
        std::vector<mockhub::RequestRecord> out;
        for (const auto & r : m_hub->requests())
            if (r.server == "cdn") out.push_back(r);
        return out;
    }
    void verifyLanded(const DownloadResult & r) {
        QVERIFY2(r.outcome == DownloadOutcome::Completed, qPrintable(r.error));
        QCOMPARE(r.path, spec().destination);
        QCOMPARE(QFileInfo(r.path).size(), kSize);
        QCOMPARE(sha256OfFile(r.path).toStdString(), m_file.sha256);
        QVERIFY(!QFileInfo::exists(r.path + QStringLiteral(".part")));
        QVERIFY(!QFileInfo::exists(r.path + QStringLiteral(".part.json")));
    }
    void verifyNothingLanded(const DownloadResult & r) {
        QVERIFY(r.outcome == DownloadOutcome::Failed);
        QVERIFY(!r.error.isEmpty());
        QVERIFY(!QFileInfo::exists(spec().destination));
    }

private slots:
    void init() {
        m_hub = std::make_unique<mockhub::MockHub>();
        m_hub->addRepo(kRepo, kSha, 10, false);
        m_file = m_hub->addFile(kRepo, kFile, kSize);
        m_dir = std::make_unique<QTemporaryDir>();
        m_token.clear();
    }
    void cleanup() {
        m_hub.reset();
        m_dir.reset();
    }

    void clean() {
        QList<DownloadProgress> seen;
        DownloadTask task(spec(), client().httpOptions(), fastPolicy());
        task.setProgressCallback([&](const DownloadProgress & p) { seen << p; });
        verifyLanded(task.run());
        QVERIFY(seen.size() >= 2);
        QCOMPARE(seen.last().bytesDone, kSize);
        QCOMPARE(seen.last().bytesTotal, kSize);
        for (int i = 1; i < seen.size(); ++i) QVERIFY(seen[i].bytesDone >= seen[i - 1].bytesDone);
        const auto cdn = cdnRequests();
        QCOMPARE(int(cdn.size()), 1);
        QVERIFY(cdn[0].range.empty());
        // The download is pinned to the commit.
        bool pinned = false;
        for (const auto & r : m_hub->requests())
            if (r.server == "hub" && r.path == "/" + kRepo + "/resolve/" + kSha + "/" + kFile) pinned = true;
        QVERIFY(pinned);
    }

    void droppedConnectionResumes() {
        m_hub->addFault(kFile, {Fault::DropAt, 700000, 1});
        verifyLanded(download(spec()));
        const auto cdn = cdnRequests();
        QCOMPARE(int(cdn.size()), 2);
        QCOMPARE(cdn[1].range, std::string("bytes=700000-"));
        QCOMPARE(m_hub->cdnBytesSent(), kSize);  // nothing fetched twice
    }

    void rangeIgnoredRestarts() {
        m_hub->addFault(kFile, {Fault::DropAt, 500000, 1});
        m_hub->addFault(kFile, {Fault::IgnoreRange, 0, 2});  // the drop consumes one
        verifyLanded(download(spec()));
        const auto cdn = cdnRequests();
        QCOMPARE(int(cdn.size()), 2);
        QCOMPARE(cdn[1].range, std::string("bytes=500000-"));
        QCOMPARE(m_hub->cdnBytesSent(), kSize + 500000);
    }

    void status416Restarts() {
        m_hub->addFault(kFile, {Fault::DropAt, 500000, 1});
        m_hub->addFault(kFile, {Fault::Always416, 0, 2});  // the drop consumes one
        verifyLanded(download(spec()));
        const auto cdn = cdnRequests();
        QCOMPARE(int(cdn.size()), 3);
        QCOMPARE(cdn[1].range, std::string("bytes=500000-"));
        QVERIFY(cdn[2].range.empty());  // started over from zero
    }

    void serverErrorsRetry() {
        m_hub->addFault(kFile, {Fault::ServerError, 0, 2});
        verifyLanded(download(spec()));
        QCOMPARE(int(cdnRequests().size()), 3);
    }

    void persistentServerErrorGivesUp() {
        m_hub->addFault(kFile, {Fault::ServerError, 0, -1});
        const DownloadResult r = download(spec());
        verifyNothingLanded(r);
        QVERIFY2(r.error.contains(QStringLiteral("Gave up")), qPrintable(r.error));
        QVERIFY(r.error.contains(QStringLiteral("HTTP 500")));
        QCOMPARE(int(cdnRequests().size()), fastPolicy().maxAttempts);
    }

    void stallIsDetected() {
        m_hub->addFault(kFile, {Fault::StallAt, 300000, 1});
        QElapsedTimer t;
        t.start();
        verifyLanded(download(spec()));
        const auto cdn = cdnRequests();
        QCOMPARE(int(cdn.size()), 2);
        QCOMPARE(cdn[1].range, std::string("bytes=300000-"));
        QVERIFY(t.elapsed() < 8000);  // the 10 s stall was cut short
    }

    void flippedByteRejected() {
        m_hub->addFault(kFile, {Fault::FlipByte, 123456, 1});
        const DownloadResult r = download(spec());
        verifyNothingLanded(r);
        QVERIFY2(r.error.contains(QStringLiteral("corrupt")), qPrintable(r.error));
        QVERIFY(r.error.contains(QString::fromStdString(m_file.sha256)));
        QVERIFY(!QFileInfo::exists(spec().destination + QStringLiteral(".part")));
        // Downloading again fetches a good copy.
        verifyLanded(download(spec()));
    }

    void shortFileRejected() {
        m_hub->addFault(kFile, {Fault::ShortFile, 1000, -1});
        const DownloadResult r = download(spec());
        verifyNothingLanded(r);
        QVERIFY2(r.error.contains(QString::number(kSize)), qPrintable(r.error));
    }

    void wrongListedSizeRejected() {
        DownloadFileSpec s = spec();
        s.expectedSize = kSize + 1;
        const DownloadResult r = download(s);
        verifyNothingLanded(r);
    }

    void tokenKeptOnResumeAndNeverSentToCdn() {
        m_hub->addRepo("org/Gated-GGUF", kSha, 1, true);
        m_file = m_hub->addFile("org/Gated-GGUF", "g.gguf", kSize);
        m_hub->setToken("hf_secret");
        m_hub->addFault("g.gguf", {Fault::DropAt, 900000, 1});
        m_token = QStringLiteral("hf_secret");
        DownloadFileSpec s = spec("g.gguf");
        s.repo = QStringLiteral("org/Gated-GGUF");
        s.url = client().resolveUrl(s.repo, s.revision, s.path);
        const DownloadResult r = download(s);
        QVERIFY2(r.outcome == DownloadOutcome::Completed, qPrintable(r.error));
        int hubResolves = 0;
        for (const auto & rec : m_hub->requests()) {
            if (rec.server == "hub") {
                QCOMPARE(rec.authorization, std::string("Bearer hf_secret"));
                ++hubResolves;
            } else {
                QVERIFY2(rec.authorization.empty(), "the CDN received the token");
            }
        }
        QCOMPARE(hubResolves, 2);  // the resume asked the Hub again, with the token
        QCOMPARE(cdnRequests()[1].range, std::string("bytes=900000-"));
    }

    void gatedWithoutToken() {
        m_hub->addRepo("org/Gated-GGUF", kSha, 1, true);
        m_file = m_hub->addFile("org/Gated-GGUF", "g.gguf", 1000);
        DownloadFileSpec s = spec("g.gguf");
        s.repo = QStringLiteral("org/Gated-GGUF");
        s.url = client().resolveUrl(s.repo, s.revision, s.path);
        const DownloadResult r = download(s);
        QVERIFY(r.outcome == DownloadOutcome::Failed);
        QVERIFY2(r.error.contains(QStringLiteral("HF_TOKEN")), qPrintable(r.error));
        QVERIFY(cdnRequests().empty());
    }

    void missingFile() {
        DownloadFileSpec s = spec();
        s.path = QStringLiteral("nope.gguf");
        s.url = client().resolveUrl(s.repo, s.revision, s.path);
        const DownloadResult r = download(s);
        QVERIFY(r.outcome == DownloadOutcome::Failed);
        QVERIFY2(r.error.contains(QStringLiteral("Not found")), qPrintable(r.error));
    }

    void resumesFromSidecar() {
        const DownloadFileSpec s = spec();
        QFile part(s.destination + QStringLiteral(".part"));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(m_file.content.data(), 1048576);
        part.close();
        DownloadSidecar side{s.url, s.repo, s.revision, s.path, s.expectedSize, s.sha256, 1048576};
        QVERIFY(side.write(s.destination + QStringLiteral(".part.json")));
        verifyLanded(download(s));
        const auto cdn = cdnRequests();
        QCOMPARE(int(cdn.size()), 1);
        QCOMPARE(cdn[0].range, std::string("bytes=1048576-"));
    }

    void corruptPartialDetectedAtEnd() {
        // A .part whose bytes were damaged on disk is caught by the re-hash.
        const DownloadFileSpec s = spec();
        std::string damaged = m_file.content.substr(0, 1048576);
        damaged[10] ^= 1;
        QFile part(s.destination + QStringLiteral(".part"));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(damaged.data(), qint64(damaged.size()));
        part.close();
        DownloadSidecar side{s.url, s.repo, s.revision, s.path, s.expectedSize, s.sha256, 1048576};
        QVERIFY(side.write(s.destination + QStringLiteral(".part.json")));
        verifyNothingLanded(download(s));
    }

    void staleSidecarStartsOver() {
        const DownloadFileSpec s = spec();
        QFile part(s.destination + QStringLiteral(".part"));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(QByteArray(4096, 'x'));
        part.close();
        DownloadSidecar side{s.url, s.repo, QStringLiteral("oldrevision"), s.path, s.expectedSize, s.sha256, 4096};
        QVERIFY(side.write(s.destination + QStringLiteral(".part.json")));
        verifyLanded(download(s));
        QVERIFY(cdnRequests()[0].range.empty());
    }

    void completePartIsVerifiedWithoutDownloading() {
        const DownloadFileSpec s = spec();
        QFile part(s.destination + QStringLiteral(".part"));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(m_file.content.data(), qint64(m_file.content.size()));
        part.close();
        DownloadSidecar side{s.url, s.repo, s.revision, s.path, s.expectedSize, s.sha256, kSize};
        QVERIFY(side.write(s.destination + QStringLiteral(".part.json")));
        verifyLanded(download(s));
        QVERIFY(cdnRequests().empty());
        // Already in place: verified, not fetched again.
        verifyLanded(download(s));
        QVERIFY(cdnRequests().empty());
    }

    void notEnoughDiskSpace() {
        DownloadFileSpec s = spec();
        s.expectedSize = qint64(1) << 60;
        const DownloadResult r = download(s);
        verifyNothingLanded(r);
        QVERIFY2(
            r.error.contains(QStringLiteral("Not enough disk space in ") + QFileInfo(s.destination).absolutePath()),
            qPrintable(r.error));
        // Needed and free, both as bytes a person can compare.
        QVERIFY2(r.error.contains(QString::number(qint64(1) << 60) + QStringLiteral(" bytes")), qPrintable(r.error));
        QVERIFY2(r.error.contains(QStringLiteral("is free there")), qPrintable(r.error));
        QVERIFY(cdnRequests().empty());
    }

    void pauseKeepsPartAndResumes() {
        m_hub->setBytesPerSecond(1024 * 1024);
        const DownloadFileSpec s = spec();
        DownloadTask task(s, client().httpOptions(), fastPolicy());
        std::atomic<qint64> done{0};
        task.setProgressCallback([&](const DownloadProgress & p) { done = p.bytesDone; });
        DownloadResult r;
        std::thread worker([&] { r = task.run(); });
        QTRY_VERIFY_WITH_TIMEOUT(done.load() > 200000, 10000);
        task.requestPause();
        worker.join();
        QVERIFY(r.outcome == DownloadOutcome::Paused);
        const qint64 partSize = QFileInfo(s.destination + QStringLiteral(".part")).size();
        QVERIFY(partSize > 0 && partSize < kSize);
        const auto side = DownloadSidecar::read(s.destination + QStringLiteral(".part.json"));
        QVERIFY(side.has_value());
        QCOMPARE(side->bytesDone, partSize);
        QCOMPARE(side->sha256.toStdString(), m_file.sha256);
        m_hub->setBytesPerSecond(0);
        verifyLanded(download(s));
        QCOMPARE(cdnRequests().back().range, "bytes=" + std::to_string(partSize) + "-");
    }

    void cancelRemovesPart() {
        m_hub->setBytesPerSecond(1024 * 1024);
        const DownloadFileSpec s = spec();
        DownloadTask task(s, client().httpOptions(), fastPolicy());
        std::atomic<qint64> done{0};
        task.setProgressCallback([&](const DownloadProgress & p) { done = p.bytesDone; });
        DownloadResult r;
        std::thread worker([&] { r = task.run(); });
        QTRY_VERIFY_WITH_TIMEOUT(done.load() > 100000, 10000);
        task.requestCancel();
        worker.join();
        QVERIFY(r.outcome == DownloadOutcome::Cancelled);
        QVERIFY(!QFileInfo::exists(s.destination + QStringLiteral(".part")));
        QVERIFY(!QFileInfo::exists(s.destination + QStringLiteral(".part.json")));
        QVERIFY(!QFileInfo::exists(s.destination));
    }
};

QTEST_APPLESS_MAIN(TestDownloadTask)
#include "test_download_task.moc"
