// The CUDA attention launcher on the SIMT emulator, against the CPU backend's
// attention (cpu/attention.h over a KvCache) and a naive float64 softmax
// attention over the same dequantized keys and values: decode and prefill
// with pos0 > 0, GQA, f16 and q8_0 caches, head_dim_v != head_dim, and KV
// lengths off the kernel's tile and split sizes.
#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "common/attention_reference.h"
#include "cpu/attention.h"
#include "cpu/thread_pool.h"
#include "cuda/kernels.h"
#include "runtime/kv_cache.h"

using namespace hearth;

namespace {

std::vector<float> random_vector(size_t n, uint32_t seed, float scale) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> v(n);
    for (float & x : v) x = dist(rng);
    return v;
}

size_t kv_row_bytes(KvType type, int64_t n) {
    return type == KvType_f16 ? size_t(n) * 2 : size_t(n / 32) * 34;
}

struct Case {
    AttentionShape s;
    KvType type;
    int32_t n_tokens, pos0;
    int32_t n_ctx = 0;        // the cache's size; 0: a little more than the keys
    bool device_pos = false;  // the position through device memory (StepPos), as the backend passes it
    AttentionParams ap{};     // window, scale, sinks (host memory is device memory in the emulator)
};

void check_case(const Case & c, bool with_scratch) {
    const AttentionShape & s = c.s;
    const int32_t n_keys = c.pos0 + c.n_tokens, n_ctx = c.n_ctx > 0 ? c.n_ctx : n_keys + 5;
    ModelHparams hp;
    hp.n_layer = 1;
    hp.n_head = s.n_head;
    hp.n_head_kv = s.n_head_kv;
    hp.head_dim = s.head_dim;
    hp.head_dim_v = s.head_dim_v;
    const int64_t n_embd_k = hp.n_embd_k(), n_embd_v = hp.n_embd_v();
    // Spread-out scores (q.k of order 2 after scaling) so the softmax is not flat.
    const std::vector<float> k = random_vector(size_t(n_keys) * n_embd_k, 1, 1.0f);
    const std::vector<float> v = random_vector(size_t(n_keys) * n_embd_v, 2, 1.0f);
    const std::vector<float> q = random_vector(size_t(c.n_tokens) * s.n_head * s.head_dim, 3, 1.5f);

    // The same rows in the CPU cache and, through kv_store, in the "device" one.
    KvCache cpu_kv(hp, n_ctx, c.type);
    cpu_kv.store(0, 0, n_keys, k.data(), v.data());
    const size_t krb = kv_row_bytes(c.type, n_embd_k), vrb = kv_row_bytes(c.type, n_embd_v);
    std::vector<uint8_t> dk(krb * n_ctx), dv(vrb * n_ctx);
    const cuda::DeviceKvLayer layer{c.type, dk.data(), dv.data(), krb, vrb, n_ctx};
    cuda::kv_store(layer, s, 0, n_keys, k.data(), v.data(), nullptr);
    cudaDeviceSynchronize();  // launches run at a sync point

    ThreadPool pool(2);
    std::vector<float> cpu_out(size_t(c.n_tokens) * s.n_head * s.head_dim_v);
    std::vector<float> cpu_scratch(attention_scratch_floats(s) * size_t(pool.size()));
    attention(cpu_kv, 0, s, q.data(), c.n_tokens, c.pos0, cpu_out.data(), cpu_scratch.data(), pool, c.ap);

    std::vector<float> gpu_out(cpu_out.size(), NAN);
    std::vector<float> scratch(cuda::attention_scratch_bytes(s, c.n_tokens, n_ctx) / sizeof(float) + 1, NAN);
    int32_t * d_pos = nullptr;
    QCOMPARE(cudaMalloc(&d_pos, sizeof(int32_t)), cudaSuccess);
    *d_pos = c.pos0;
    // With device_pos the value in the argument is wrong on purpose: the kernel must read d_pos.
    const cuda::StepPos pos = c.device_pos ? cuda::StepPos(-1000, d_pos) : cuda::StepPos(c.pos0);
    cuda::AttnVariant variant;
    variant.window = c.ap.window;
    variant.scale = c.ap.scale;
    variant.sinks = c.ap.sinks;
    cuda::attention(layer, s, q.data(), c.n_tokens, pos, gpu_out.data(), with_scratch ? scratch.data() : nullptr,
                    nullptr, variant);
    cudaDeviceSynchronize();  // launches run at a sync point
    cudaFree(d_pos);

    // The naive reference knows plain causal attention only.
    const bool plain = c.ap.window == 0 && c.ap.scale == 0.0f && c.ap.sinks == nullptr;
    const std::vector<double> naive = plain ? hearth_test::attention_reference(cpu_kv, c.s, c.n_tokens, c.pos0, q)
                                            : std::vector<double>(gpu_out.size());
    double worst_cpu = 0.0, worst_naive = 0.0;
    for (size_t i = 0; i < gpu_out.size(); ++i) {
        QVERIFY2(std::isfinite(gpu_out[i]), qPrintable(QString("output %1 is not finite").arg(i)));
        worst_cpu = std::max(worst_cpu, std::fabs(double(gpu_out[i]) - cpu_out[i]));
        if (plain) worst_naive = std::max(worst_naive, std::fabs(double(gpu_out[i]) - naive[i]));
    }
    // Outputs are O(1) averages of unit-variance values; float accumulation
    // over a few hundred keys stays near 1e-6.
    QVERIFY2(worst_cpu < 2e-5, qPrintable(QString("vs CPU: %1").arg(worst_cpu)));
    QVERIFY2(worst_naive < 2e-5, qPrintable(QString("vs naive: %1").arg(worst_naive)));
}

}  // namespace

class TestCudaAttention : public QObject {
    Q_OBJECT

private slots:
    void matchesCpuAndNaive_data() {
        QTest::addColumn<int>("n_head");
        QTest::addColumn<int>("n_head_kv");
        QTest::addColumn<int>("head_dim");
        QTest::addColumn<int>("head_dim_v");
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("n_tokens");
        QTest::addColumn<int>("pos0");
        const int f16 = KvType_f16, q8 = KvType_q8_0;
        // Decode: one query, KV lengths 1, 17 and 257 (tiles of 64/32, splits of 128).
        QTest::newRow("decode, length 1, GQA 4/2, f16") << 4 << 2 << 64 << 64 << f16 << 1 << 0;
        QTest::newRow("decode, length 17, GQA 4/1, q8_0") << 4 << 1 << 64 << 64 << q8 << 1 << 16;
        QTest::newRow("decode, length 257, GQA 4/2, f16, splits") << 4 << 2 << 64 << 64 << f16 << 1 << 256;
        QTest::newRow("decode, length 257, 128 dims, q8_0, splits") << 4 << 2 << 128 << 128 << q8 << 1 << 256;
        QTest::newRow("decode, head_dim_v 32 != 64, q8_0") << 4 << 2 << 64 << 32 << q8 << 1 << 40;
        QTest::newRow("decode, 8-dim heads (stories), f16") << 8 << 4 << 8 << 8 << f16 << 1 << 30;
        QTest::newRow("decode, 40-dim heads, MHA, f16") << 3 << 3 << 40 << 24 << f16 << 1 << 70;
        QTest::newRow("prefill 9 at pos0 4, odd 7/5-dim heads, f16") << 2 << 1 << 7 << 5 << f16 << 9 << 4;
        QTest::newRow("decode, 256 dims, q8_0") << 2 << 1 << 256 << 256 << q8 << 1 << 150;
        QTest::newRow("decode, 512 dims (tile 8), f16") << 2 << 1 << 512 << 512 << f16 << 1 << 20;
        // Short batches split the KV length too; prefill chunks its tokens.
        QTest::newRow("batch of 5 at pos0 200, splits, q8_0") << 4 << 2 << 64 << 64 << q8 << 5 << 200;
        QTest::newRow("prefill 17 from 0, GQA 4/1, f16") << 4 << 1 << 64 << 64 << f16 << 17 << 0;
        QTest::newRow("prefill 20 at pos0 37, 128 dims, q8_0") << 4 << 2 << 128 << 128 << q8 << 20 << 37;
        QTest::newRow("prefill 40 at pos0 217, f16") << 4 << 2 << 64 << 64 << f16 << 40 << 217;
        QTest::newRow("prefill 12, group 24 > rows per block") << 24 << 1 << 32 << 32 << f16 << 12 << 3;
        // QwQ-32B's geometry (group of 5): 15-row blocks, a partial last chunk.
        QTest::newRow("decode, GQA 40/8, q8_0, length 300") << 40 << 8 << 128 << 128 << q8 << 1 << 299;
        QTest::newRow("prefill 7 at pos0 100, GQA 10/2, q8_0") << 10 << 2 << 128 << 128 << q8 << 7 << 100;
        QTest::newRow("prefill 10 at pos0 60, GQA 10/2, f16") << 10 << 2 << 128 << 128 << f16 << 10 << 60;
    }

    void matchesCpuAndNaive() {
        QFETCH(int, n_head);
        QFETCH(int, n_head_kv);
        QFETCH(int, head_dim);
        QFETCH(int, head_dim_v);
        QFETCH(int, type);
        QFETCH(int, n_tokens);
        QFETCH(int, pos0);
        const Case c{AttentionShape{n_head, n_head_kv, head_dim, head_dim_v}, KvType(type), n_tokens, pos0};
        check_case(c, true);
        if (QTest::currentTestFailed()) return;
        if (n_tokens <= 8 && pos0 + n_tokens > 128) check_case(c, false);  // no scratch: one split
        if (QTest::currentTestFailed()) return;
        // As the backend runs it: the position from device memory, in a cache
        // far longer than the keys, so most of the splits (their count fixed
        // by n_ctx) find no key and the combine must skip them.
        Case in_long_cache = c;
        in_long_cache.n_ctx = 1500;
        in_long_cache.device_pos = true;
        check_case(in_long_cache, true);
    }

    // gemma3's and gpt-oss's variations against the CPU's attention: sliding
    // windows (shorter than the context, in prefill, short batches and decode,
    // with and without splits), a score scale, and sink logits large enough to
    // exceed the running max.
    void variantsMatchCpu_data() {
        QTest::addColumn<int>("window");
        QTest::addColumn<bool>("sinks");
        QTest::addColumn<int>("n_tokens");
        QTest::addColumn<int>("pos0");
        QTest::newRow("window 16, decode at 300 (splits)") << 16 << false << 1 << 300;
        QTest::newRow("window 16, prefill 40 at 0") << 16 << false << 40 << 0;
        QTest::newRow("window 8, batch of 5 at 200") << 8 << false << 5 << 200;
        QTest::newRow("sinks, decode at 150") << 0 << true << 1 << 150;
        QTest::newRow("sinks and window 16, prefill 24 at 30") << 16 << true << 24 << 30;
        QTest::newRow("sinks and window 128, decode at 700") << 128 << true << 1 << 700;
    }

    void variantsMatchCpu() {
        QFETCH(int, window);
        QFETCH(bool, sinks);
        QFETCH(int, n_tokens);
        QFETCH(int, pos0);
        const AttentionShape s{4, 2, 64, 64};
        std::vector<float> sink = random_vector(size_t(s.n_head), 7, 3.0f);
        sink[0] = 40.0f;  // above any score: the safe form of the denominator
        Case c{s, KvType_f16, n_tokens, pos0};
        c.ap.window = window;
        c.ap.scale = 0.1f;
        c.ap.sinks = sinks ? sink.data() : nullptr;
        check_case(c, true);
        if (QTest::currentTestFailed()) return;
        c.n_ctx = 1500;  // most splits find no key
        c.device_pos = true;
        check_case(c, true);
    }

    void scratchCoversShortBatchesOnly() {
        const AttentionShape s{40, 8, 128, 128};
        // QwQ-32B decode at 32k: 40 heads x 64 splits x (128 + 2) floats.
        QCOMPARE(cuda::attention_scratch_bytes(s, 1, 32768), size_t(40) * 64 * 130 * 4);
        // Long prefills write the output directly; the bound is the split limit's batch.
        QCOMPARE(cuda::attention_scratch_bytes(s, 512, 32768), cuda::attention_scratch_bytes(s, 8, 32768));
        QCOMPARE(cuda::attention_scratch_bytes(s, 1, 128), size_t(0));  // one split at most
    }
};

QTEST_APPLESS_MAIN(TestCudaAttention)
#include "test_cuda_attention.moc"
