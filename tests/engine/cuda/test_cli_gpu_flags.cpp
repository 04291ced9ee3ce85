// hearth-cli run / bench with --n-gpu-layers and --kv-type, through a real
// process. On a machine without a usable GPU (or a CPU-only build) they fall
// back to the CPU, say why on stderr, and produce the CPU's output.
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "common/fixtures.h"
#include "common/process_runner.h"
#include "hearth/gpu.h"

namespace {

using Run = hearth_test::ProcessRun;

Run cli(const QStringList & args) {
    return hearth_test::run_process(QStringLiteral(HEARTH_CLI_PATH), args);
}

QString stories() {
    return QString::fromStdString(hearth_test::fixture("models/stories260K.gguf"));
}

QStringList greedyRun(const QString & model) {
    return {"run", "-m", model, "-p", "Once upon a time", "-n", "12", "--temp", "0", "--raw", "-t", "1"};
}

}  // namespace

class TestCliGpuFlags : public QObject {
    Q_OBJECT

private slots:
    void runFallsBackToCpuAndSaysWhy() {
        const hearth::GpuProbe probe = hearth::probe_gpus();
        if (probe.available()) QSKIP("a GPU is present: tests/engine/cuda/gpu covers the offloaded run");
        const Run cpu = cli(greedyRun(stories()) << "--n-gpu-layers"
                                                 << "0");
        QVERIFY2(cpu.code == 0, cpu.err.constData());
        QVERIFY2(!cpu.err.contains("GPU") && !cpu.err.contains("CUDA"), cpu.err.constData());
        for (const QString & ngl : {QStringLiteral("auto"), QStringLiteral("6")}) {
            const Run gpu = cli(greedyRun(stories()) << "--n-gpu-layers" << ngl);
            QVERIFY2(gpu.code == 0, gpu.err.constData());
            QCOMPARE(gpu.out, cpu.out);
            QVERIFY2(gpu.err.contains(QByteArray::fromStdString(probe.reason)), gpu.err.constData());
        }
    }

    void runWithQ8KvCache() {
        const QString model = QString::fromStdString(hearth_test::fixture("models/synthetic/llama-Q8_0.gguf"));
        const Run r = cli(greedyRun(model) << "--kv-type"
                                           << "q8_0"
                                           << "-ngl"
                                           << "0");
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.err.contains("generated: 12 tokens"), r.err.constData());
        // stories260K's heads of 8 cannot use q8_0 blocks of 32: a clear load error.
        const Run bad = cli(greedyRun(stories()) << "--kv-type"
                                                 << "q8_0");
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains("q8_0 KV cache needs a head size"), bad.err.constData());
    }

    void badValuesAreUsageErrors() {
        const Run ngl = cli(greedyRun(stories()) << "--n-gpu-layers"
                                                 << "lots");
        QCOMPARE(ngl.code, 2);
        QVERIFY2(ngl.err.contains("--n-gpu-layers"), ngl.err.constData());
        const Run kv = cli({"bench", "-m", stories(), "--kv-type", "q4_0"});
        QCOMPARE(kv.code, 2);
        QVERIFY2(kv.err.contains("--kv-type"), kv.err.constData());
    }

    // --device (index or part of a name) reaches the evaluator from run, bench
    // and serve: a value no GPU has keeps the layers on the CPU and the note
    // says why (without a GPU: the probe's reason), and an over-long one is a
    // usage error in every command that takes it.
    void deviceChoiceReachesEveryCommand() {
        const hearth::GpuProbe probe = hearth::probe_gpus();
        const Run cpu = cli(greedyRun(stories()) << "-ngl"
                                                 << "0");
        QVERIFY2(cpu.code == 0, cpu.err.constData());
        const QByteArray why = probe.available() ? QByteArray("no GPU matches 'no-such-gpu' (GPUs: 0: ")
                                                 : QByteArray::fromStdString(probe.reason);
        for (const QString & spelling : {QStringLiteral("--device"), QStringLiteral("-mg")}) {
            const Run r = cli(greedyRun(stories()) << "-ngl"
                                                   << "auto" << spelling << "no-such-gpu");
            QVERIFY2(r.code == 0, r.err.constData());
            QCOMPARE(r.out, cpu.out);
            QVERIFY2(r.err.contains(why), r.err.constData());
        }
        const Run bench = cli({"bench", "-m", stories(), "-p", "8", "-n", "2", "-r", "1", "-t", "1", "--json", "-ngl",
                               "auto", "--device", "no-such-gpu"});
        QVERIFY2(bench.code == 0, bench.err.constData());
        const QJsonObject placement = QJsonDocument::fromJson(bench.out).object()["placement"].toObject();
        QCOMPARE(placement["n_gpu_layers"].toInt(), 0);
        QVERIFY2(placement["note"].toString().toUtf8().contains(why), bench.out.constData());

        const QString tooLong(300, QLatin1Char('x'));
        const QList<QStringList> commands = {greedyRun(stories()),
                                             {"bench", "-m", stories(), "-p", "8", "-n", "2", "-r", "1"},
                                             {"serve", "-m", stories(), "--port", "0"}};
        for (const QStringList & command : commands) {
            const Run r = cli(QStringList(command) << "--device" << tooLong);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains("--device takes a GPU index or part of its name"), r.err.constData());
        }
    }

    void benchReportsPlacement() {
        const hearth::GpuProbe probe = hearth::probe_gpus();
        const Run r = cli({"bench", "-m", stories(), "-p", "16", "-n", "4", "-r", "1", "-t", "1", "--json",
                           "--n-gpu-layers", "auto", "--kv-type", "f16"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QVERIFY(o.contains("model") && o.contains("threads") && o.contains("pp") && o.contains("tg"));
        const QJsonObject p = o["placement"].toObject();
        QCOMPARE(p["n_layer"].toInt(), 5);
        QCOMPARE(p["kv_type"].toString(), QString("f16"));
        if (probe.available()) {
            QCOMPARE(p["n_gpu_layers"].toInt(), 6);
            QVERIFY(o["backend"].toString().startsWith("cuda ("));
        } else {
            QCOMPARE(o["backend"].toString(), QString("cpu"));
            QCOMPARE(p["n_gpu_layers"].toInt(), 0);
            QCOMPARE(p["note"].toString().toStdString(), probe.reason);
            QVERIFY2(r.err.contains(QByteArray::fromStdString(probe.reason)), r.err.constData());
        }

        const Run text = cli({"bench", "-m", stories(), "-p", "8", "-n", "2", "-r", "1", "-t", "1", "-ngl", "0"});
        QVERIFY2(text.code == 0, text.err.constData());
        QVERIFY2(text.out.contains("| cpu ") && text.out.contains("placement: 0 of 6 layers on the GPU, KV cache f16"),
                 text.out.constData());
    }
};

QTEST_APPLESS_MAIN(TestCliGpuFlags)
#include "test_cli_gpu_flags.moc"
