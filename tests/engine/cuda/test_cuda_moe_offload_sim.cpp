// Experts in RAM (llama.cpp's --n-cpu-moe) through the CUDA backend compiled
// for the SIMT emulator: the GPU layers below n_cpu_moe keep attention, norms
// and the router on the device and run their chosen experts on the CPU
// (a host callback on the stream, inside the decode graph too). The qwen3moe
// and gpt-oss fixtures, at several layer splits and expert splits, must match
// the CPU backend and llama.cpp's golden logits; and the automatic plan moves
// experts to RAM before it moves whole layers.
//
// CMake registers one CTest entry per data row (label slow), read from the
// newRow lines below: keep each row on one line.
#include <QtTest>

#include "cpu/thread_pool.h"
#include "hearth/gguf.h"
#include "hearth/load_plan.h"
#include "runtime/host_experts.h"
#include "sim_agreement.h"
// After the Qt headers: the emulator's runtime shims (graph counters).
#include "cuda_sim_runtime.h"

using namespace hearth;
using namespace sim_forward;
using runtime_test::Golden;

class TestCudaMoeOffloadSim : public QObject {
    Q_OBJECT
private slots:
    void expertsInRamMatchCpu_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("kv");
        QTest::newRow("qwen3moe-Q4_K_M f16") << "models/synthetic/qwen3moe-Q4_K_M.gguf" << int(KvType_f16);
        QTest::newRow("qwen3moe-IQ4_XS q8_0") << "models/synthetic/qwen3moe-IQ4_XS.gguf" << int(KvType_q8_0);
        QTest::newRow("qwen3moe-f32 f16") << "models/synthetic/qwen3moe-f32.gguf" << int(KvType_f16);
        QTest::newRow("gpt-oss-Q8_0 f16") << "models/synthetic/gpt-oss-Q8_0.gguf" << int(KvType_f16);
        QTest::newRow("gpt-oss-f32 f16") << "models/synthetic/gpt-oss-f32.gguf" << int(KvType_f16);
    }

    // Every layer split with the output, and a partial one, each with the
    // experts of the first GPU layer, and of every layer, in RAM.
    void expertsInRamMatchCpu() {
        QFETCH(QString, model);
        QFETCH(int, kv);
        const Golden g = runtime_test::load_golden(model.toStdString());
        const int32_t n_layer = Model::load(g.model_path)->hparams().n_layer;
        QVERIFY(n_layer >= 2);
        RunShape shape;
        shape.kv_type = KvType(kv);
        shape.n_cpu_moe = 0;
        const Run cpu = run_model(g.model_path, g.prompt_ids, g.n_vocab, shape);
        QCOMPARE(cpu.backend, std::string("cpu"));

        shape.emulated_gpu = true;
        for (const int32_t ngl : {n_layer + 1, n_layer - 1}) {
            const int32_t first_gpu = n_layer - std::min(ngl, n_layer);
            int32_t last = -1;
            for (const int32_t n_cpu_moe : {first_gpu + 1, n_layer}) {
                if (n_cpu_moe == last) continue;  // one GPU layer: "the first" and "every" are the same split
                last = n_cpu_moe;
                shape.n_gpu_layers = ngl;
                shape.n_cpu_moe = n_cpu_moe;
                const cuda_sim::GraphCounters before = cuda_sim::graph_counters();
                const Run gpu = run_model(g.model_path, g.prompt_ids, g.n_vocab, shape);
                const QString what = QStringLiteral("%1 -ngl %2 --n-cpu-moe %3").arg(model).arg(ngl).arg(n_cpu_moe);
                const int32_t moved = n_cpu_moe - first_gpu;
                QCOMPARE(gpu.plan.cpu_moe_layers, moved);
                QVERIFY2(gpu.backend == expected_label(ngl, n_layer, moved),
                         qPrintable(what + ": " + QString::fromStdString(gpu.backend)));
                QVERIFY2(gpu.note.empty(), qPrintable(what + ": " + QString::fromStdString(gpu.note)));
                // The host callbacks are stream operations: the decode graph
                // still captures once and serves every decode token.
                QCOMPARE(cuda_sim::graph_counters().captures, before.captures + 1);
                QCOMPARE(cuda_sim::graph_counters().launches, before.launches + 1 + kDecode);
                check_agreement(g, cpu.logits, gpu, what);
            }
        }
    }

    // What the host experts allocate stays within what the memory check
    // counted for them (host_experts_bytes), for each MoE family.
    void hostExpertBuffersWithinTheCheckedBytes() {
        for (const char * rel : {"models/synthetic/qwen3moe-Q4_K_M.gguf", "models/synthetic/gpt-oss-MXFP4_MOE.gguf"}) {
            LoadOptions lo;
            lo.n_batch = 16;
            auto model = Model::load(runtime_test::load_golden(rel).model_path, lo);
            const ModelHparams & hp = model->hparams();
            ThreadPool pool(1);
            const CpuHostExperts host(hp, model->weights(), pool, lo.n_batch);
            const size_t floats = size_t(lo.n_batch) * (3 * size_t(hp.n_embd) + 2 * size_t(hp.n_ff_exp)) * 4;
            QVERIFY2(host.bytes() > floats && host.bytes() <= host_experts_bytes(hp, lo.n_batch),
                     qPrintable(QStringLiteral("%1: %2 bytes, %3 counted")
                                    .arg(rel)
                                    .arg(host.bytes())
                                    .arg(host_experts_bytes(hp, lo.n_batch))));
        }
    }

    // VRAM for everything but one layer's experts: the automatic plan keeps
    // every layer on the GPU and moves the first layer's experts to RAM, as
    // `hearth-cli plan` and the fit badges (the same request) show it.
    void automaticPlanMovesExpertsFirst() {
        const Golden g = runtime_test::load_golden("models/synthetic/qwen3moe-Q4_K_M.gguf");
        RunShape shape;
        shape.n_gpu_layers = -1;
        shape.emulated_gpu = true;
        LoadOptions lo;
        lo.n_ctx = shape.n_ctx;
        lo.n_batch = 16;
        lo.n_gpu_layers = -1;
        const ModelFootprint fp = footprint_from_gguf(GgufFile::open(g.model_path));
        const int32_t n_layer = fp.hp.n_layer;
        lo.n_cpu_moe = 0;
        const uint64_t all = plan_memory(fp, load_plan_request(lo, lo.n_ctx, 1ull << 40)).vram.total();
        lo.n_cpu_moe = 1;
        const uint64_t one_out = plan_memory(fp, load_plan_request(lo, lo.n_ctx, 1ull << 40)).vram.total();
        QVERIFY(one_out < all);
        shape.vram_free = kVramHeadroomMin + one_out;  // usable_vram() leaves the headroom
        const Run gpu = run_model(g.model_path, g.prompt_ids, g.n_vocab, shape);
        QCOMPARE(gpu.plan.n_gpu_layers, n_layer + 1);
        QCOMPARE(gpu.plan.cpu_moe_layers, 1);
        QCOMPARE(gpu.backend, expected_label(n_layer + 1, n_layer, 1));
        QVERIFY2(gpu.note.find("the experts of 1 layers stay in RAM") != std::string::npos, gpu.note.c_str());
        shape.emulated_gpu = false;
        shape.n_gpu_layers = 0;
        check_agreement(g, run_model(g.model_path, g.prompt_ids, g.n_vocab, shape).logits, gpu, "auto");
    }
};

QTEST_APPLESS_MAIN(TestCudaMoeOffloadSim)
#include "test_cuda_moe_offload_sim.moc"
