// The memory planner on QwQ-32B IQ4_XS (the seed's model, built from its real
// shapes and llama.cpp's IQ4_XS type mixture) and on the fixture models.
#include <QTest>
#include <string>
#include <vector>

#include "common/fixtures.h"
#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/memory_planner.h"
#include "hearth/tensor_type.h"

using namespace hearth;

namespace {

constexpr uint64_t kGiB = 1ull << 30;

uint64_t tensor_bytes(TensorType type, uint64_t n_elements) {
    const TensorTypeInfo & info = tensor_type_info(type);
    return n_elements / info.block_elems * info.block_bytes;
}

// QwQ-32B as llama.cpp quantizes it to IQ4_XS: every matrix IQ4_XS except
// attn_v (Q5_K, since n_gqa >= 4) and output.weight (Q6_K); norms and the
// q/k/v biases F32.
ModelFootprint qwq_32b_iq4_xs() {
    ModelFootprint fp;
    ModelHparams & hp = fp.hp;
    hp.arch = "qwen2";
    hp.n_layer = 64;
    hp.n_embd = 5120;
    hp.n_head = 40;
    hp.n_head_kv = 8;
    hp.head_dim = hp.head_dim_v = 128;
    hp.n_ff = 27648;
    hp.n_vocab = 152064;
    const uint64_t e = 5120, kv = 8 * 128, ff = 27648;
    uint64_t layer = 0;
    layer += tensor_bytes(TensorType_F32, e) * 2;          // attn_norm, ffn_norm
    layer += tensor_bytes(TensorType_IQ4_XS, e * e) * 2;   // attn_q, attn_output
    layer += tensor_bytes(TensorType_IQ4_XS, e * kv);      // attn_k
    layer += tensor_bytes(TensorType_Q5_K, e * kv);        // attn_v
    layer += tensor_bytes(TensorType_F32, e + 2 * kv);     // q, k, v biases
    layer += tensor_bytes(TensorType_IQ4_XS, e * ff) * 3;  // ffn_gate, ffn_up, ffn_down
    fp.layer_bytes.assign(64, layer);
    fp.embd_bytes = tensor_bytes(TensorType_IQ4_XS, e * 152064);
    fp.output_bytes = tensor_bytes(TensorType_Q6_K, e * 152064) + tensor_bytes(TensorType_F32, e);
    return fp;
}

uint64_t file_bytes(const ModelFootprint & fp) {
    uint64_t sum = fp.embd_bytes + (fp.output_tied ? fp.output_bytes - fp.embd_bytes : fp.output_bytes);
    for (uint64_t b : fp.layer_bytes) sum += b;
    return sum;
}

PlanRequest request(uint64_t budget, KvType kv, int32_t n_ctx = 32768, int32_t ngl = -1) {
    PlanRequest r;
    r.n_ctx = n_ctx;
    r.kv_type = kv;
    r.vram_budget = budget;
    r.n_gpu_layers = ngl;
    return r;
}

const uint64_t k24GiBCard = 24 * kGiB - kVramReservedBytes;

}  // namespace

class TestMemoryPlanner : public QObject {
    Q_OBJECT

private slots:
    void qwqShapeMatchesTheRealFile() {
        // bartowski's QwQ-32B-IQ4_XS.gguf is 17.69 GB: the synthetic list must be that model.
        const double gb = double(file_bytes(qwq_32b_iq4_xs())) / 1e9;
        QVERIFY2(gb > 17.5 && gb < 17.8, qPrintable(QString::number(gb)));
    }

    void qwqFullyOffloadsOn24GiBWithQ8Kv() {
        const ModelFootprint fp = qwq_32b_iq4_xs();
        const MemoryPlan p = plan_memory(fp, request(k24GiBCard, KvType_q8_0));
        QCOMPARE(p.n_layer, 64);
        QCOMPARE(p.n_gpu_layers, 65);  // llama.cpp's -ngl 65: 64 layers + output
        QCOMPARE(p.gpu_layers, 64);
        QVERIFY(p.output_on_gpu);
        QVERIFY(p.full_offload);
        QVERIFY2(p.note.empty(), p.note.c_str());
        // q8_0 KV: 64 layers * 32768 positions * 2 (K, V) * 1024 values * 34/32 bytes.
        QCOMPARE(p.vram.kv, uint64_t(64) * 32768 * 2 * 1024 / 32 * 34);
        QCOMPARE(p.vram.weights, file_bytes(fp) - fp.embd_bytes);
        QVERIFY(p.vram.scratch > 100ull << 20 && p.vram.scratch < 1 * kGiB);
        QVERIFY(p.vram.total() <= k24GiBCard);
        // Only the embedding stays in RAM.
        QCOMPARE(p.ram.weights, fp.embd_bytes);
        QCOMPARE(p.ram.kv, uint64_t(0));
    }

    void qwqF16KvDoesNotFitFully() {
        const ModelFootprint fp = qwq_32b_iq4_xs();
        const MemoryPlan full = plan_memory(fp, request(1000 * kGiB, KvType_f16));
        QCOMPARE(full.vram.kv, 8 * kGiB);  // 64 * 32768 * 8 * 128 * 2 (K, V) * 2 bytes
        QVERIFY(full.vram.total() > k24GiBCard);
        const MemoryPlan p = plan_memory(fp, request(k24GiBCard, KvType_f16));
        QVERIFY(!p.full_offload);
        QVERIFY(!p.output_on_gpu);
        QVERIFY(p.n_gpu_layers > 48 && p.n_gpu_layers < 64);
        QVERIFY(p.vram.total() <= k24GiBCard);
        QVERIFY(!p.note.empty());
        // The most that fit: one more layer would not.
        const MemoryPlan more = plan_memory(fp, request(1000 * kGiB, KvType_f16, 32768, p.n_gpu_layers + 1));
        QVERIFY(more.vram.total() > k24GiBCard);
        // The layers left on the CPU take their weights and KV into RAM.
        QCOMPARE(p.ram.kv, uint64_t(64 - p.gpu_layers) * 32768 * 2 * 1024 * 2);
        QCOMPARE(p.ram.weights + p.vram.weights, file_bytes(fp));
    }

    void smallCardGetsThePrefixThatFits() {
        const ModelFootprint fp = qwq_32b_iq4_xs();
        const MemoryPlan p = plan_memory(fp, request(8 * kGiB, KvType_q8_0));
        QVERIFY(p.n_gpu_layers > 0 && p.n_gpu_layers < 64);
        QCOMPARE(p.first_gpu_layer(), 64 - p.n_gpu_layers);
        QVERIFY(p.vram.total() <= 8 * kGiB);
        const MemoryPlan more = plan_memory(fp, request(1000 * kGiB, KvType_q8_0, 32768, p.n_gpu_layers + 1));
        QVERIFY(more.vram.total() > 8 * kGiB);
        QVERIFY(p.note.find("layers are offloaded") != std::string::npos);
    }

    void explicitRequestThatDoesNotFitFallsBack() {
        const ModelFootprint fp = qwq_32b_iq4_xs();
        const MemoryPlan p = plan_memory(fp, request(8 * kGiB, KvType_q8_0, 32768, 65));
        QCOMPARE(p.requested, 65);
        QCOMPARE(p.n_gpu_layers, plan_memory(fp, request(8 * kGiB, KvType_q8_0)).n_gpu_layers);
        QVERIFY(!p.note.empty());
        const MemoryPlan few = plan_memory(fp, request(k24GiBCard, KvType_q8_0, 32768, 10));
        QCOMPARE(few.n_gpu_layers, 10);
        QCOMPARE(few.first_gpu_layer(), 54);
        QVERIFY(few.note.empty());
    }

    void noVramMeansCpuOnly() {
        const ModelFootprint fp = qwq_32b_iq4_xs();
        const MemoryPlan p = plan_memory(fp, request(0, KvType_q8_0, 32768, 65));
        QCOMPARE(p.n_gpu_layers, 0);
        QCOMPARE(p.vram.total(), uint64_t(0));
        QCOMPARE(p.ram.weights, file_bytes(fp));
        QCOMPARE(p.ram.kv, uint64_t(64) * 32768 * 2 * 1024 / 32 * 34);
        QVERIFY(p.note.find("no VRAM") != std::string::npos);
    }

    void tooManyLayersAreClamped() {
        const ModelFootprint fp = qwq_32b_iq4_xs();
        const MemoryPlan p = plan_memory(fp, request(k24GiBCard, KvType_q8_0, 32768, 999));
        QCOMPARE(p.requested, 65);
        QCOMPARE(p.n_gpu_layers, 65);
        QVERIFY(p.note.find("999") != std::string::npos);
        // -ngl 64: every repeating layer, the output stays on the CPU.
        const MemoryPlan all_layers = plan_memory(fp, request(k24GiBCard, KvType_q8_0, 32768, 64));
        QCOMPARE(all_layers.gpu_layers, 64);
        QVERIFY(!all_layers.output_on_gpu);
        QCOMPARE(all_layers.ram.weights, fp.embd_bytes + fp.output_bytes);
    }

    void scratchGrowsWithBatchAndVocab() {
        const ModelFootprint fp = qwq_32b_iq4_xs();
        PlanRequest r = request(k24GiBCard, KvType_q8_0);
        const uint64_t base = gpu_scratch_bytes(fp, r);
        r.n_batch = 1024;
        QVERIFY(gpu_scratch_bytes(fp, r) > base);
        r.n_batch = 512;
        r.n_outputs = 512;
        QCOMPARE(gpu_scratch_bytes(fp, r) - base, uint64_t(511) * 152064 * 4);
    }

    void fixtureModels_data() {
        QTest::addColumn<QString>("path");
        QTest::newRow("stories260K") << "models/stories260K.gguf";
        for (const char * name :
             {"llama-Q4_0", "llama-IQ4_XS", "llama-Q6_K", "qwen2-Q4_K_M", "qwen2-IQ4_XS", "qwen3-Q8_0", "qwen3-BF16"})
            QTest::newRow(name) << QString("models/synthetic/%1.gguf").arg(name);
    }

    void fixtureModels() {
        QFETCH(QString, path);
        const GgufFile file = GgufFile::open(hearth_test::fixture(path.toStdString()));
        const ModelFootprint fp = footprint_from_gguf(file);
        uint64_t all = 0;
        for (const GgufTensor & t : file.tensors()) all += t.n_bytes;
        QCOMPARE(file_bytes(fp), all);
        QCOMPARE(int(fp.layer_bytes.size()), fp.hp.n_layer);
        uint64_t layers = 0;
        for (uint64_t b : fp.layer_bytes) {
            QVERIFY(b > 0);
            layers += b;
        }
        QVERIFY(fp.embd_bytes > 0);
        QCOMPARE(int64_t(fp.hp.n_vocab), file.find_tensor("token_embd.weight")->ne[1]);
        // qwen2's fixtures tie the output to token_embd (README).
        QCOMPARE(fp.output_tied, path.contains("qwen2"));

        const MemoryPlan full = plan_memory(fp, request(kGiB, KvType_f16, 256));
        QVERIFY(full.full_offload);
        QCOMPARE(full.n_gpu_layers, fp.hp.n_layer + 1);
        QCOMPARE(full.vram.weights, layers + fp.output_bytes);
        QVERIFY(fp.output_bytes >= uint64_t(fp.hp.n_embd) * 4);  // at least output_norm
        const MemoryPlan cpu = plan_memory(fp, request(0, KvType_f16, 256));
        QCOMPARE(cpu.ram.weights, all);
        QCOMPARE(cpu.ram.kv, full.vram.kv);
        // Exactly enough for one layer fewer than everything.
        const MemoryPlan one_less = plan_memory(fp, request(full.vram.total() - 1, KvType_f16, 256));
        QCOMPARE(one_less.n_gpu_layers, fp.hp.n_layer);
    }

    void stories260KFallsBackToF16ForQ8Kv() {
        // Its head size is 8, which q8_0's 32-value blocks cannot hold.
        const GgufFile file = GgufFile::open(HEARTH_FIXTURE("models/stories260K.gguf"));
        const MemoryPlan p = plan_memory(footprint_from_gguf(file), request(kGiB, KvType_q8_0, 128));
        QCOMPARE(p.vram.kv, uint64_t(5) * 128 * 2 * 32 * 2);
        QVERIFY(p.note.find("q8_0") != std::string::npos);
    }

    void unsupportedArchitectureThrows() {
        const GgufFile file = GgufFile::open(HEARTH_FIXTURE("vocab/ggml-vocab-gpt-2.gguf"));
        bool threw = false;
        try {
            footprint_from_gguf(file);
        } catch (const hearth::Error & e) {
            threw = std::string(e.what()).find("architecture") != std::string::npos;
        }
        QVERIFY(threw);
    }

    void parsesByteSizes() {
        uint64_t b = 0;
        QVERIFY(parse_byte_size("24GiB", b));
        QCOMPARE(b, 24 * kGiB);
        QVERIFY(parse_byte_size("24GB", b));
        QCOMPARE(b, uint64_t(24000000000));
        QVERIFY(parse_byte_size("24000MiB", b));
        QCOMPARE(b, uint64_t(24000) << 20);
        QVERIFY(parse_byte_size("1.5 gib", b));
        QCOMPARE(b, 3 * kGiB / 2);
        QVERIFY(parse_byte_size("123456", b));
        QCOMPARE(b, uint64_t(123456));
        QVERIFY(!parse_byte_size("", b));
        QVERIFY(!parse_byte_size("GiB", b));
        QVERIFY(!parse_byte_size("24 parsecs", b));
        QVERIFY(!parse_byte_size("-1GiB", b));
        QVERIFY(!parse_byte_size("1e30", b));
    }
};

QTEST_APPLESS_MAIN(TestMemoryPlanner)
#include "test_memory_planner.moc"
