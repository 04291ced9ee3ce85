// The memory planner on the MoE and sliding-window models of 2025-26, from
// header-only files of their real shapes: Qwen3-30B-A3B Q4_K_M and
// gpt-oss-20b MXFP4, on 16 GiB and 24 GiB cards. When the whole model does
// not fit, experts move to RAM layer by layer before any layer leaves the GPU.
#include <QTemporaryDir>
#include <QTest>

#include "hearth/evaluator.h"
#include "hearth/gguf.h"
#include "hearth/load_plan.h"
#include "hearth/memory_planner.h"
#include "moe_shapes.h"
#include "runtime/host_experts.h"

using namespace hearth;

namespace {

constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kMiB = 1ull << 20;

PlanRequest request(uint64_t budget, KvType kv = KvType_f16, int32_t n_ctx = 32768) {
    PlanRequest r;
    r.n_ctx = n_ctx;
    r.kv_type = kv;
    r.vram_budget = budget;
    return r;
}

// The request a load (and `hearth-cli plan`, and the app's fit badges) makes
// on a card of `card` bytes: every option at its default (auto layers, auto
// experts in RAM) but the context.
PlanRequest load_request(uint64_t card, int32_t n_ctx) {
    LoadOptions load;
    load.n_gpu_layers = -1;
    return load_plan_request(load, n_ctx, usable_vram_of_card(card));
}

uint64_t sum(const std::vector<uint64_t> & v, size_t from = 0, size_t to = SIZE_MAX) {
    uint64_t s = 0;
    for (size_t i = from; i < std::min(to, v.size()); ++i) s += v[i];
    return s;
}

}  // namespace

class TestMoePlanner : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    ModelFootprint m_qwen, m_oss;
    unsigned long long m_qwen_bytes = 0, m_oss_bytes = 0;

    uint64_t fileBytes(const ModelFootprint & fp) {
        return fp.embd_bytes + (fp.output_tied ? fp.output_bytes - fp.embd_bytes : fp.output_bytes) +
               sum(fp.layer_bytes);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const std::string qwen = m_dir.filePath("Qwen3-30B-A3B-Q4_K_M.gguf").toStdString();
        const std::string oss = m_dir.filePath("gpt-oss-20b-MXFP4.gguf").toStdString();
        try {
            m_qwen_bytes = planner_test::write_qwen3_30b_a3b_q4_k_m(qwen);
            m_oss_bytes = planner_test::write_gpt_oss_20b_mxfp4(oss);
            m_qwen = footprint_from_gguf(GgufFile::open(qwen));
            m_oss = footprint_from_gguf(GgufFile::open(oss));
        } catch (const std::exception & e) {
            QFAIL(e.what());
        }
    }

    // The shapes are the real files: 18.6 GB and 12.1 GB, experts most of it.
    void shapesMatchTheRealFiles() {
        QCOMPARE(fileBytes(m_qwen), uint64_t(m_qwen_bytes));
        QCOMPARE(fileBytes(m_oss), uint64_t(m_oss_bytes));
        QVERIFY2(m_qwen_bytes > 18.5e9 && m_qwen_bytes < 18.7e9, qPrintable(QString::number(m_qwen_bytes)));
        QVERIFY2(m_oss_bytes > 12.0e9 && m_oss_bytes < 12.2e9, qPrintable(QString::number(m_oss_bytes)));
        QCOMPARE(int(m_qwen.layer_expert_bytes.size()), 48);
        QVERIFY(sum(m_qwen.layer_expert_bytes) > 0.9 * double(sum(m_qwen.layer_bytes)));
        // MXFP4: 17 bytes per 32 weights; 3 matrices of 2880 x 2880 x 32 plus their F32 biases.
        QCOMPARE(m_oss.layer_expert_bytes[0], uint64_t(3) * 2880 * 2880 * 32 / 32 * 17 + uint64_t(3) * 2880 * 32 * 4);
        QCOMPARE(m_oss.hp.n_swa, 128);
    }

    void qwen3MoeFitsA24GiBCard() {
        const MemoryPlan p = plan_memory(m_qwen, request(24 * kGiB - kVramReservedBytes));
        QVERIFY(p.full_offload);
        QCOMPARE(p.cpu_moe_layers, 0);
        QVERIFY2(p.note.empty(), p.note.c_str());
        // f16 KV: 48 layers * 32768 positions * 2 (K, V) * 4 heads * 128 * 2 bytes.
        QCOMPARE(p.vram.kv, uint64_t(48) * 32768 * 2 * 512 * 2);
    }

    // 16 GiB: every layer stays on the GPU, the experts of the first layers go to RAM.
    void qwen3MoeOn16GiBMovesExpertsFirst() {
        const uint64_t budget = 16 * kGiB - kVramReservedBytes;
        const MemoryPlan p = plan_memory(m_qwen, request(budget));
        QVERIFY(p.full_offload);
        QVERIFY2(p.cpu_moe_layers > 0 && p.cpu_moe_layers < 48, qPrintable(QString::number(p.cpu_moe_layers)));
        QCOMPARE(p.n_cpu_moe, p.cpu_moe_layers);
        QVERIFY(p.vram.total() <= budget);
        QCOMPARE(p.ram.weights, m_qwen.embd_bytes + sum(m_qwen.layer_expert_bytes, 0, size_t(p.n_cpu_moe)));
        QCOMPARE(p.ram.weights + p.vram.weights, fileBytes(m_qwen));
        QCOMPARE(p.ram.kv, uint64_t(0));
        const std::string want = "the experts of " + std::to_string(p.cpu_moe_layers) + " layers stay in RAM";
        QVERIFY2(p.note.find(want) != std::string::npos, p.note.c_str());
        // The fewest that fit: one layer's experts fewer would not.
        PlanRequest fewer = request(1000 * kGiB);
        fewer.n_cpu_moe = p.n_cpu_moe - 1;
        QVERIFY(plan_memory(m_qwen, fewer).vram.total() > budget);
    }

    // Experts in RAM run from CPU buffers of their own (runtime/host_experts.h):
    // the plan counts them as RAM scratch, and the load's memory check
    // (evaluator_memory_bytes) adds them when the plan keeps experts in RAM.
    void hostExpertBuffersAreCounted() {
        const MemoryPlan moved = plan_memory(m_qwen, request(16 * kGiB - kVramReservedBytes));
        QVERIFY(moved.cpu_moe_layers > 0);
        const uint64_t buffers = host_experts_bytes(m_qwen.hp, 512);
        // Floats [512][2048] x 3, [512][768] x 2 and the routing (~15 MiB),
        // plus the matmul scratch's bound (2 bytes x 512 x n_ff 6144).
        const uint64_t floats = (3ull * 512 * 2048 + 2ull * 512 * 768 + 2ull * 512 * 8 + 2ull * 512) * 4;
        QCOMPARE(buffers, floats + 512ull * 6144 * 2);
        QVERIFY(floats > 15 * kMiB && floats < 16 * kMiB);
        QCOMPARE(moved.ram.scratch, buffers);
        QCOMPARE(moved.ram.total(), moved.ram.weights + moved.ram.kv + buffers);
        QCOMPARE(plan_memory(m_qwen, request(24 * kGiB - kVramReservedBytes)).ram.scratch, uint64_t(0));

        LoadOptions lo;
        lo.n_batch = 512;
        const size_t without = evaluator_memory_bytes(m_qwen.hp, lo, 32768, 1, 0, false);
        QCOMPARE(uint64_t(evaluator_memory_bytes(m_qwen.hp, lo, 32768, 1, 0, true) - without), buffers);
        // A dense model has no experts to keep in RAM.
        ModelHparams dense = m_qwen.hp;
        dense.n_expert = dense.n_expert_used = 0;
        QCOMPARE(evaluator_memory_bytes(dense, lo, 32768, 1, 0, true), evaluator_memory_bytes(dense, lo, 32768, 1, 0));
    }

    // An explicit --n-cpu-moe is kept, and whole layers leave only after all experts have.
    void qwen3MoeExplicitAndTinyCards() {
        PlanRequest all = request(24 * kGiB);
        all.n_cpu_moe = 48;
        const MemoryPlan p = plan_memory(m_qwen, all);
        QVERIFY(p.full_offload);
        QCOMPARE(p.cpu_moe_layers, 48);
        QCOMPARE(p.vram.weights, fileBytes(m_qwen) - m_qwen.embd_bytes - sum(m_qwen.layer_expert_bytes));
        QVERIFY2(p.note.empty(), p.note.c_str());  // what was asked, not a fallback

        const MemoryPlan tiny = plan_memory(m_qwen, request(2 * kGiB));
        QVERIFY(tiny.n_gpu_layers > 0 && tiny.n_gpu_layers < 49);
        QCOMPARE(tiny.cpu_moe_layers, tiny.gpu_layers);  // none of the GPU layers kept its experts
        QVERIFY(tiny.vram.total() <= 2 * kGiB);
    }

    // gpt-oss: on the CPU half the layers keep only a window of 128 + n_batch
    // positions (a ring); the CUDA backend keeps every position of every
    // layer and masks by the window, so the GPU's share counts them all.
    void gptOssCountsItsSlidingWindow() {
        const uint64_t row = uint64_t(2) * 512 * 2;  // K and V rows of 8 heads x 64, f16
        const MemoryPlan p = plan_memory(m_oss, request(16 * kGiB - kVramReservedBytes));
        QVERIFY(p.full_offload);
        QCOMPARE(p.cpu_moe_layers, 0);
        QCOMPARE(p.vram.kv, 24 * 32768 * row);
        QCOMPARE(p.ram.kv, uint64_t(0));
        PlanRequest cpu = request(16 * kGiB);
        cpu.n_gpu_layers = 0;
        const MemoryPlan c = plan_memory(m_oss, cpu);
        QCOMPARE(c.ram.kv, 12 * 32768 * row + 12 * uint64_t(128 + 512) * row);
        QVERIFY(c.ram.kv < 800 * kMiB);
    }

    // What a load plans on the real cards: the GPU keeps every layer and only
    // the fewest layers' experts go to RAM; a card too small even for that
    // offloads whole layers, none of them with their experts.
    void loadRequestMovesExpertsBeforeLayers() {
        QCOMPARE(load_request(16 * kGiB, 4096).n_cpu_moe, -1);  // auto unless the options name a count
        struct Case {
            const ModelFootprint * fp;
            uint64_t card;
            int32_t n_ctx;
            bool experts_move;
        };
        const Case cases[] = {
            {&m_qwen, 24 * kGiB, 32768, false},  // 17.3 GiB of weights + 3 GiB of KV
            {&m_qwen, 16 * kGiB, 4096, true},
            {&m_qwen, 16 * kGiB, 32768, true},
            {&m_oss, 16 * kGiB, 32768, false},  // 12.1 GB
            {&m_oss, 24 * kGiB, 131072, false},
            {&m_oss, 16 * kGiB, 131072, true},  // 6 GiB of f16 KV on top of the weights
        };
        for (const Case & c : cases) {
            const PlanRequest req = load_request(c.card, c.n_ctx);
            const MemoryPlan p = plan_memory(*c.fp, req);
            const QString what =
                QStringLiteral("%1 GiB, %2 tokens: ").arg(c.card / kGiB).arg(c.n_ctx) + QString::fromStdString(p.note);
            qInfo("%s, %d GiB, %d tokens: %d/%d layers on the GPU, experts of %d layers on the CPU, VRAM %.2f GiB",
                  c.fp == &m_qwen ? "Qwen3-30B-A3B Q4_K_M" : "gpt-oss-20b MXFP4", int(c.card / kGiB), c.n_ctx,
                  p.gpu_layers, c.fp->hp.n_layer, p.cpu_moe_layers, double(p.vram.total()) / double(kGiB));
            QVERIFY2(p.full_offload, qPrintable(what));
            QVERIFY2(p.vram.total() <= req.vram_budget, qPrintable(what));
            QVERIFY2((p.cpu_moe_layers > 0) == c.experts_move, qPrintable(what));
            QCOMPARE(p.n_cpu_moe, p.cpu_moe_layers);  // from layer 0 on
            QVERIFY2(p.cpu_moe_layers < c.fp->hp.n_layer, qPrintable(what));
            if (!c.experts_move) continue;
            // The fewest: one layer's experts fewer does not fit.
            PlanRequest fewer = req;
            fewer.n_cpu_moe = p.n_cpu_moe - 1;
            fewer.vram_budget = 1000 * kGiB;
            QVERIFY2(plan_memory(*c.fp, fewer).vram.total() > req.vram_budget, qPrintable(what));
            // RAM holds the embedding and those experts; the rest of every layer is in VRAM.
            QCOMPARE(p.ram.weights, c.fp->embd_bytes + sum(c.fp->layer_expert_bytes, 0, size_t(p.n_cpu_moe)));
        }
        // Qwen3-30B-A3B on 16 GiB with 32K of context: most experts stay on the
        // GPU (Q4_K_M experts are ~0.36 GiB a layer).
        const MemoryPlan q16 = plan_memory(m_qwen, load_request(16 * kGiB, 32768));
        QVERIFY2(q16.cpu_moe_layers >= 8 && q16.cpu_moe_layers <= 24, qPrintable(QString::number(q16.cpu_moe_layers)));
        // An 8 GiB card with 128K of context: experts cannot make room, layers leave.
        const MemoryPlan small = plan_memory(m_oss, load_request(8 * kGiB, 131072));
        QVERIFY(!small.full_offload && small.gpu_layers > 0);
        QCOMPARE(small.cpu_moe_layers, small.gpu_layers);
    }

    void gptOssOn8GiBMovesExperts() {
        const uint64_t budget = 8 * kGiB;
        const MemoryPlan p = plan_memory(m_oss, request(budget, KvType_q8_0));
        QVERIFY(p.full_offload);
        QVERIFY(p.cpu_moe_layers > 0 && p.cpu_moe_layers < 24);
        QVERIFY(p.vram.total() <= budget);
    }
};

QTEST_APPLESS_MAIN(TestMoePlanner)
#include "test_moe_planner.moc"
