// hearth-cli plan --url: the same plan from a remote file's header alone.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include "common/fixtures.h"
#include "mock_hub.h"

namespace {

struct Run {
    int code;
    QByteArray out;
    QByteArray err;
};

Run cli(const QStringList & args) {
    QProcess p;
    p.start(QStringLiteral(HEARTH_CLI_PATH), QStringList{"plan"} + args);
    if (!p.waitForFinished(60000)) return {-1, {}, "timeout"};
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

}  // namespace

class TestPlanRemote : public QObject {
    Q_OBJECT

private slots:
    void urlPlanMatchesLocalPlan() {
        const std::string rel = "models/synthetic/qwen2-Q4_K_M.gguf";
        const std::vector<uint8_t> bytes = hearth_test::read_bytes(hearth_test::fixture(rel));
        mockhub::MockHub hub;
        mockhub::Repo & repo = hub.addRepo("test/qwen2", std::string(40, 'a'));
        mockhub::File f;
        f.path = "qwen2-Q4_K_M.gguf";
        f.content.assign(bytes.begin(), bytes.end());
        f.sha256 = mockhub::MockHub::sha256Hex(f.content);
        repo.files.push_back(f);
        const QString url = QString::fromStdString(hub.hubUrl() + "/test/qwen2/resolve/main/qwen2-Q4_K_M.gguf");
        const QStringList common{"--vram", "24GiB", "--ctx", "32768", "--kv-type", "q8_0", "--json"};

        const Run local = cli(QStringList{"-m", QString::fromStdString(hearth_test::fixture(rel))} + common);
        QVERIFY2(local.code == 0, local.err.constData());
        // A 4 KiB first request: the header needs several, each a Range request.
        const Run remote = cli(QStringList{"--url", url, "--fetch-bytes", "4096"} + common);
        QVERIFY2(remote.code == 0, remote.err.constData());
        QCOMPARE(remote.out, local.out);
        QCOMPARE(QJsonDocument::fromJson(remote.out).object()["n_gpu_layers"].toInt(), 3);

        // Only prefixes were asked for: 4 KiB, then doubling until the header
        // (data_offset 12800 here) fits. The mock sends the rest of the file
        // whatever the range's end; the client stops reading at what it asked.
        std::vector<long long> ends;
        for (const mockhub::RequestRecord & r : hub.requests())
            if (r.server == "cdn") {
                QVERIFY2(r.range.rfind("bytes=0-", 0) == 0, r.range.c_str());
                ends.push_back(std::stoll(r.range.substr(8)));
            }
        QCOMPARE(ends, (std::vector<long long>{4095, 8191, 16383}));
    }

    void missingFileIsAnError() {
        mockhub::MockHub hub;
        const Run r = cli({"--url", QString::fromStdString(hub.hubUrl() + "/none/none/resolve/main/x.gguf")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.startsWith("hearth-cli plan: error:"));
    }

    void needsExactlyOneSource() {
        QCOMPARE(cli({}).code, 2);
        QCOMPARE(cli({"-m", "a.gguf", "--url", "http://127.0.0.1:1/x"}).code, 2);
    }
};

QTEST_APPLESS_MAIN(TestPlanRemote)
#include "test_plan_remote.moc"
