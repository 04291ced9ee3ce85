// hearth-cli pull/search/models as a user runs them, against the mock Hub.
// The main case kills a real `hearth-cli pull` with SIGKILL mid-file and
// checks that the next run resumes at the right byte and ends verified.
#include <signal.h>
#include <sys/resource.h>

#include <QtTest>

#include "mock_hub.h"

namespace {
const std::string kRepo = "org/Tiny-GGUF";
const std::string kSha = "2222222222222222222222222222222222222222";

using mockhub::sha256OfFile;
}  // namespace

class TestCliPull : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<mockhub::MockHub> m_hub;
    std::unique_ptr<QTemporaryDir> m_dir;

    void setup(QProcess & p) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HF_ENDPOINT"), QString::fromStdString(m_hub->hubUrl()));
        env.insert(QStringLiteral("HF_TOKEN"), QStringLiteral("hf_cli_token"));
        env.insert(QStringLiteral("HEARTH_DATA_DIR"), m_dir->filePath(QStringLiteral("data")));
        env.remove(QStringLiteral("http_proxy"));
        env.remove(QStringLiteral("HTTP_PROXY"));
        p.setProcessEnvironment(env);
        p.setProgram(QStringLiteral(HEARTH_CLI));
    }
    int run(const QStringList & args, QByteArray * out, QByteArray * err = nullptr, int timeoutMs = 60000) {
        QProcess p;
        setup(p);
        p.setArguments(args);
        p.start();
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            return -1;
        }
        if (out) *out = p.readAllStandardOutput();
        const QByteArray e = p.readAllStandardError();
        if (err) *err = e;
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    QString dir() const { return m_dir->filePath(QStringLiteral("models")); }

private slots:
    void init() {
        m_hub = std::make_unique<mockhub::MockHub>();
        m_hub->addRepo(kRepo, kSha, 42, true);
        m_hub->setToken("hf_cli_token");
        m_dir = std::make_unique<QTemporaryDir>();
    }
    void cleanup() {
        m_hub.reset();
        m_dir.reset();
    }

    void killedPullResumes() {
        const mockhub::File f = m_hub->addFile(kRepo, "Tiny-Q4_K_M.gguf", 4 * 1024 * 1024);
        m_hub->addFile(kRepo, "Tiny-Q8_0.gguf", 1000);
        m_hub->setBytesPerSecond(1024 * 1024);  // slow enough to be mid-file when killed
        const QString part = dir() + QStringLiteral("/Tiny-Q4_K_M.gguf.part");

        QProcess first;
        setup(first);
        first.setArguments({QStringLiteral("pull"), QString::fromStdString(kRepo), QStringLiteral("q4_k_m"),
                            QStringLiteral("--dir"), dir()});
        first.start();
        QVERIFY(first.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(part).size() > 1024 * 1024, 20000);
        first.kill();  // SIGKILL: no chance to clean up
        QVERIFY(first.waitForFinished());
        QCOMPARE(first.exitStatus(), QProcess::CrashExit);
        const qint64 offset = QFileInfo(part).size();
        QVERIFY(offset > 0 && offset < qint64(f.content.size()));
        QVERIFY(QFileInfo::exists(part + QStringLiteral(".json")));
        QVERIFY(!QFileInfo::exists(dir() + QStringLiteral("/Tiny-Q4_K_M.gguf")));

        m_hub->setBytesPerSecond(0);
        m_hub->clearRequests();
        QByteArray out, err;
        QCOMPARE(run({QStringLiteral("pull"), QString::fromStdString(kRepo), QStringLiteral("Q4_K_M"),
                      QStringLiteral("--dir"), dir()},
                     &out, &err),
                 0);
        const QString path = QString::fromUtf8(out).trimmed();
        QCOMPARE(path, dir() + QStringLiteral("/Tiny-Q4_K_M.gguf"));
        QCOMPARE(sha256OfFile(path).toStdString(), f.sha256);
        QVERIFY(!QFileInfo::exists(part));
        QVERIFY(!QFileInfo::exists(part + QStringLiteral(".json")));
        QVERIFY2(err.contains("sha256 OK"), err.constData());
        std::vector<mockhub::RequestRecord> cdn;
        for (const auto & r : m_hub->requests()) {
            if (r.server == "cdn")
                cdn.push_back(r);
            else
                QCOMPARE(r.authorization, std::string("Bearer hf_cli_token"));
        }
        QCOMPARE(int(cdn.size()), 1);
        QCOMPARE(cdn[0].range, "bytes=" + std::to_string(offset) + "-");
        QVERIFY(cdn[0].authorization.empty());
    }

    // The disk "fills" at 1 MiB: the child runs with RLIMIT_FSIZE and SIGXFSZ
    // ignored, so write(2) fails with EFBIG as a full disk fails with ENOSPC.
    void diskFullKeepsPartAndResumes() {
        constexpr qint64 kLimit = 1024 * 1024;
        const mockhub::File f = m_hub->addFile(kRepo, "Tiny-Q4_K_M.gguf", 3 * 1024 * 1024);
        const QString part = dir() + QStringLiteral("/Tiny-Q4_K_M.gguf.part");
        QProcess full;
        setup(full);
        full.setArguments({QStringLiteral("pull"), QString::fromStdString(kRepo), QStringLiteral("--dir"), dir()});
        full.setChildProcessModifier([] {
            const rlimit limit{rlim_t(kLimit), rlim_t(kLimit)};
            setrlimit(RLIMIT_FSIZE, &limit);
            signal(SIGXFSZ, SIG_IGN);  // ignored dispositions survive exec
        });
        full.start();
        QVERIFY(full.waitForFinished(60000));
        const QByteArray err = full.readAllStandardError();
        QCOMPARE(full.exitStatus(), QProcess::NormalExit);
        QCOMPARE(full.exitCode(), 1);
        QVERIFY(full.readAllStandardOutput().isEmpty());
        QVERIFY2(err.contains("not enough disk space in " + dir().toUtf8()), err.constData());
        const qint64 need = qint64(f.content.size()) - kLimit;
        QVERIFY2(err.contains("(" + QByteArray::number(need) + " bytes)"), err.constData());
        QVERIFY2(err.contains(QByteArray::number(kLimit) + " of " + QByteArray::number(qint64(f.content.size())) +
                              " bytes are kept in Tiny-Q4_K_M.gguf.part"),
                 err.constData());
        QCOMPARE(QFileInfo(part).size(), kLimit);
        QVERIFY(QFileInfo::exists(part + QStringLiteral(".json")));
        QVERIFY(!QFileInfo::exists(dir() + QStringLiteral("/Tiny-Q4_K_M.gguf")));
        // One request only: a full disk is not retried.
        int cdnRequests = 0;
        for (const auto & r : m_hub->requests()) cdnRequests += r.server == "cdn";
        QCOMPARE(cdnRequests, 1);

        m_hub->clearRequests();
        QByteArray out, err2;
        QCOMPARE(
            run({QStringLiteral("pull"), QString::fromStdString(kRepo), QStringLiteral("--dir"), dir()}, &out, &err2),
            0);
        QCOMPARE(sha256OfFile(QString::fromUtf8(out).trimmed()).toStdString(), f.sha256);
        QVERIFY(!QFileInfo::exists(part));
        std::vector<mockhub::RequestRecord> cdn;
        for (const auto & r : m_hub->requests())
            if (r.server == "cdn") cdn.push_back(r);
        QCOMPARE(int(cdn.size()), 1);
        QCOMPARE(cdn[0].range, "bytes=" + std::to_string(kLimit) + "-");
    }

    // With HF_TOKEN unset, pull uses the token saved in the app's settings.
    void tokenFromAppSettings() {
        const mockhub::File f = m_hub->addFile(kRepo, "Tiny-Q8_0.gguf", 3000);
        const auto pull = [&](QByteArray * out, QByteArray * err) {
            QProcess p;
            setup(p);
            QProcessEnvironment env = p.processEnvironment();
            env.remove(QStringLiteral("HF_TOKEN"));
            p.setProcessEnvironment(env);
            p.setArguments({QStringLiteral("pull"), QString::fromStdString(kRepo), QStringLiteral("--dir"), dir()});
            p.start();
            if (!p.waitForFinished(60000)) return -1;
            *out = p.readAllStandardOutput();
            *err = p.readAllStandardError();
            return p.exitCode();
        };
        QByteArray out, err;
        QCOMPARE(pull(&out, &err), 1);  // gated, and no token anywhere
        QVERIFY2(err.contains("HTTP 401"), err.constData());
        const QString dataDir = m_dir->filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(dataDir));
        {
            QSettings ini(dataDir + QStringLiteral("/settings.ini"), QSettings::IniFormat);
            ini.setValue(QStringLiteral("hub/token"), QStringLiteral("hf_cli_token"));
        }
        m_hub->clearRequests();
        QCOMPARE(pull(&out, &err), 0);
        QCOMPARE(sha256OfFile(QString::fromUtf8(out).trimmed()).toStdString(), f.sha256);
        QVERIFY(!err.contains("hf_cli_token"));  // never printed
        for (const auto & r : m_hub->requests())
            QCOMPARE(r.authorization, r.server == "hub" ? std::string("Bearer hf_cli_token") : std::string());
    }

    void choosesAndExplains() {
        m_hub->addFile(kRepo, "Tiny-Q4_0.gguf", 1000);
        m_hub->addFile(kRepo, "Tiny-Q8_0.gguf", 2000);
        QByteArray out, err;
        // Two variants, none named: the user is told which exist.
        QCOMPARE(
            run({QStringLiteral("pull"), QString::fromStdString(kRepo), QStringLiteral("--dir"), dir()}, &out, &err),
            1);
        QVERIFY2(err.contains("Tiny-Q4_0.gguf") && err.contains("Tiny-Q8_0.gguf"), err.constData());
        QCOMPARE(run({QStringLiteral("pull"), QString::fromStdString(kRepo), QStringLiteral("IQ2_XXS"),
                      QStringLiteral("--dir"), dir()},
                     &out, &err),
                 1);
        QVERIFY(err.contains("no GGUF file matches"));
        QCOMPARE(run({QStringLiteral("pull"), QString::fromStdString(kRepo), QStringLiteral("Tiny-Q8_0.gguf"),
                      QStringLiteral("--dir"), dir()},
                     &out, &err),
                 0);
        QCOMPARE(QFileInfo(QString::fromUtf8(out).trimmed()).size(), 2000);
        QCOMPARE(
            run({QStringLiteral("pull"), QStringLiteral("org/missing"), QStringLiteral("--dir"), dir()}, &out, &err),
            1);
        QVERIFY(err.contains("Not found"));
    }

    void corruptDownloadExitsNonZero() {
        m_hub->addFile(kRepo, "Tiny-Q4_K_M.gguf", 50000);
        m_hub->addFault("Tiny-Q4_K_M.gguf", {mockhub::Fault::FlipByte, 100, 1});
        QByteArray out, err;
        QCOMPARE(
            run({QStringLiteral("pull"), QString::fromStdString(kRepo), QStringLiteral("--dir"), dir()}, &out, &err),
            1);
        QVERIFY2(err.contains("corrupt"), err.constData());
        QVERIFY(out.isEmpty());
        QVERIFY(!QFileInfo::exists(dir() + QStringLiteral("/Tiny-Q4_K_M.gguf")));
    }

    void shardedPull() {
        std::vector<mockhub::File> shards;
        for (int i = 1; i <= 2; ++i)
            shards.push_back(m_hub->addFile(kRepo, "Big-Q6_K-0000" + std::to_string(i) + "-of-00002.gguf", 70000));
        QByteArray out, err;
        QCOMPARE(run({QStringLiteral("pull"), QString::fromStdString(kRepo), QStringLiteral("Q6_K"),
                      QStringLiteral("--dir"), dir()},
                     &out, &err),
                 0);
        QCOMPARE(QString::fromUtf8(out).trimmed(), dir() + QStringLiteral("/Big-Q6_K-00001-of-00002.gguf"));
        for (const auto & s : shards)
            QCOMPARE(sha256OfFile(dir() + QLatin1Char('/') + QString::fromStdString(s.path)).toStdString(), s.sha256);
    }

    void searchJson() {
        QByteArray out;
        QCOMPARE(run({QStringLiteral("search"), QStringLiteral("Tiny"), QStringLiteral("--json")}, &out), 0);
        const QJsonArray a = QJsonDocument::fromJson(out).array();
        QCOMPARE(a.size(), 1);
        QCOMPARE(a[0].toObject()[QStringLiteral("id")].toString(), QString::fromStdString(kRepo));
        QCOMPARE(a[0].toObject()[QStringLiteral("downloads")].toInt(), 42);
        QCOMPARE(a[0].toObject()[QStringLiteral("gated")].toString(), QStringLiteral("manual"));
    }
};

QTEST_GUILESS_MAIN(TestCliPull)
#include "test_cli_pull.moc"
