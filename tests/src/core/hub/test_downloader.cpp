// The Downloader: concurrent jobs on worker threads, pause/resume/cancel,
// sharded models as one job, throttled queued progress signals.
#include <QtTest>

#include "core/downloader.h"
#include "core/hub_client.h"
#include "mock_hub.h"

using namespace Hearth;

namespace {
const std::string kRepo = "org/Big-GGUF";
const std::string kSha = "1111111111111111111111111111111111111111";

using mockhub::sha256OfFile;
}  // namespace

class TestDownloader : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<mockhub::MockHub> m_hub;
    std::unique_ptr<QTemporaryDir> m_dir;
    HubClient m_client;

    DownloadJob job(const QList<mockhub::File> & files) {
        DownloadJob j;
        j.name = QStringLiteral("test");
        j.http = m_client.httpOptions();
        for (const mockhub::File & f : files) {
            DownloadFileSpec s;
            s.repo = QString::fromStdString(kRepo);
            s.revision = QString::fromStdString(kSha);
            s.path = QString::fromStdString(f.path);
            s.url = m_client.resolveUrl(s.repo, s.revision, s.path);
            s.expectedSize = qint64(f.content.size());
            s.sha256 = QString::fromStdString(f.sha256);
            s.destination = m_dir->filePath(s.path);
            j.files << s;
        }
        return j;
    }
    static DownloadPolicy policy() {
        DownloadPolicy p;
        p.backoffInitialMs = 20;
        p.stallSeconds = 2;
        p.progressIntervalMs = 50;
        return p;
    }

private slots:
    void init() {
        m_hub = std::make_unique<mockhub::MockHub>();
        m_hub->addRepo(kRepo, kSha);
        m_dir = std::make_unique<QTemporaryDir>();
        m_client.setEndpoint(QString::fromStdString(m_hub->hubUrl()));
    }
    void cleanup() {
        m_hub.reset();
        m_dir.reset();
    }

    void shardedModelIsOneJob() {
        QList<mockhub::File> shards;
        for (int i = 1; i <= 3; ++i)
            shards << m_hub->addFile(kRepo, "Big-Q4_K_M-0000" + std::to_string(i) + "-of-00003.gguf", 300000 + i);
        Downloader d;
        d.setPolicy(policy());
        QSignalSpy finished(&d, &Downloader::finished);
        QSignalSpy progress(&d, &Downloader::progress);
        const int id = d.start(job(shards));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QCOMPARE(finished[0][0].toInt(), id);
        const QStringList paths = finished[0][1].toStringList();
        QCOMPARE(paths.size(), 3);
        for (int i = 0; i < 3; ++i) QCOMPARE(sha256OfFile(paths[i]).toStdString(), shards[i].sha256);
        QCOMPARE(d.state(id), DownloadState::Completed);
        QVERIFY(!progress.isEmpty());
        const qint64 total = 300001 + 300002 + 300003;
        qint64 last = -1;
        for (const QList<QVariant> & p : progress) {
            QCOMPARE(p[2].toLongLong(), total);
            QVERIFY(p[1].toLongLong() >= last);
            last = p[1].toLongLong();
        }
        QCOMPARE(last, total);
    }

    void concurrentPauseResume() {
        const mockhub::File a = m_hub->addFile(kRepo, "a.gguf", 1500000);
        const mockhub::File b = m_hub->addFile(kRepo, "b.gguf", 600000);
        m_hub->setBytesPerSecond(1000000);
        Downloader d;
        d.setPolicy(policy());
        QSignalSpy finished(&d, &Downloader::finished);
        QSignalSpy states(&d, &Downloader::stateChanged);
        const int ia = d.start(job({a}));
        const int ib = d.start(job({b}));
        QTRY_COMPARE_WITH_TIMEOUT(d.state(ia), DownloadState::Running, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(d.state(ib), DownloadState::Running, 5000);  // both at once
        // Pause once some bytes are on disk, so the resume has a part to continue.
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(m_dir->filePath(QStringLiteral("a.gguf.part"))).size() > 0, 5000);
        d.pause(ia);
        QTRY_COMPARE_WITH_TIMEOUT(d.state(ia), DownloadState::Paused, 5000);
        QVERIFY(QFileInfo::exists(m_dir->filePath(QStringLiteral("a.gguf.part"))));
        QVERIFY(QFileInfo::exists(m_dir->filePath(QStringLiteral("a.gguf.part.json"))));
        QTRY_COMPARE_WITH_TIMEOUT(d.state(ib), DownloadState::Completed, 10000);
        m_hub->setBytesPerSecond(0);
        const qint64 partSize = QFileInfo(m_dir->filePath(QStringLiteral("a.gguf.part"))).size();
        QVERIFY(partSize > 0);
        d.resume(ia);
        QTRY_COMPARE_WITH_TIMEOUT(d.state(ia), DownloadState::Completed, 10000);
        QCOMPARE(sha256OfFile(m_dir->filePath(QStringLiteral("a.gguf"))).toStdString(), a.sha256);
        QCOMPARE(m_hub->requests().back().range, "bytes=" + std::to_string(partSize) + "-");
        QCOMPARE(finished.size(), 2);
    }

    void cancelRemovesEverything() {
        const mockhub::File a = m_hub->addFile(kRepo, "c.gguf", 2000000);
        m_hub->setBytesPerSecond(500000);
        Downloader d;
        d.setPolicy(policy());
        const int id = d.start(job({a}));
        QTRY_COMPARE_WITH_TIMEOUT(d.state(id), DownloadState::Running, 5000);
        // Cancel once a part file exists: cancelling must remove it.
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(m_dir->filePath(QStringLiteral("c.gguf.part"))).size() > 0, 5000);
        d.cancel(id);
        QTRY_COMPARE_WITH_TIMEOUT(d.state(id), DownloadState::Cancelled, 5000);
        QVERIFY(!QFileInfo::exists(m_dir->filePath(QStringLiteral("c.gguf.part"))));
        QVERIFY(!QFileInfo::exists(m_dir->filePath(QStringLiteral("c.gguf"))));
    }

    void failureIsReported() {
        const mockhub::File a = m_hub->addFile(kRepo, "d.gguf", 100000);
        m_hub->addFault("d.gguf", {mockhub::Fault::FlipByte, 5, 1});
        Downloader d;
        d.setPolicy(policy());
        QSignalSpy failed(&d, &Downloader::failed);
        const int id = d.start(job({a}));
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        QCOMPARE(d.state(id), DownloadState::Failed);
        QVERIFY(failed[0][1].toString().contains(QStringLiteral("corrupt")));
        QVERIFY(!QFileInfo::exists(m_dir->filePath(QStringLiteral("d.gguf"))));
        // Retrying the failed job fetches a good copy.
        QSignalSpy finished(&d, &Downloader::finished);
        d.resume(id);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QCOMPARE(sha256OfFile(m_dir->filePath(QStringLiteral("d.gguf"))).toStdString(), a.sha256);
    }
};

QTEST_GUILESS_MAIN(TestDownloader)
#include "test_downloader.moc"
