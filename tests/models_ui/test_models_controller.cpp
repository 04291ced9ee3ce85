// The Models page's C++ side against the mock Hub: every list model through
// QAbstractItemModelTester, and the controller's flows: search -> results,
// open repo -> GGUF files with quant names and fit badges, download ->
// progress -> finished -> the library model gains the (readable) model,
// delete -> gone, and the Hub's errors reaching the UI as text.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "models_controller.h"
#include "models_test_hub.h"

using namespace Hearth;

namespace {

constexpr int kTimeoutMs = 20000;

int rowWhere(const QAbstractItemModel & m, const QByteArray & role, const QVariant & value) {
    const int r = m.roleNames().key(role, -1);
    for (int i = 0; i < m.rowCount(); ++i)
        if (m.data(m.index(i, 0), r) == value) return i;
    return -1;
}

QVariant roleAt(const QAbstractItemModel & m, int row, const QByteArray & role) {
    return m.data(m.index(row, 0), m.roleNames().key(role, -1));
}

}  // namespace

class TestModelsController : public QObject {
    Q_OBJECT
    std::unique_ptr<mockhub::MockHub> m_hub;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ModelsController> m_c;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;

private slots:
    void init() {
        m_hub = std::make_unique<mockhub::MockHub>();
        models_test::populate(*m_hub);
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        qputenv("HF_ENDPOINT", QByteArray::fromStdString(m_hub->hubUrl()));
        qunsetenv("HF_TOKEN");
        m_c = std::make_unique<ModelsController>();
        QCOMPARE(m_c->endpoint(), QString::fromStdString(m_hub->hubUrl()));
        m_c->downloader()->setPolicy(DownloadPolicy{2, 50, 200, 5, 50});
        m_c->setBudget(models_test::budget());
        const auto mode = QAbstractItemModelTester::FailureReportingMode::QtTest;
        for (QAbstractItemModel * m : std::initializer_list<QAbstractItemModel *>{m_c->library(), m_c->searchResults(),
                                                                                  m_c->repoFiles(), m_c->downloads()})
            m_testers.push_back(std::make_unique<QAbstractItemModelTester>(m, mode));
        QSignalSpy scanned(m_c.get(), &ModelsController::libraryChanged);
        m_c->setModelDirs({m_dir->path()});
        QVERIFY(scanned.wait(kTimeoutMs));
        QCOMPARE(m_c->library()->rowCount(), 0);
    }
    void cleanup() {
        m_testers.clear();
        m_c.reset();
        m_hub.reset();
        m_dir.reset();
    }

    void searchFillsResults() {
        QSignalSpy done(m_c.get(), &ModelsController::searchingChanged);
        m_c->search(QStringLiteral("hearth-test"));
        QVERIFY(m_c->searching());  // returns before the network answers
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->searching(), kTimeoutMs);
        QVERIFY2(m_c->searchError().isEmpty(), qPrintable(m_c->searchError()));
        const HubSearchModel & r = *m_c->searchResults();
        QCOMPARE(r.rowCount(), 2);
        // Sorted by downloads, as asked of the Hub.
        QCOMPARE(roleAt(r, 0, "repoId").toString(), QString::fromStdString(models_test::kStoriesRepo));
        QCOMPARE(roleAt(r, 0, "author").toString(), QStringLiteral("hearth-test"));
        QCOMPARE(roleAt(r, 0, "repoName").toString(), QStringLiteral("stories-260K-GGUF"));
        QCOMPARE(roleAt(r, 0, "downloads").toLongLong(), 125400);
        QCOMPARE(roleAt(r, 0, "downloadsText").toString(), QStringLiteral("125.4K"));
        QCOMPARE(roleAt(r, 0, "likes").toLongLong(), 42);
        QCOMPARE(roleAt(r, 0, "gated").toBool(), false);
        QCOMPARE(roleAt(r, 1, "gated").toBool(), true);

        m_c->search(QStringLiteral("nothing-matches-this"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->searching(), kTimeoutMs);
        QCOMPARE(r.rowCount(), 0);
        QCOMPARE(m_c->lastQuery(), QStringLiteral("nothing-matches-this"));
    }

    void searchErrorIsReported() {
        m_c->setEndpoint(QStringLiteral("http://127.0.0.1:1"));  // nothing listens there
        m_c->search(QStringLiteral("x"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->searching(), kTimeoutMs);
        QVERIFY(!m_c->searchError().isEmpty());
        QCOMPARE(m_c->searchResults()->rowCount(), 0);
    }

    void openRepoListsGgufFilesWithBadges() {
        m_c->openRepo(QString::fromStdString(models_test::kStoriesRepo));
        QVERIFY(m_c->loadingFiles());
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->loadingFiles(), kTimeoutMs);
        QVERIFY2(m_c->repoError().isEmpty(), qPrintable(m_c->repoError()));
        QCOMPARE(m_c->currentRevision(), QString(40, QLatin1Char('a')));  // "main" pinned to its commit
        const HubFileModel & f = *m_c->repoFiles();
        QCOMPARE(f.rowCount(), 2);  // README.md is not a model
        const int q8 = rowWhere(f, "quant", QStringLiteral("Q8_0"));
        const int f32 = rowWhere(f, "quant", QStringLiteral("F32"));
        QVERIFY(q8 >= 0 && f32 >= 0);
        QCOMPARE(roleAt(f, q8, "sizeBytes").toLongLong(),
                 QFileInfo(QString::fromStdString(hearth_test::fixture("models/stories260K.gguf"))).size());
        QCOMPARE(roleAt(f, q8, "fit").toString(), QStringLiteral("gpu"));
        QCOMPARE(roleAt(f, q8, "fitText").toString(), QStringLiteral("Fits GPU"));
        QCOMPARE(roleAt(f, f32, "fit").toString(), QStringLiteral("partial"));
        QCOMPARE(roleAt(f, f32, "fitText").toString(), QStringLiteral("Partial offload"));
        QCOMPARE(roleAt(f, q8, "downloaded").toBool(), false);

        // A sharded model is one row listing its shards in order.
        m_c->openRepo(QStringLiteral("hearth-test/big-70B-GGUF"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->loadingFiles(), kTimeoutMs);
        QCOMPARE(f.rowCount(), 1);
        QCOMPARE(roleAt(f, 0, "quant").toString(), QStringLiteral("IQ4_XS"));
        QCOMPARE(roleAt(f, 0, "shardCount").toInt(), 2);
        QCOMPARE(roleAt(f, 0, "files").toStringList().size(), 2);
        QCOMPARE(roleAt(f, 0, "sizeBytes").toLongLong(), 8000);

        m_c->openRepo(QStringLiteral("hearth-test/missing"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->loadingFiles(), kTimeoutMs);
        QVERIFY(!m_c->repoError().isEmpty());
        QCOMPARE(f.rowCount(), 0);
        m_c->closeRepo();
        QVERIFY(m_c->currentRepo().isEmpty());
    }

    void downloadLandsInLibrary() {
        m_hub->setBytesPerSecond(400000);  // about 3 s, so progress is reported on the way
        m_c->openRepo(QString::fromStdString(models_test::kStoriesRepo));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->loadingFiles(), kTimeoutMs);
        const int row = rowWhere(*m_c->repoFiles(), "quant", QStringLiteral("Q8_0"));
        QSignalSpy finished(m_c.get(), &ModelsController::downloadFinished);
        QSignalSpy libraryChanged(m_c.get(), &ModelsController::libraryChanged);
        const int id = m_c->download(row);
        QVERIFY(id > 0);
        const DownloadListModel & d = *m_c->downloads();
        QCOMPARE(d.rowCount(), 1);
        QCOMPARE(roleAt(d, 0, "jobId").toInt(), id);
        QCOMPARE(roleAt(d, 0, "name").toString(),
                 QString::fromStdString(models_test::kStoriesRepo) + QStringLiteral(" · Q8_0"));
        QTRY_VERIFY_WITH_TIMEOUT(roleAt(d, 0, "progress").toDouble() > 0.05, kTimeoutMs);
        QCOMPARE(roleAt(d, 0, "status").toString(), QStringLiteral("running"));
        QVERIFY(roleAt(d, 0, "progress").toDouble() < 1.0);
        QVERIFY(roleAt(d, 0, "canPause").toBool());
        QVERIFY(roleAt(d, 0, "bytesText").toString().contains(QLatin1Char('/')));
        QCOMPARE(d.activeCount(), 1);

        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(roleAt(d, 0, "status").toString(), QStringLiteral("completed"));
        QCOMPARE(roleAt(d, 0, "progress").toDouble(), 1.0);
        QVERIFY(!roleAt(d, 0, "canCancel").toBool());
        QTRY_VERIFY_WITH_TIMEOUT(libraryChanged.count() > 0 && !m_c->scanning(), kTimeoutMs);

        const ModelLibraryModel & lib = *m_c->library();
        QCOMPARE(lib.rowCount(), 1);
        QCOMPARE(roleAt(lib, 0, "name").toString(), QStringLiteral("stories260K-Q8_0"));
        QCOMPARE(roleAt(lib, 0, "path").toString(),
                 QDir(m_dir->path()).filePath(QString::fromStdString(models_test::kStoriesFile)));
        QCOMPARE(roleAt(lib, 0, "error").toString(), QString());
        QCOMPARE(roleAt(lib, 0, "architecture").toString(), QStringLiteral("llama"));
        QVERIFY(roleAt(lib, 0, "parameters").toLongLong() > 200000);
        QVERIFY(roleAt(lib, 0, "parametersText").toString().endsWith(QLatin1Char('K')));
        QVERIFY(roleAt(lib, 0, "contextLength").toInt() > 0);
        QCOMPARE(roleAt(lib, 0, "fit").toString(), QStringLiteral("gpu"));
        QVERIFY(!roleAt(lib, 0, "memoryText").toString().isEmpty());
        // The Hub view now knows the file is here.
        QCOMPARE(roleAt(*m_c->repoFiles(), row, "downloaded").toBool(), true);

        d.rowCount();
        m_c->downloads()->clearFinished();
        QCOMPARE(d.rowCount(), 0);

        // Delete (the QML confirms first) removes the file and the row.
        QVERIFY(m_c->deleteModel(0));
        QTRY_VERIFY_WITH_TIMEOUT(lib.rowCount() == 0 && !m_c->scanning(), kTimeoutMs);
        QVERIFY(!QFileInfo::exists(QDir(m_dir->path()).filePath(QString::fromStdString(models_test::kStoriesFile))));
        QVERIFY(!m_c->deleteModel(5));
    }

    void pauseResumeCancelByRow() {
        m_hub->setBytesPerSecond(300000);  // the 12 MB file takes ~40 s
        m_c->openRepo(QString::fromStdString(models_test::kStoriesRepo));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->loadingFiles(), kTimeoutMs);
        QVERIFY(m_c->download(rowWhere(*m_c->repoFiles(), "quant", QStringLiteral("F32"))) > 0);
        DownloadListModel & d = *m_c->downloads();
        QTRY_VERIFY_WITH_TIMEOUT(roleAt(d, 0, "bytesDone").toLongLong() > 0, kTimeoutMs);
        d.pause(0);
        QTRY_COMPARE_WITH_TIMEOUT(roleAt(d, 0, "status").toString(), QStringLiteral("paused"), kTimeoutMs);
        QVERIFY(roleAt(d, 0, "canResume").toBool());
        QCOMPARE(roleAt(d, 0, "speedText").toString(), QString());
        QCOMPARE(d.activeCount(), 0);
        d.resume(0);
        QTRY_COMPARE_WITH_TIMEOUT(roleAt(d, 0, "status").toString(), QStringLiteral("running"), kTimeoutMs);
        d.cancel(0);
        QTRY_COMPARE_WITH_TIMEOUT(roleAt(d, 0, "status").toString(), QStringLiteral("cancelled"), kTimeoutMs);
        QCOMPARE(m_c->library()->rowCount(), 0);
    }

    void formatting() {
        QCOMPARE(formatParameterCount(7241732096), QStringLiteral("7.2B"));
        QCOMPARE(formatParameterCount(260000), QStringLiteral("260K"));
        QCOMPARE(formatParameterCount(0), QString());
        QCOMPARE(formatDuration(200), QStringLiteral("3 min 20 s"));
        QCOMPARE(formatDuration(-1), QString());
        QCOMPARE(formatCount(1234567), QStringLiteral("1.2M"));
        QCOMPARE(fitText(FitBadge::TooBig), QStringLiteral("Too big"));
        QCOMPARE(fitKey(FitBadge::CpuOnly), QStringLiteral("cpu"));
    }
};

QTEST_MAIN(TestModelsController)
#include "test_models_controller.moc"
