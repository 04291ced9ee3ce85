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

#include "core/app_paths.h"
#include "core/app_settings.h"
#include "core/model_footprint.h"
#include "core/model_suggestions.h"
#include "core/plan_summary.h"
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
        // Settings (token, folders, load settings) go to this test's own folder.
        qputenv("HEARTH_DATA_DIR", m_dir->filePath(QStringLiteral("data")).toUtf8());
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
        // The badges come from the plan of each file's header, once it is read.
        QTRY_COMPARE_WITH_TIMEOUT(roleAt(f, q8, "fit").toString(), QStringLiteral("gpu"), kTimeoutMs);
        QCOMPARE(roleAt(f, q8, "fitText").toString(), QStringLiteral("Fits GPU"));
        // The F32 file is not a GGUF at all: no plan, so no badge, and the row says why.
        QTRY_VERIFY_WITH_TIMEOUT(!roleAt(f, f32, "planPending").toBool(), kTimeoutMs);
        QCOMPARE(roleAt(f, f32, "fit").toString(), QString());
        QCOMPARE(roleAt(f, f32, "fitText").toString(), QString());
        QVERIFY(roleAt(f, f32, "fitDetail").toString().startsWith(QStringLiteral("No plan: ")));
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
        // The finished row offers "Load" / "Chat with it" on the file it wrote.
        QCOMPARE(roleAt(d, 0, "modelPath").toString(), finished.first().at(1).toString());
        QVERIFY(QFileInfo(roleAt(d, 0, "modelPath").toString()).isFile());
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
        // The typed state the QML compares (Download.Paused) and its one text.
        QCOMPARE(roleAt(d, 0, "downloadState").toInt(), int(DownloadState::Paused));
        QCOMPARE(downloadStateName(DownloadState::Running), QStringLiteral("running"));
        QVERIFY(roleAt(d, 0, "canResume").toBool());
        QCOMPARE(roleAt(d, 0, "speedText").toString(), QString());
        QCOMPARE(d.activeCount(), 0);
        d.resume(0);
        QTRY_COMPARE_WITH_TIMEOUT(roleAt(d, 0, "status").toString(), QStringLiteral("running"), kTimeoutMs);
        d.cancel(0);
        QTRY_COMPARE_WITH_TIMEOUT(roleAt(d, 0, "status").toString(), QStringLiteral("cancelled"), kTimeoutMs);
        QCOMPARE(m_c->library()->rowCount(), 0);
    }

    // The repo view's badge comes from plan_memory on the header read over
    // HTTP (Range requests, growing from 4 KiB), and matches the plan of the
    // same file read from disk; a file that is not GGUF gets no badge.
    void remoteFitBadgeFromPlanner() {
        m_c->setRemotePlanFetchBytes(4096);
        m_c->openRepo(QString::fromStdString(models_test::kStoriesRepo));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->loadingFiles(), kTimeoutMs);
        const HubFileModel & f = *m_c->repoFiles();
        const int q8 = rowWhere(f, "quant", QStringLiteral("Q8_0"));
        const int f32 = rowWhere(f, "quant", QStringLiteral("F32"));
        QTRY_VERIFY_WITH_TIMEOUT(roleAt(f, q8, "planned").toBool(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!roleAt(f, f32, "planPending").toBool(), kTimeoutMs);

        const QString fixture = QString::fromStdString(hearth_test::fixture("models/stories260K.gguf"));
        const hearth::ModelFootprint local = localFootprint({fixture});
        const MemoryBudget b = models_test::budget();
        const hearth::MemoryPlan plan =
            hearth::plan_memory(local, makePlanRequest(local, b.contextLength, b.kvType, -1, b.freeVramBytes));
        QVERIFY(plan.full_offload);
        QCOMPARE(roleAt(f, q8, "fitDetail").toString(), planSummary(plan));
        QVERIFY(roleAt(f, q8, "fitDetail").toString().startsWith(QStringLiteral("All %1 layers").arg(plan.n_layer)));
        QCOMPARE(roleAt(f, q8, "fit").toString(), fitKey(fitBadgeFromPlan(plan, b.freeRamBytes)));

        // The random-bytes file: no plan, no badge (nothing could load it), and why.
        QVERIFY(!roleAt(f, f32, "planned").toBool());
        QCOMPARE(roleAt(f, f32, "fit").toString(), QString());
        QVERIFY2(roleAt(f, f32, "fitDetail").toString().contains(QStringLiteral("not a GGUF file")),
                 qPrintable(roleAt(f, f32, "fitDetail").toString()));

        // Only headers travelled: Range requests from byte 0, far less than the files.
        qint64 fixtureSize = QFileInfo(fixture).size();
        QVERIFY(m_hub->cdnBytesSent() < fixtureSize);
        int ranged = 0;
        for (const auto & r : m_hub->requests())
            if (r.server == "cdn") {
                QVERIFY2(r.range.rfind("bytes=0-", 0) == 0, r.range.c_str());
                ++ranged;
            }
        QVERIFY(ranged >= 3);  // the stories header grew past 4 KiB at least once

        // Less VRAM: the same footprint now plans a partial offload.
        MemoryBudget small = b;
        small.freeVramBytes = qint64(plan.vram.total()) - 1;
        m_c->setBudget(small);
        const hearth::MemoryPlan partial =
            hearth::plan_memory(local, makePlanRequest(local, b.contextLength, b.kvType, -1, small.freeVramBytes));
        QVERIFY(!partial.full_offload);
        QCOMPARE(roleAt(f, q8, "fitDetail").toString(), planSummary(partial));
        QCOMPARE(roleAt(f, q8, "fit").toString(), fitKey(fitBadgeFromPlan(partial, b.freeRamBytes)));

        // Reopening uses the cached footprint: no new request for the stories file.
        m_hub->clearRequests();
        m_c->openRepo(QString::fromStdString(models_test::kStoriesRepo));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->loadingFiles(), kTimeoutMs);
        QVERIFY(roleAt(f, rowWhere(f, "quant", QStringLiteral("Q8_0")), "planned").toBool());
    }

    // A file whose architecture the engine does not run is marked before download.
    void unsupportedFileMarkedBeforeDownload() {
        models_test::addUnsupportedRepo(*m_hub);
        m_c->setRemotePlanFetchBytes(4096);
        m_c->openRepo(QString::fromStdString(models_test::kMambaRepo));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->loadingFiles(), kTimeoutMs);
        const HubFileModel & f = *m_c->repoFiles();
        QCOMPARE(f.rowCount(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(roleAt(f, 0, "fit").toString() == QStringLiteral("unsupported"), kTimeoutMs);
        QCOMPARE(roleAt(f, 0, "fitText").toString(), QStringLiteral("Not supported"));
        const QString detail = roleAt(f, 0, "fitDetail").toString();
        QVERIFY2(detail.startsWith(QStringLiteral("Hearth cannot run this file yet: Unsupported architecture 'mamba'")),
                 qPrintable(detail));
        QVERIFY2(!detail.contains(QStringLiteral("mamba-Q8_0.gguf:")), qPrintable(detail));
    }

    // The sort option reaches the Hub and orders the results.
    void searchSortOptions() {
        QCOMPARE(m_c->searchSort(), QStringLiteral("downloads"));
        m_c->search(QStringLiteral("hearth-test"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->searching(), kTimeoutMs);
        const HubSearchModel & r = *m_c->searchResults();
        QCOMPARE(roleAt(r, 0, "repoId").toString(), QString::fromStdString(models_test::kStoriesRepo));
        QSignalSpy sortChanged(m_c.get(), &ModelsController::searchSortChanged);
        for (const QString & key : {QStringLiteral("lastModified"), QStringLiteral("trendingScore")}) {
            m_hub->clearRequests();
            m_c->setSearchSort(key);  // searches again at once
            QCOMPARE(m_c->searchSort(), key);
            QVERIFY(m_c->searching());
            QTRY_VERIFY_WITH_TIMEOUT(!m_c->searching(), kTimeoutMs);
            QCOMPARE(roleAt(r, 0, "repoId").toString(), QStringLiteral("hearth-test/big-70B-GGUF"));
            const std::string path = m_hub->requests().at(0).path;
            QVERIFY2(path.find("sort=" + key.toStdString()) != std::string::npos, path.c_str());
            QVERIFY2(path.find("direction=-1") != std::string::npos, path.c_str());
        }
        m_c->setSearchSort(QStringLiteral("likes"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->searching(), kTimeoutMs);
        QCOMPARE(roleAt(r, 0, "repoId").toString(), QString::fromStdString(models_test::kStoriesRepo));
        QCOMPARE(sortChanged.count(), 3);
        m_c->setSearchSort(QStringLiteral("stars"));  // not a Hub sort: ignored
        QCOMPARE(m_c->searchSort(), QStringLiteral("likes"));
        QCOMPARE(sortChanged.count(), 3);
    }

    // The token and the folders persist in the settings file; a new
    // controller picks them up, and the token reaches the Hub (and only it).
    void tokenAndFoldersPersist() {
        const QString secret = QStringLiteral("hf_settingsSecret1234");
        m_hub->setToken(secret.toStdString());
        QVERIFY(!m_c->hasToken());
        QSignalSpy tokenChanged(m_c.get(), &ModelsController::tokenChanged);
        m_c->setHfToken(secret);
        QCOMPARE(tokenChanged.count(), 1);
        QVERIFY(m_c->hasToken());
        QCOMPARE(m_c->maskedToken(), QStringLiteral("hf_s") + QString(6, QChar(0x2022)) + QStringLiteral("1234"));
        QVERIFY(!m_c->maskedToken().contains(QStringLiteral("Secret")));
        const QString ini = m_c->settingsPath();
        QCOMPARE(ini, m_dir->filePath(QStringLiteral("data/settings.ini")));
        QCOMPARE(QFile::permissions(ini) & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());

        // A second folder with the real model in it.
        QTemporaryDir other;
        QVERIFY(QFile::copy(QString::fromStdString(hearth_test::fixture("models/stories260K.gguf")),
                            other.filePath(QStringLiteral("stories260K.gguf"))));
        QSignalSpy scanned(m_c.get(), &ModelsController::libraryChanged);
        QVERIFY(m_c->addModelDir(QUrl::fromLocalFile(other.path()).toString()));
        QCOMPARE(m_c->modelDirs(), QStringList({m_dir->path(), other.path()}));
        QTRY_VERIFY_WITH_TIMEOUT(m_c->library()->rowCount() == 1 && !m_c->scanning(), kTimeoutMs);
        QVERIFY(!m_c->addModelDir(other.path()));  // already there
        QSignalSpy errors(m_c.get(), &ModelsController::errorOccurred);
        QVERIFY(!m_c->addModelDir(m_dir->filePath(QStringLiteral("no-such-folder"))));
        QCOMPARE(errors.count(), 1);

        // A fresh controller (the app's next start) loads both.
        auto next = std::make_unique<ModelsController>();
        next->setBudget(models_test::budget());
        QVERIFY(!next->hasToken());
        next->loadSettings();
        QVERIFY(next->hasToken());
        QCOMPARE(next->modelDirs(), QStringList({m_dir->path(), other.path()}));
        QTRY_VERIFY_WITH_TIMEOUT(next->library()->rowCount() == 1 && !next->scanning(), kTimeoutMs);
        m_hub->clearRequests();
        next->openRepo(
            QStringLiteral("hearth-test/big-70B-GGUF"));  // gated: the planner's header fetch needs the token
        QTRY_VERIFY_WITH_TIMEOUT(!next->loadingFiles() && !roleAt(*next->repoFiles(), 0, "planPending").toBool(),
                                 kTimeoutMs);
        bool sawResolve = false;
        for (const auto & r : m_hub->requests()) {
            if (r.server == "hub") QCOMPARE(r.authorization, "Bearer " + secret.toStdString());
            if (r.server == "cdn") QVERIFY(r.authorization.empty());
            sawResolve = sawResolve || r.path.find("/resolve/") != std::string::npos;
        }
        QVERIFY(sawResolve);
        // The gated files were served (they are random bytes, so not GGUF), not refused.
        QVERIFY2(roleAt(*next->repoFiles(), 0, "fitDetail").toString().contains(QStringLiteral("not a GGUF")),
                 qPrintable(roleAt(*next->repoFiles(), 0, "fitDetail").toString()));

        QVERIFY(next->removeModelDir(other.path()));
        QCOMPARE(next->modelDirs(), QStringList({m_dir->path()}));
        next->clearHfToken();
        QVERIFY(!next->hasToken());
        QCOMPARE(AppSettings(ini).hfToken(), QString());
        QCOMPARE(AppSettings(ini).modelDirs(), QStringList({m_dir->path()}));
        QFile file(ini);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(secret.toUtf8()));
        // The last folder cannot go: the default takes its place.
        QVERIFY(next->removeModelDir(m_dir->path()));
        QCOMPARE(next->modelDirs(), QStringList({defaultModelsDir()}));
    }

    // The load settings' plan for a local model, and what the engine bridge gets.
    // The Browse tab's curated picks: planned by the fit rule against the
    // machine, too-big ones left out, a small Qwen3 and a Llama 3.x for a
    // common laptop.
    void suggestionsFitTheMachine() {
        const SuggestionListModel & s = *m_c->suggestions();
        auto repos = [&] {
            QStringList out;
            for (int i = 0; i < s.rowCount(); ++i) out << roleAt(s, i, "repo").toString();
            return out;
        };
        MemoryBudget big;
        big.freeRamBytes = 64ll << 30;
        big.freeVramBytes = 24ll << 30;
        m_c->setBudget(big);
        QCOMPARE(s.rowCount(), curatedSuggestions().size());
        for (int i = 0; i < s.rowCount(); ++i) QCOMPARE(roleAt(s, i, "fit").toString(), QStringLiteral("gpu"));

        MemoryBudget laptop;  // 8 GiB free, no GPU
        laptop.freeRamBytes = 8ll << 30;
        m_c->setBudget(laptop);
        QVERIFY(repos().contains(QStringLiteral("Qwen/Qwen3-0.6B-GGUF")));
        QVERIFY(repos().contains(QStringLiteral("bartowski/Llama-3.2-1B-Instruct-GGUF")));
        for (int i = 0; i < s.rowCount(); ++i) QCOMPARE(roleAt(s, i, "fit").toString(), QStringLiteral("cpu"));

        MemoryBudget small;  // 1.5 GiB: only the smallest
        small.freeRamBytes = 1536ll << 20;
        m_c->setBudget(small);
        QVERIFY(s.rowCount() >= 1);
        QVERIFY(s.rowCount() < curatedSuggestions().size());
        QVERIFY(!repos().contains(QStringLiteral("Qwen/Qwen3-8B-GGUF")));
        for (int i = 0; i < s.rowCount(); ++i) QVERIFY(!roleAt(s, i, "memoryText").toString().isEmpty());
        // The same badge the planner gives the pick's footprint.
        const ModelSuggestion first = curatedSuggestions().first();
        const hearth::ModelFootprint fp = suggestionFootprint(first);
        const hearth::MemoryPlan plan = hearth::plan_memory(fp, makePlanRequest(fp, 0, hearth::KvType_f16, -1, 0));
        QCOMPARE(roleAt(s, 0, "fit").toString(), fitKey(fitBadgeFromPlan(plan, small.freeRamBytes)));
        QCOMPARE(roleAt(s, 0, "memoryText").toString(), formatBytes(planTotalBytes(plan)));

        m_c->setBudget(MemoryBudget{});  // nothing free: nothing to suggest
        QCOMPARE(s.rowCount(), 0);
    }

    // A model copied into a library folder (or a subfolder of it), then
    // deleted, shows up and goes again without a Rescan.
    void folderIsWatched() {
        QTRY_VERIFY_WITH_TIMEOUT(m_c->watchedDirs().contains(m_dir->path()), kTimeoutMs);
        const QString fixture = QString::fromStdString(hearth_test::fixture("models/stories260K.gguf"));
        const QString path = m_dir->filePath(QStringLiteral("stories260K.gguf"));
        QVERIFY(QFile::copy(fixture, path));
        QTRY_VERIFY_WITH_TIMEOUT(m_c->library()->rowCount() == 1 && !m_c->scanning(), kTimeoutMs);
        QVERIFY(QDir(m_dir->path()).mkpath(QStringLiteral("org/repo")));
        QTRY_VERIFY_WITH_TIMEOUT(m_c->watchedDirs().contains(m_dir->filePath(QStringLiteral("org/repo"))), kTimeoutMs);
        QVERIFY(QFile::copy(fixture, m_dir->filePath(QStringLiteral("org/repo/second.gguf"))));
        QTRY_VERIFY_WITH_TIMEOUT(m_c->library()->rowCount() == 2 && !m_c->scanning(), kTimeoutMs);
        QVERIFY(QFile::remove(path));
        QTRY_VERIFY_WITH_TIMEOUT(m_c->library()->rowCount() == 1 && !m_c->scanning(), kTimeoutMs);
        QCOMPARE(roleAt(*m_c->library(), 0, "name").toString(), QStringLiteral("second"));
    }

    void modelPlanFollowsLoadSettings() {
        const QString path = m_dir->filePath(QStringLiteral("stories260K.gguf"));
        QVERIFY(QFile::copy(QString::fromStdString(hearth_test::fixture("models/stories260K.gguf")), path));
        m_c->rescan();
        QTRY_VERIFY_WITH_TIMEOUT(m_c->library()->rowCount() == 1 && !m_c->scanning(), kTimeoutMs);
        const hearth::ModelFootprint fp = localFootprint({path});
        QVariantMap p = m_c->modelPlan(path);
        QVERIFY2(p.value(QStringLiteral("ok")).toBool(), qPrintable(p.value(QStringLiteral("error")).toString()));
        QCOMPARE(p.value(QStringLiteral("nLayer")).toInt(), fp.hp.n_layer);
        QCOMPARE(p.value(QStringLiteral("maxGpuLayers")).toInt(), fp.hp.n_layer + 1);
        QCOMPARE(p.value(QStringLiteral("kvType")).toString(), QStringLiteral("f16"));
        QCOMPARE(p.value(QStringLiteral("gpuLayersSetting")).toString(), QStringLiteral("auto"));
        QCOMPARE(p.value(QStringLiteral("context")).toInt(), qMin(fp.hp.n_ctx_train, 4096));
        QVERIFY(p.value(QStringLiteral("fullOffload")).toBool());  // 70 MiB of VRAM holds it
        QCOMPARE(p.value(QStringLiteral("nGpuLayers")).toInt(), fp.hp.n_layer + 1);
        QVERIFY(!p.value(QStringLiteral("cpuOnly")).toBool());
        const hearth::MemoryPlan autoPlan =
            hearth::plan_memory(fp, makePlanRequest(fp, 0, hearth::KvType_f16, -1, 70ll << 20));
        QCOMPARE(p.value(QStringLiteral("vramText")).toString(), formatBytes(qint64(autoPlan.vram.total())));

        QSignalSpy revision(m_c.get(), &ModelsController::planRevisionChanged);
        m_c->setModelGpuLayers(path, QStringLiteral("2"));
        m_c->setModelContext(path, 128);
        m_c->setModelKvType(path, QStringLiteral("q8_0"));
        m_c->setModelKvType(path, QStringLiteral("q4_0"));  // not a KV type: ignored
        QCOMPARE(revision.count(), 3);
        p = m_c->modelPlan(path);
        QCOMPARE(p.value(QStringLiteral("gpuLayersSetting")).toString(), QStringLiteral("2"));
        QCOMPARE(p.value(QStringLiteral("nGpuLayers")).toInt(), 2);
        QCOMPARE(p.value(QStringLiteral("gpuLayers")).toInt(), 2);
        QVERIFY(!p.value(QStringLiteral("outputOnGpu")).toBool());
        QCOMPARE(p.value(QStringLiteral("context")).toInt(), 128);
        QCOMPARE(p.value(QStringLiteral("kvType")).toString(), QStringLiteral("q8_0"));
        QCOMPARE(p.value(QStringLiteral("fit")).toString(), QStringLiteral("partial"));
        // The library card's badge is the plan's too (the size estimate alone says it fits the GPU).
        const QModelIndex card = m_c->library()->index(0);
        QCOMPARE(m_c->library()->data(card, ModelLibraryModel::FitRole).toString(), QStringLiteral("partial"));
        QCOMPARE(m_c->library()->data(card, ModelLibraryModel::FitTextRole).toString(),
                 p.value(QStringLiteral("fitText")).toString());
        // stories260K's heads are too small for q8_0 blocks: the plan says so.
        if (fp.hp.head_dim % 32 != 0)
            QVERIFY2(p.value(QStringLiteral("note")).toString().contains(QStringLiteral("q8_0")),
                     qPrintable(p.value(QStringLiteral("note")).toString()));

        // Saved: LoadOptions get them (the engine bridge's hook).
        hearth::LoadOptions options;
        applyModelLoadSettings(path, options);
        QCOMPARE(options.n_gpu_layers, 2);
        QCOMPARE(options.n_ctx, 128);
        QVERIFY(options.kv_type == hearth::KvType_q8_0);
        hearth::LoadOptions chosen;
        chosen.n_ctx = 64;  // the chat's own context wins
        applyModelLoadSettings(path, chosen);
        QCOMPARE(chosen.n_ctx, 64);

        // Without a GPU: CPU only, and why.
        MemoryBudget noGpu = models_test::budget();
        noGpu.freeVramBytes = 0;
        m_c->setBudget(noGpu);
        m_c->setModelGpuLayers(path, QStringLiteral("auto"));
        p = m_c->modelPlan(path);
        QVERIFY(p.value(QStringLiteral("cpuOnly")).toBool());
        QCOMPARE(p.value(QStringLiteral("nGpuLayers")).toInt(), 0);
        QVERIFY(p.value(QStringLiteral("cpuReason")).toString().startsWith(QStringLiteral("CPU only: ")));
        QCOMPARE(p.value(QStringLiteral("fit")).toString(), QStringLiteral("cpu"));
        QCOMPARE(m_c->library()->data(card, ModelLibraryModel::FitRole).toString(), QStringLiteral("cpu"));
        hearth::LoadOptions autoLayers;
        applyModelLoadSettings(path, autoLayers);
        QCOMPARE(autoLayers.n_gpu_layers, -1);  // the evaluator plans "auto" for the card it finds

        // An unreadable file has no plan, and says why.
        p = m_c->modelPlan(m_dir->filePath(QStringLiteral("missing.gguf")));
        QVERIFY(!p.value(QStringLiteral("ok")).toBool());
        QVERIFY(!p.value(QStringLiteral("error")).toString().isEmpty());
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
