// hearth-cli logits / run / bench through a real process, on stories260K.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <cstring>

#include "common/fixtures.h"
#include "common/process_runner.h"
#include "golden.h"
#include "hearth/gguf.h"

using namespace runtime_test;

namespace {

using Run = hearth_test::ProcessRun;

Run cli(const QStringList & args) {
    return hearth_test::run_process(QStringLiteral(HEARTH_CLI_PATH), args);
}

QString ids_text(const std::vector<int32_t> & ids) {
    QStringList parts;
    for (int32_t id : ids) parts << QString::number(id);
    return parts.join(' ');
}

}  // namespace

class TestRuntimeCli : public QObject {
    Q_OBJECT

private slots:
    void logitsMatchGolden() {
        const Golden g = load_golden("models/stories260K.gguf");
        QTemporaryDir dir;
        const QString out = dir.filePath("logits.f32");
        const Run r =
            cli({"logits", "-m", QString::fromStdString(g.model_path), "--ids", ids_text(g.prompt_ids), "-o", out});
        QVERIFY2(r.code == 0, r.err.constData());
        const std::vector<uint8_t> bytes = hearth_test::read_bytes(out.toStdString());
        QCOMPARE(bytes.size(), g.logits.size() * 4);
        std::vector<float> ours(g.logits.size());
        std::memcpy(ours.data(), bytes.data(), bytes.size());
        const Agreement a = compare_logits(g.logits, ours, g.n_vocab);
        QVERIFY(a.max_nrmse <= g.max_nrmse);
        QCOMPARE(a.top1, 1.0);
    }

    void logitsRejectsBadIds() {
        const Run r = cli({"logits", "-m", QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")), "--ids",
                           "1 600", "-o", "/dev/null"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("out of range"), r.err.constData());
    }

    void runGreedyPrintsGoldenText() {
        const Run r = cli({"run", "-m", QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")), "-p",
                           "Once upon a time, there was a little girl named Lily.", "-n", "48", "--temp", "0"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(r.out, QByteArray(" She loved to play outside in the park. One day, she saw a big, red ball. She "
                                   "wanted to play with it, but it was too high.\nL"));
        QVERIFY2(r.err.contains("generated: 48 tokens"), r.err.constData());
    }

    void benchJson() {
        const Run r = cli({"bench", "-m", QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")), "-p", "32",
                           "-n", "8", "-r", "1", "-t", "1", "-ngl", "0", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["model"].toString(), QString("stories260K.gguf"));
        QCOMPARE(o["backend"].toString(), QString("cpu"));
        QCOMPARE(o["threads"].toInt(), 1);
        QCOMPARE(o["pp"].toObject()["n"].toInt(), 32);
        QCOMPARE(o["tg"].toObject()["n"].toInt(), 8);
        QVERIFY(o["pp"].toObject()["tok_s"].toDouble() > 0);
        QVERIFY(o["tg"].toObject()["tok_s"].toDouble() > 0);
        QCOMPARE(r.out.count('\n'), 1);  // exactly one object
        QVERIFY(!o.contains("depth"));
    }

    void benchAtDepth() {
        // llama-bench's -d: the tests run after D cached tokens, reported as "@ dD".
        const QString model = QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf"));
        const Run j = cli({"bench", "-m", model, "-p", "16", "-n", "4", "-d", "100", "-r", "1", "-t", "1", "--json"});
        QVERIFY2(j.code == 0, j.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(j.out).object();
        QCOMPARE(o["depth"].toInt(), 100);
        QCOMPARE(o["pp"].toObject()["n"].toInt(), 16);
        QVERIFY(o["tg"].toObject()["tok_s"].toDouble() > 0);
        const Run text = cli({"bench", "-m", model, "-p", "16", "-n", "4", "-d", "100", "-r", "1", "-t", "1"});
        QVERIFY2(text.out.contains("pp16 @ d100") && text.out.contains("tg4 @ d100"), text.out.constData());
        // stories260K was trained at 2048 tokens: a depth past it is a usage error, not a crash.
        const Run over = cli({"bench", "-m", model, "-d", "2000", "-r", "1"});
        QVERIFY(over.code != 0);
        QVERIFY2(over.err.contains("exceeds the model's context"), over.err.constData());
    }

    // Several depths over one load: one JSON line each, ascending, and what a
    // decoded token reads grows with the cache it attends to.
    void benchAtSeveralDepths() {
        const QString model = QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf"));
        const Run r = cli({"bench", "-m", model, "-p", "8", "-n", "4", "-d", "64,0", "-r", "1", "-t", "1", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QJsonObject d0 = QJsonDocument::fromJson(lines[0]).object(),
                          d64 = QJsonDocument::fromJson(lines[1]).object();
        QCOMPARE(d0["depth"].toInt(), 0);
        QCOMPARE(d64["depth"].toInt(), 64);
        const QJsonObject tg0 = d0["tg"].toObject(), tg64 = d64["tg"].toObject();
        const hearth::GgufFile f = hearth::GgufFile::open(model.toStdString());
        // Every tensor but the embedding, whose rows are looked up (unless the output reuses it).
        double weights = 0;
        for (const hearth::GgufTensor & t : f.tensors())
            if (t.name != "token_embd.weight" || f.find_tensor("output.weight") == nullptr)
                weights += double(t.n_bytes);
        // Plus the KV cache the tg tokens attend to, on average 2 positions
        // at depth 0, 66 at depth 64: 5 layers x 2 (K, V) x (4 heads x 8 dims) x 2 bytes each.
        const double kv_position = 5.0 * 2 * 32 * 2;
        QCOMPARE(tg0["bytes_per_token"].toDouble(), weights + 2 * kv_position);
        QCOMPARE(tg64["bytes_per_token"].toDouble(), weights + 66 * kv_position);
        QVERIFY(std::fabs(tg0["gb_s"].toDouble() - tg0["bytes_per_token"].toDouble() * tg0["tok_s"].toDouble() / 1e9) <
                1e-9 * tg0["gb_s"].toDouble() + 1e-12);
        QVERIFY(cli({"bench", "-m", model, "-d", "1,x"}).code != 0);
    }

    // A MoE token reads only its chosen experts: of each `*_exps` tensor,
    // n_expert_used / n_expert of the bytes.
    void benchCountsChosenExperts() {
        const QString model = QString::fromStdString(HEARTH_FIXTURE("models/synthetic/qwen3moe-Q4_K_M.gguf"));
        const Run r = cli({"bench", "-m", model, "-p", "4", "-n", "2", "-r", "1", "-t", "1", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject tg = QJsonDocument::fromJson(r.out.trimmed().split('\n').first()).object()["tg"].toObject();
        const hearth::GgufFile f = hearth::GgufFile::open(model.toStdString());
        const double n_expert = double(f.get_int("qwen3moe.expert_count", 0));
        const double n_used = double(f.get_int("qwen3moe.expert_used_count", 0));
        QVERIFY(n_expert > n_used && n_used > 0);
        double weights = 0, experts = 0;
        for (const hearth::GgufTensor & t : f.tensors()) {
            if (t.name == "token_embd.weight" && f.find_tensor("output.weight") != nullptr) continue;
            if (t.name.find("_exps.") != std::string::npos)
                experts += double(t.n_bytes);
            else
                weights += double(t.n_bytes);
        }
        QVERIFY(experts > 0);
        const double read = tg["bytes_per_token"].toDouble();
        // The KV cache of ~2 positions is small beside the weights.
        QVERIFY2(read >= weights + experts * n_used / n_expert && read < weights + experts * n_used / n_expert + 65536,
                 qPrintable(QString("bytes_per_token %1, weights %2, experts %3").arg(read).arg(weights).arg(experts)));
    }
};

QTEST_APPLESS_MAIN(TestRuntimeCli)
#include "test_runtime_cli.moc"
