// The whole forward pass through the CUDA backend, compiled for the SIMT
// emulator (hearth_cuda_sim) and injected into the evaluator: fully offloaded
// (layers + output) and split at every layer boundary, for llama, qwen2,
// qwen3, qwen3moe (routing and expert GEMVs on the device), gemma3 (local
// windows, sandwich norms, GELU) and gpt-oss (sinks, alternating windows,
// biased experts, SwiGLU-OAI, MXFP4) and qwen35 (DeltaNet layers with their
// recurrent state on the device, gated attention, IMROPE) fixtures in several
// quant types, over an f16 and a q8_0 KV cache.
// The steps are sim_forward.h's (prefill batch, short batch, decode tokens);
// the logits must match the CPU backend's and llama.cpp's within the
// fixture's tolerance (fixtures/README.md).
//
// CMake registers one CTest entry per data row (label slow), read from the
// newRow lines below: keep each row on one line.
#include <QtTest>

#include "sim_forward.h"
// After the Qt headers: the emulator's runtime shims (graph counters).
#include "cuda_sim_runtime.h"

using namespace hearth;
using namespace sim_forward;
using runtime_test::Golden;

class TestCudaForwardSim : public QObject {
    Q_OBJECT
private slots:
    void forwardMatchesCpu_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("kv");
        QTest::newRow("llama-IQ4_XS f16") << "models/synthetic/llama-IQ4_XS.gguf" << int(KvType_f16);
        QTest::newRow("qwen2-Q4_K_M q8_0") << "models/synthetic/qwen2-Q4_K_M.gguf" << int(KvType_q8_0);
        QTest::newRow("qwen3-Q8_0 q8_0") << "models/synthetic/qwen3-Q8_0.gguf" << int(KvType_q8_0);
        QTest::newRow("llama-F16 f16") << "models/synthetic/llama-F16.gguf" << int(KvType_f16);
        QTest::newRow("stories260K f16") << "models/stories260K.gguf" << int(KvType_f16);
        QTest::newRow("qwen3moe-Q4_K_M f16") << "models/synthetic/qwen3moe-Q4_K_M.gguf" << int(KvType_f16);
        QTest::newRow("qwen3moe-f32 f16") << "models/synthetic/qwen3moe-f32.gguf" << int(KvType_f16);
        QTest::newRow("qwen3moe-IQ4_XS q8_0") << "models/synthetic/qwen3moe-IQ4_XS.gguf" << int(KvType_q8_0);
        QTest::newRow("gemma3-f32 f16") << "models/synthetic/gemma3-f32.gguf" << int(KvType_f16);
        QTest::newRow("gemma3-Q4_K_M f16") << "models/synthetic/gemma3-Q4_K_M.gguf" << int(KvType_f16);
        QTest::newRow("gpt-oss-f32 f16") << "models/synthetic/gpt-oss-f32.gguf" << int(KvType_f16);
        QTest::newRow("gpt-oss-Q8_0 f16") << "models/synthetic/gpt-oss-Q8_0.gguf" << int(KvType_f16);
        QTest::newRow("qwen35-f32 f16") << "models/synthetic/qwen35-f32.gguf" << int(KvType_f16);
        QTest::newRow("qwen35-Q4_K_M q8_0") << "models/synthetic/qwen35-Q4_K_M.gguf" << int(KvType_q8_0);
        QTest::newRow("qwen35-IQ4_XS f16") << "models/synthetic/qwen35-IQ4_XS.gguf" << int(KvType_f16);
        QTest::newRow("qwen35-Q8_0 f16") << "models/synthetic/qwen35-Q8_0.gguf" << int(KvType_f16);
    }

    // Every split: -ngl 1 .. n_layer (the output on the CPU) and n_layer + 1 (all of it).
    void forwardMatchesCpu() {
        QFETCH(QString, model);
        QFETCH(int, kv);
        const Golden g = runtime_test::load_golden(model.toStdString());
        QVERIFY(int32_t(g.prompt_ids.size()) >= kPositions);
        const KvType kv_type = KvType(kv);
        const std::vector<float> golden = golden_rows(g);

        const Run cpu = run_model(g, 0, kv_type, false);
        QCOMPARE(cpu.backend, std::string("cpu"));
        const runtime_test::Agreement cpu_vs_golden = runtime_test::compare_logits(golden, cpu.logits, g.n_vocab);
        QVERIFY2(cpu_vs_golden.max_nrmse <= g.max_nrmse, qPrintable(QString::number(cpu_vs_golden.max_nrmse)));

        const int32_t n_layer = Model::load(g.model_path)->hparams().n_layer;
        for (int32_t ngl = 1; ngl <= n_layer + 1; ++ngl) {
            const cuda_sim::GraphCounters before = cuda_sim::graph_counters();
            const Run gpu = run_model(g, ngl, kv_type, true);
            const QString what = QStringLiteral("-ngl %1: ").arg(ngl);
            QVERIFY2(gpu.backend == expected_label(ngl, n_layer),
                     qPrintable(what + QString::fromStdString(gpu.backend)));
            QVERIFY2(gpu.note.empty(), qPrintable(what + QString::fromStdString(gpu.note)));
            // The decode graph: captured once, at the load's warm-up, which
            // also launches it once; then one launch per decode token.
            QCOMPARE(cuda_sim::graph_counters().captures, before.captures + 1);
            QCOMPARE(cuda_sim::graph_counters().launches, before.launches + 1 + kDecode);

            const runtime_test::Agreement vs_cpu = runtime_test::compare_logits(cpu.logits, gpu.logits, g.n_vocab);
            const runtime_test::Agreement vs_golden = runtime_test::compare_logits(golden, gpu.logits, g.n_vocab);
            qInfo("%s -ngl %d: nrmse vs CPU %.2e, vs llama.cpp %.2e (tolerance %.2e); top-1 %.2f / %.2f",
                  qPrintable(model), ngl, vs_cpu.max_nrmse, vs_golden.max_nrmse, g.max_nrmse, vs_cpu.top1,
                  vs_golden.top1);
            QVERIFY2(vs_cpu.max_nrmse <= g.max_nrmse, qPrintable(what + "vs CPU " + QString::number(vs_cpu.max_nrmse)));
            QVERIFY2(vs_golden.max_nrmse <= g.max_nrmse,
                     qPrintable(what + "vs golden " + QString::number(vs_golden.max_nrmse)));
            QVERIFY2(vs_cpu.top1 >= g.min_top1, qPrintable(what + "top-1 vs CPU " + QString::number(vs_cpu.top1)));
            QVERIFY2(vs_golden.top1 >= g.min_top1,
                     qPrintable(what + "top-1 vs golden " + QString::number(vs_golden.top1)));
        }
    }
};

QTEST_APPLESS_MAIN(TestCudaForwardSim)
#include "test_cuda_forward_sim.moc"
