// The memory planner on the MoE and sliding-window models of 2025-26, from
// header-only files of their real shapes: Qwen3-30B-A3B Q4_K_M and
// gpt-oss-20b MXFP4, on 16 GiB and 24 GiB cards. When the whole model does
// not fit, experts move to RAM layer by layer before any layer leaves the GPU.
#include <QTemporaryDir>
#include <QTest>

#include "hearth/gguf.h"
#include "hearth/memory_planner.h"
#include "moe_shapes.h"

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
