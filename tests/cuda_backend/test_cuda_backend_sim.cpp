// The whole forward pass through the CUDA backend, compiled for the SIMT
// emulator (hearth_cuda_sim) and injected into the evaluator: fully offloaded
// (layers + output) and split at every layer boundary, for llama, qwen2 and
// qwen3 fixtures in several quant types, over an f16 and a q8_0 KV cache.
//
// Each run (sim_run.h) evaluates the golden prompt's first tokens as a
// prefill batch, a short batch and single decode tokens. The logits must match
// the CPU backend's and llama.cpp's within the fixture's tolerance
// (fixtures/README.md).
#include <QtTest>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "golden.h"
#include "sim_run.h"
#include "hearth/error.h"
#include "hearth/evaluator.h"
#include "hearth/model.h"
#include "runtime/gpu_backend_factory.h"
// After the Qt headers: the emulator's runtime shims (graph counters).
#include "cuda/cuda_check.h"
#include "cuda_sim_runtime.h"

using namespace hearth;
using runtime_test::Golden;

using namespace sim_run;

class TestCudaBackendSim : public QObject {
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
            const int graph_launches = cuda_sim::graph_counters().launches;
            const Run gpu = run_model(g, ngl, kv_type, true);
            const QString what = QStringLiteral("-ngl %1: ").arg(ngl);
            QVERIFY2(gpu.backend == expected_label(ngl, n_layer),
                     qPrintable(what + QString::fromStdString(gpu.backend)));
            QVERIFY2(gpu.note.empty(), qPrintable(what + QString::fromStdString(gpu.note)));
            QCOMPARE(cuda_sim::graph_counters().launches, graph_launches + kDecode);

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

    // A failed call names itself, its file and line: thrown at load, recorded
    // (first failure only) on the decode path.
    void checkedCallsNameTheCall() {
        auto out_of_memory = [] { return cudaErrorMemoryAllocation; };
        try {
            CUDA_CHECK(out_of_memory());
            QFAIL("CUDA_CHECK must throw");
        } catch (const Error & e) {
            QCOMPARE(e.code(), ErrorCode_resources);
            const QString what = e.what();
            QVERIFY2(what.contains("out_of_memory() failed at test_cuda_backend_sim.cpp:") &&
                         what.contains("cudaErrorMemoryAllocation"),
                     e.what());
        }
        cuda::CudaErrorLog log;
        CUDA_TRY(log, cudaSuccess);
        QVERIFY(log.ok());
        CUDA_TRY(log, out_of_memory());
        CUDA_TRY(log, cudaErrorMemoryAllocation);
        QVERIFY(!log.ok());
        QVERIFY2(QString::fromStdString(log.first()).startsWith("out_of_memory() failed"), log.first().c_str());
    }

    // Auto placement against a VRAM figure that holds exactly one layer.
    void autoPlacementFollowsVram() {
        const Golden g = runtime_test::load_golden("models/synthetic/llama-Q4_0.gguf");
        LoadOptions lo;
        lo.n_ctx = 32;
        lo.n_batch = 16;
        lo.n_gpu_layers = -1;
        auto model = Model::load(g.model_path, lo);
        PlanRequest req;
        req.n_ctx = 32;
        req.n_batch = 16;
        req.n_outputs = 8;
        req.n_gpu_layers = 1;
        req.vram_budget = 1ull << 40;
        const MemoryPlan one = plan_memory(footprint_from_gguf(model->gguf()), req);
        QCOMPARE(one.n_gpu_layers, 1);

        EvaluatorOptions eo;
        eo.gpu_factory = &make_cuda_backend;
        eo.gpu_vram_free = one.vram.total();
        Evaluator ev(model, eo);
        QCOMPARE(std::string(ev.backend_name()), std::string("cuda (1/2 layers)"));
        QCOMPARE(ev.placement().plan.n_gpu_layers, 1);
        QVERIFY2(QString::fromStdString(ev.placement_note()).contains("VRAM"), ev.placement_note().c_str());
        // It still computes the right thing.
        std::vector<float> logits(size_t(kPrefill) * size_t(g.n_vocab));
        ev.eval(g.prompt_ids.data(), kPrefill, logits.data());
        const std::vector<float> golden(g.logits.begin(), g.logits.begin() + ptrdiff_t(kPrefill) * g.n_vocab);
        QVERIFY(runtime_test::compare_logits(golden, logits, g.n_vocab).max_nrmse <= g.max_nrmse);
    }
};

QTEST_APPLESS_MAIN(TestCudaBackendSim)
#include "test_cuda_backend_sim.moc"
