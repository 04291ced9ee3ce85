// hearth-cli plan through a real process, on the fixture models.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "common/fixtures.h"
#include "hearth/gguf.h"
#include "hearth/memory_planner.h"
#include "moe_shapes.h"

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

QString model(const char * rel) {
    return QString::fromStdString(hearth_test::fixture(rel));
}

QJsonObject json(const Run & r) {
    QJsonParseError e{};
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &e);
    return e.error == QJsonParseError::NoError ? doc.object() : QJsonObject{};
}

qint64 tensorBytes(const char * rel) {
    const hearth::GgufFile f = hearth::GgufFile::open(hearth_test::fixture(rel));
    qint64 sum = 0;
    for (const hearth::GgufTensor & t : f.tensors()) sum += qint64(t.n_bytes);
    return sum;
}

}  // namespace

class TestPlanCli : public QObject {
    Q_OBJECT

private slots:
    void fullOffloadJson() {
        const char * rel = "models/synthetic/qwen2-Q4_K_M.gguf";
        const Run r = cli({"-m", model(rel), "--vram", "24GiB", "--ctx", "32768", "--kv-type", "q8_0", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(r.out.count('\n'), 1);  // one object
        const QJsonObject o = json(r);
        QCOMPARE(o["n_layer"].toInt(), 2);
        QCOMPARE(o["n_gpu_layers"].toInt(), 3);
        QVERIFY(o["output_on_gpu"].toBool());
        const QJsonObject v = o["vram_bytes"].toObject();
        // 2 layers * 32768 positions * (K + V: 2 heads * 64 values) * 34/32 bytes.
        QCOMPARE(v["kv"].toInteger(), qint64(2) * 32768 * 2 * 128 / 32 * 34);
        QVERIFY(v["scratch"].toInteger() > 0);
        QCOMPARE(v["total"].toInteger(), v["weights"].toInteger() + v["kv"].toInteger() + v["scratch"].toInteger());
        // qwen2 ties its output to token_embd: only the embedding's copy stays in RAM.
        const hearth::GgufFile f = hearth::GgufFile::open(hearth_test::fixture(rel));
        QCOMPARE(o["ram_bytes"].toInteger(), qint64(f.find_tensor("token_embd.weight")->n_bytes));
    }

    void partialOffloadWithSmallCard() {
        // Budget: 512 MiB reserved for the driver and desktop, 512 MiB of
        // headroom (5% of a card this small is less), then room for the
        // scratch and a single layer's KV.
        const qint64 lost = (512ll << 20) + qint64(hearth::kVramHeadroomMin);
        const Run full = cli({"-m", model("models/stories260K.gguf"), "--vram", "2GiB", "--ctx", "2048", "--json"});
        QVERIFY2(full.code == 0, full.err.constData());
        const QJsonObject f = json(full);
        QCOMPARE(f["n_gpu_layers"].toInt(), 6);
        const qint64 total = f["vram_bytes"].toObject()["total"].toInteger();
        const qint64 kvLayer = f["vram_bytes"].toObject()["kv"].toInteger() / 5;
        const qint64 card = lost + total - 2 * kvLayer;
        const Run r =
            cli({"-m", model("models/stories260K.gguf"), "--vram", QString::number(card), "--ctx", "2048", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        QVERIFY2(o["n_gpu_layers"].toInt() >= 1 && o["n_gpu_layers"].toInt() <= 4, r.out.constData());
        QVERIFY(!o["output_on_gpu"].toBool());
        QVERIFY(o["vram_bytes"].toObject()["total"].toInteger() <= card - lost);
        QCOMPARE(o["vram_budget"].toInteger(), card - lost);
        // A card too small for the headroom gets no layers.
        const Run tiny = cli({"-m", model("models/stories260K.gguf"), "--vram", "1GiB", "--json"});
        QCOMPARE(json(tiny)["n_gpu_layers"].toInt(), 0);
        QVERIFY(!o["note"].toString().isEmpty());
    }

    void withoutVramFlagUsesTheProbe() {
        // This build has no CUDA (or the machine no GPU): CPU only, and the reason is given.
        const Run r = cli({"-m", model("models/synthetic/llama-Q8_0.gguf"), "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        if (o["vram_budget"].toInteger() > 0) QSKIP("a GPU is present");
        QCOMPARE(o["n_gpu_layers"].toInt(), 0);
        QCOMPARE(o["vram_bytes"].toObject()["total"].toInteger(), 0);
        QVERIFY(o["note"].toString().contains("GPU") || o["note"].toString().contains("CUDA"));
        QVERIFY(o["ram_bytes"].toInteger() > tensorBytes("models/synthetic/llama-Q8_0.gguf"));  // weights + KV
    }

    void explicitLayersAndText() {
        const Run r = cli({"-m", model("models/synthetic/qwen3-Q8_0.gguf"), "--vram", "8GB", "--n-gpu-layers", "1"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.out.contains("--n-gpu-layers 1 of 3: layers 1-1 on the GPU"), r.out.constData());
        QVERIFY(r.out.contains("KV cache f16"));
    }

    // Qwen3-30B-A3B Q4_K_M (its real shape, header only) on a 16 GiB card:
    // every layer stays on the GPU and the experts of the first ones go to
    // RAM, as the load would do; --n-cpu-moe N asks for N layers' experts.
    void moeExpertsInRam() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("Qwen3-30B-A3B-Q4_K_M.gguf"));
        planner_test::write_qwen3_30b_a3b_q4_k_m(path.toStdString());
        const Run text = cli({"-m", path, "--vram", "16GiB", "--ctx", "32768"});
        QVERIFY2(text.code == 0, text.err.constData());
        QVERIFY2(text.out.contains("experts of ") && text.out.contains(" layers on the CPU"), text.out.constData());
        const QJsonObject o = json(cli({"-m", path, "--vram", "16GiB", "--ctx", "32768", "--json"}));
        QCOMPARE(o["n_gpu_layers"].toInt(), 49);
        QVERIFY2(o["cpu_moe_layers"].toInt() > 0 && o["cpu_moe_layers"].toInt() < 48, qPrintable(path));
        const QJsonObject all =
            json(cli({"-m", path, "--vram", "24GiB", "--ctx", "4096", "--n-cpu-moe", "48", "--json"}));
        QCOMPARE(all["n_gpu_layers"].toInt(), 49);
        QCOMPARE(all["cpu_moe_layers"].toInt(), 48);
        QCOMPARE(cli({"-m", path, "--n-cpu-moe", "some"}).code, 2);
    }

    void badInputIsOneLineError() {
        Run r = cli({"-m", model("models/stories260K.gguf"), "--vram", "lots"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--vram"));
        r = cli({"-m", model("models/stories260K.gguf"), "--kv-type", "q4_0"});
        QCOMPARE(r.code, 2);
        r = cli({"-m", model("models/stories260K.gguf"), "--n-gpu-layers", "many"});
        QCOMPARE(r.code, 2);
        r = cli({"-m", model("vocab/ggml-vocab-gpt-2.gguf")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.startsWith("hearth-cli plan: error:"));
        QCOMPARE(r.err.count('\n'), 1);
        r = cli({"-m", "/nonexistent.gguf"});
        QCOMPARE(r.code, 1);
    }
};

QTEST_APPLESS_MAIN(TestPlanCli)
#include "test_plan_cli.moc"
