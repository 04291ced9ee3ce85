// qwen35's recurrent state on the emulated CUDA backend (hearth_cuda_sim):
// the DeltaNet layers offloaded to the GPU keep their state on the device,
// and the evaluator's checkpoints and rewinds (prompt-prefix reuse) save,
// restore and reset it as they do the CPU layers' state; split and fully
// offloaded. The memory plan counts exactly that state for the GPU layers.
// qwen35moe (no llama.cpp golden exists) is built from the qwen35 fixture,
// its dense FFN becoming the shared expert beside random routed experts, and
// must compute on the GPU what it computes on the CPU.
// The per-split golden comparison is test_cuda_forward_sim.cpp.
#include <QTemporaryDir>
#include <QtTest>
#include <cstdio>
#include <random>
#include <vector>

#include "sim_forward.h"
// After the Qt headers: the emulator's runtime shims.
#include "cuda_sim_runtime.h"
#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"
#include "hearth/load_plan.h"
#include "runtime/backend.h"
#include "runtime/kv_cache.h"
#include "runtime/recurrent_state.h"

using namespace hearth;
using namespace sim_forward;
using runtime_test::Golden;

namespace {

constexpr const char * kModel = "models/synthetic/qwen35-f32.gguf";  // layers 0-2 DeltaNet, 3 attention

std::shared_ptr<Model> load(const Golden & g, int32_t n_gpu_layers) {
    LoadOptions lo;
    lo.n_ctx = 32;
    lo.n_batch = 16;
    lo.n_threads = 2;
    lo.n_gpu_layers = n_gpu_layers;
    return Model::load(g.model_path, lo);
}

std::vector<float> rows(const Golden & g, int32_t from, int32_t to) {
    return std::vector<float>(g.logits.begin() + ptrdiff_t(from) * g.n_vocab,
                              g.logits.begin() + ptrdiff_t(to) * g.n_vocab);
}

constexpr int32_t kExperts = 4, kUsed = 2, kFfExp = 32;

std::vector<float> random_f32(size_t n, uint32_t seed, float scale) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-scale, scale);
    std::vector<float> v(n);
    for (float & x : v) x = d(rng);
    return v;
}

// qwen35moe from a qwen35 fixture: every key renamed, the MoE keys added; each
// layer's ffn_gate/up/down become the shared expert (ffn_*_shexp) beside a
// router, its sigmoid gate and kExperts random F32 experts.
void write_qwen35moe(const std::string & fixture, const std::string & path) {
    const GgufFile f = GgufFile::open(fixture);
    GgufWriter w;
    for (const GgufKv & kv : f.metadata()) {
        std::string key(kv.key);
        if (key == "general.architecture") {
            w.add_string(key, "qwen35moe");
            continue;
        }
        if (key.rfind("qwen35.", 0) == 0) key = "qwen35moe." + key.substr(7);
        w.add(key, kv.value);
    }
    const int64_t n_ff = int64_t(f.get_uint("qwen35.feed_forward_length", 0));
    w.add_u32("qwen35moe.expert_count", kExperts);
    w.add_u32("qwen35moe.expert_used_count", kUsed);
    w.add_u32("qwen35moe.expert_feed_forward_length", kFfExp);
    w.add_u32("qwen35moe.expert_shared_feed_forward_length", uint32_t(n_ff));
    const int64_t E = int64_t(f.get_uint("qwen35.embedding_length", 0));
    uint32_t seed = 100;
    for (const GgufTensor & t : f.tensors()) {
        std::string name(t.name);
        const std::vector<int64_t> ne(t.ne, t.ne + t.n_dims);
        for (const char * ffn : {"ffn_gate", "ffn_up", "ffn_down"}) {
            const std::string leaf = std::string(".") + ffn + ".weight";
            if (name.size() > leaf.size() && name.compare(name.size() - leaf.size(), leaf.size(), leaf) == 0) {
                const std::string p = name.substr(0, name.size() - leaf.size()) + ".";
                name = p + ffn + "_shexp.weight";
                if (std::string(ffn) == "ffn_gate") {
                    w.add_tensor_f32(p + "ffn_gate_inp.weight", {E, kExperts},
                                     random_f32(size_t(E) * kExperts, ++seed, 0.5f));
                    w.add_tensor_f32(p + "ffn_gate_inp_shexp.weight", {E}, random_f32(size_t(E), ++seed, 0.2f));
                    const size_t n = size_t(E) * kFfExp * kExperts;
                    w.add_tensor_f32(p + "ffn_gate_exps.weight", {E, kFfExp, kExperts}, random_f32(n, ++seed, 0.1f));
                    w.add_tensor_f32(p + "ffn_up_exps.weight", {E, kFfExp, kExperts}, random_f32(n, ++seed, 0.1f));
                    w.add_tensor_f32(p + "ffn_down_exps.weight", {kFfExp, E, kExperts}, random_f32(n, ++seed, 0.1f));
                }
            }
        }
        w.add_tensor(name, t.type, ne, std::vector<uint8_t>(t.data, t.data + t.n_bytes));
    }
    w.write_file(path);
}

}  // namespace

class TestCudaQwen35Sim : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { cuda_sim::reset(); }

    // -ngl 2: layer 2 (DeltaNet) and 3 on the GPU, layers 0-1 on the CPU;
    // -ngl 5: every layer and the output, no recurrent state on the CPU.
    void rewindRestoresTheDeviceState_data() {
        QTest::addColumn<int>("ngl");
        QTest::newRow("split") << 2;
        QTest::newRow("all") << 5;
    }

    void rewindRestoresTheDeviceState() {
        QFETCH(int, ngl);
        const Golden g = runtime_test::load_golden(kModel);
        EvaluatorOptions eo;
        eo.gpu_factory = &make_cuda_backend;
        eo.gpu_vram_free = kVram;
        Evaluator ev(load(g, ngl), eo);
        QVERIFY2(QString(ev.backend_name()).startsWith("cuda ("), ev.backend_name());
        const int32_t * ids = g.prompt_ids.data();
        const int32_t end = 20;
        ev.eval(ids, 12);
        ev.checkpoint();
        ev.eval(ids + 12, 6);
        // The recurrent state cannot roll back to 15: the checkpoint at 12.
        QCOMPARE(ev.truncate(15), 12);
        std::vector<float> logits(size_t(end - 12) * size_t(g.n_vocab));
        ev.eval(ids + 12, end - 12, logits.data());
        runtime_test::Agreement a = runtime_test::compare_logits(rows(g, 12, end), logits, g.n_vocab);
        QVERIFY2(a.max_nrmse <= g.max_nrmse, qPrintable(QString::number(a.max_nrmse)));
        // Below the checkpoint: from a zero state.
        QCOMPARE(ev.truncate(5), 0);
        logits.assign(size_t(end) * size_t(g.n_vocab), 0.0f);
        ev.eval(ids, end, logits.data());
        a = runtime_test::compare_logits(rows(g, 0, end), logits, g.n_vocab);
        QVERIFY2(a.max_nrmse <= g.max_nrmse, qPrintable(QString::number(a.max_nrmse)));
        QCOMPARE(a.top1, 1.0);
    }

    // The routed and the shared expert on the GPU, at splits with only the
    // attention layer, a DeltaNet layer too, and everything plus the output.
    void qwen35moeMatchesCpu() {
        const Golden g = runtime_test::load_golden(kModel);
        QTemporaryDir dir;
        const std::string path = dir.filePath("qwen35moe.gguf").toStdString();
        write_qwen35moe(g.model_path, path);
        QVERIFY(Model::load(path)->hparams().n_ff_shexp > 0);
        RunShape shape;
        const Run cpu = run_model(path, g.prompt_ids, g.n_vocab, shape);
        QCOMPARE(cpu.backend, std::string("cpu"));
        for (const int32_t ngl : {1, 3, 5}) {
            shape.n_gpu_layers = ngl;
            shape.emulated_gpu = true;
            const Run gpu = run_model(path, g.prompt_ids, g.n_vocab, shape);
            QCOMPARE(gpu.backend, expected_label(ngl, 4));
            const runtime_test::Agreement a = runtime_test::compare_logits(cpu.logits, gpu.logits, g.n_vocab);
            qInfo("qwen35moe -ngl %d: nrmse vs CPU %.2e, top-1 %.2f", ngl, a.max_nrmse, a.top1);
            // f32 weights: the GPU runs every matmul in f32 as the CPU does.
            QVERIFY2(a.max_nrmse <= 1e-4, qPrintable(QString::number(a.max_nrmse)));
            QCOMPARE(a.top1, 1.0);
        }
    }

    // The backend's device state is RecurrentState's for its layers, and the
    // plan's KV figure for a split is that state plus the attention layers' rows.
    void planCountsTheDeviceState() {
        const Golden g = runtime_test::load_golden(kModel);
        auto model = load(g, 0);
        const ModelHparams & hp = model->hparams();
        const ModelFootprint fp = footprint_from_gguf(model->gguf());
        const uint64_t rec_layer = (RecurrentState::conv_floats(hp) + RecurrentState::ssm_floats(hp)) * sizeof(float);
        const uint64_t kv_layer = uint64_t(model->n_ctx()) * (KvCache::row_bytes(KvType_f16, hp.n_embd_k()) +
                                                              KvCache::row_bytes(KvType_f16, hp.n_embd_v()));
        for (int32_t ngl = 1; ngl <= hp.n_layer; ++ngl) {
            GpuBackendConfig c;
            c.hp = &hp;
            c.weights = &model->weights();
            c.first_layer = hp.n_layer - ngl;
            c.n_ctx = model->n_ctx();
            c.n_batch = 16;
            c.warm_up = false;
            const auto gpu = make_cuda_backend(c);
            const uint64_t n_rec = uint64_t(std::max(0, ngl - 1));  // layer 3 attention, the others recurrent
            QCOMPARE(uint64_t(gpu->recurrent_bytes()), n_rec * rec_layer);
            PlanRequest req;
            req.n_ctx = model->n_ctx();
            req.n_batch = 16;
            req.n_gpu_layers = ngl;
            req.vram_budget = 1ull << 40;
            const MemoryPlan plan = plan_memory(fp, req);
            QCOMPARE(plan.vram.kv, n_rec * rec_layer + kv_layer);
            QVERIFY2(gpu->vram_bytes() <= plan.vram.total(),
                     qPrintable(QString("%1 > %2").arg(gpu->vram_bytes()).arg(plan.vram.total())));
        }
    }
};

QTEST_APPLESS_MAIN(TestCudaQwen35Sim)
#include "test_cuda_qwen35_sim.moc"
