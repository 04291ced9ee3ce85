// The code-book formats (IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS,
// IQ3_S) through the whole forward pass of the CUDA backend on the SIMT
// emulator: the synthetic llama model quantized --pure with llama.cpp's
// importance matrix, so every 2-D weight (output included) is of the type.
// Fully offloaded for every type, and split after layer 0 for one of them;
// the logits must match the CPU backend's and llama.cpp's within the
// fixture's tolerance. (Apart from test_cuda_backend_sim to keep each
// executable's emulation time within its timeout.)
#include <QtTest>

#include "golden.h"
#include "sim_forward.h"

using namespace hearth;
using namespace sim_forward;
using runtime_test::Golden;

class TestCudaBackendIqSim : public QObject {
    Q_OBJECT
private slots:
    void forwardMatchesCpu_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("ngl");
        for (const char * t : {"IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S"})
            QTest::newRow((QByteArray(t) + " all").constData()) << QString(t) << 3;
        QTest::newRow("IQ2_XS split") << QString("IQ2_XS") << 1;
    }

    void forwardMatchesCpu() {
        QFETCH(QString, type);
        QFETCH(int, ngl);
        const Golden g = runtime_test::load_golden("models/synthetic/llama-" + type.toStdString() + ".gguf");
        const int32_t n_layer = Model::load(g.model_path)->hparams().n_layer;
        QCOMPARE(n_layer + 1, 3);  // "all" is -ngl n_layer + 1: the output too
        const std::vector<float> golden = golden_rows(g);
        const Run cpu = run_model(g, 0, KvType_f16, false);
        const Run gpu = run_model(g, ngl, KvType_f16, true);
        QCOMPARE(gpu.backend, expected_label(ngl, n_layer));
        QVERIFY2(gpu.note.empty(), gpu.note.c_str());
        const runtime_test::Agreement vs_cpu = runtime_test::compare_logits(cpu.logits, gpu.logits, g.n_vocab);
        const runtime_test::Agreement vs_golden = runtime_test::compare_logits(golden, gpu.logits, g.n_vocab);
        qInfo("llama-%s -ngl %d: nrmse vs CPU %.2e, vs llama.cpp %.2e (tolerance %.2e); top-1 %.2f / %.2f",
              qPrintable(type), ngl, vs_cpu.max_nrmse, vs_golden.max_nrmse, g.max_nrmse, vs_cpu.top1, vs_golden.top1);
        QVERIFY2(vs_cpu.max_nrmse <= g.max_nrmse, qPrintable("vs CPU " + QString::number(vs_cpu.max_nrmse)));
        QVERIFY2(vs_golden.max_nrmse <= g.max_nrmse, qPrintable("vs golden " + QString::number(vs_golden.max_nrmse)));
        QVERIFY2(vs_cpu.top1 >= g.min_top1, qPrintable("top-1 vs CPU " + QString::number(vs_cpu.top1)));
        QVERIFY2(vs_golden.top1 >= g.min_top1, qPrintable("top-1 vs golden " + QString::number(vs_golden.top1)));
    }
};

QTEST_APPLESS_MAIN(TestCudaBackendIqSim)
#include "test_cuda_backend_iq_sim.moc"
