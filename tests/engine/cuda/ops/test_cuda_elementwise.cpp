// The CUDA element-wise launchers (rmsnorm, swiglu, add, add_bias, rope) and
// the KV-cache store, run on the SIMT emulator ("device" memory is host
// memory there), against the CPU backend's ops and naive float64 formulas.
#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "cpu/ops.h"
#include "cuda/kernels.h"
#include "op_test_util.h"
#include "op_tolerance.h"
#include "quant/quant.h"
#include "runtime/kv_cache.h"

using namespace hearth;

namespace {

using op_test::max_rel_diff;
using op_test::random_vector;

// The RoPE angle in float64, straight from the YaRN formulas.
double rope_theta(const RopeParams & rp, int64_t pos, int64_t pair, double & mscale) {
    const double extrap = double(pos) * std::pow(double(rp.freq_base), -2.0 * double(pair) / double(rp.n_rot));
    const double interp = double(rp.freq_scale) * extrap;
    mscale = rp.attn_factor;
    if (rp.ext_factor == 0.0f) return interp;
    const double y = (double(pair) - rp.corr_low) / std::max(0.001, double(rp.corr_high) - rp.corr_low);
    const double ramp = (1.0 - std::clamp(y, 0.0, 1.0)) * rp.ext_factor;
    mscale *= 1.0 + 0.1 * std::log(1.0 / double(rp.freq_scale));
    return interp * (1.0 - ramp) + extrap * ramp;
}

std::vector<double> naive_rope(const RopeParams & rp, const std::vector<float> & x, int64_t n_tokens, int64_t n_heads,
                               int64_t head_dim, int64_t pos0) {
    std::vector<double> y(x.begin(), x.end());
    const int64_t half = rp.n_rot / 2;
    for (int64_t t = 0; t < n_tokens; ++t)
        for (int64_t h = 0; h < n_heads; ++h)
            for (int64_t i = 0; i < half; ++i) {
                double mscale;
                const double th = rope_theta(rp, pos0 + t, i, mscale);
                const int64_t base = (t * n_heads + h) * head_dim;
                const int64_t a = base + (rp.type == RopeType_neox ? i : 2 * i);
                const int64_t b = base + (rp.type == RopeType_neox ? i + half : 2 * i + 1);
                const double x0 = x[size_t(a)], x1 = x[size_t(b)];
                y[size_t(a)] = (x0 * std::cos(th) - x1 * std::sin(th)) * mscale;
                y[size_t(b)] = (x0 * std::sin(th) + x1 * std::cos(th)) * mscale;
            }
    return y;
}

ModelHparams kv_hparams(int n_head_kv, int head_dim, int head_dim_v) {
    ModelHparams hp;
    hp.n_layer = 1;
    hp.n_head = n_head_kv;
    hp.n_head_kv = n_head_kv;
    hp.head_dim = head_dim;
    hp.head_dim_v = head_dim_v;
    return hp;
}

size_t kv_row_bytes(KvType type, int64_t n) {
    return type == KvType_f16 ? size_t(n) * 2 : size_t(n / 32) * 34;
}

// Head `head` of a device cache row, dequantized as KvCache::read_head does.
std::vector<float> read_device_head(KvType type, const uint8_t * row, int head, int dim) {
    std::vector<float> out(static_cast<size_t>(dim));
    if (type == KvType_f16) {
        const uint16_t * h = reinterpret_cast<const uint16_t *>(row) + size_t(head) * dim;
        for (int i = 0; i < dim; ++i) out[size_t(i)] = fp16_to_f32(h[i]);
    } else {
        dequantize_row(TensorType_Q8_0, row + size_t(head) * size_t(dim / 32) * 34, out.data(), dim);
    }
    return out;
}

}  // namespace

class TestCudaElementwise : public QObject {
    Q_OBJECT

private slots:
    void rmsnormMatchesCpu_data() {
        QTest::addColumn<int>("n_rows");
        QTest::addColumn<int>("n");
        QTest::addColumn<bool>("in_place");
        QTest::newRow("one short row") << 1 << 7 << false;
        QTest::newRow("warp rows, tail of a block") << 5 << 33 << false;  // 5 rows: a second block of 4 warps
        QTest::newRow("longest warp row, in place") << 3 << 256 << true;
        QTest::newRow("shortest block row") << 2 << 257 << false;
        QTest::newRow("long rows, in place") << 2 << 1000 << true;
    }

    void rmsnormMatchesCpu() {
        QFETCH(int, n_rows);
        QFETCH(int, n);
        QFETCH(bool, in_place);
        const float eps = 1e-5f;
        const std::vector<float> x = random_vector(size_t(n_rows) * n, 11);
        const std::vector<float> w = random_vector(size_t(n), 12, 0.5f, 1.5f);
        std::vector<float> cpu(x.size());
        rmsnorm_rows(x.data(), w.data(), cpu.data(), n_rows, n, eps);
        std::vector<float> gpu = in_place ? x : std::vector<float>(x.size(), NAN);
        cuda::rmsnorm(in_place ? gpu.data() : x.data(), w.data(), gpu.data(), n_rows, n, eps, nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        std::vector<double> naive(x.size());
        for (int r = 0; r < n_rows; ++r) {
            double ss = 0.0;
            for (int i = 0; i < n; ++i) ss += double(x[size_t(r) * n + i]) * x[size_t(r) * n + i];
            const double scale = 1.0 / std::sqrt(ss / n + eps);
            for (int i = 0; i < n; ++i) naive[size_t(r) * n + i] = x[size_t(r) * n + i] * scale * w[size_t(i)];
        }
        QVERIFY2(max_rel_diff(gpu, cpu) <= op_tolerance::rmsnorm(),
                 qPrintable(QString::number(max_rel_diff(gpu, cpu))));
        QVERIFY2(max_rel_diff(gpu, naive) < 2e-6, qPrintable(QString::number(max_rel_diff(gpu, naive))));
    }

    // gemma3's GELU (through f16, as the CPU's table) and gpt-oss's clamped
    // SwiGLU, over inputs that cross their thresholds (|g| >= 10, the limit 7).
    void geluAndOaiMatchCpu() {
        const int n = 3001;
        std::vector<float> gate = random_vector(size_t(n), 31, -12.0f, 12.0f);
        const std::vector<float> up = random_vector(size_t(n), 32, -9.0f, 9.0f);
        std::vector<float> cpu = gate, gpu = gate;
        geglu_in_place(cpu.data(), up.data(), n);
        cuda::geglu(gpu.data(), up.data(), n, nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        // Device tanhf may differ from glibc's by an ulp, which the f16 rounding
        // of the result hides or turns into one f16 step (2^-11 relative).
        QVERIFY2(max_rel_diff(gpu, cpu) < 1e-3, qPrintable(QString::number(max_rel_diff(gpu, cpu))));
        cpu = gate;
        gpu = gate;
        swiglu_oai_in_place(cpu.data(), up.data(), n, kSwigluOaiAlpha, kSwigluOaiLimit);
        cuda::swiglu_oai(gpu.data(), up.data(), n, kSwigluOaiAlpha, kSwigluOaiLimit, nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        QVERIFY(max_rel_diff(gpu, cpu) < 1e-6);
        // Above the limit the gate is clamped: g = 7, u = clamp(up).
        const float g = 7.0f, u = std::clamp(up[0], -7.0f, 7.0f);
        gate[0] = 11.0f;
        cuda::swiglu_oai(gate.data(), up.data(), 1, kSwigluOaiAlpha, kSwigluOaiLimit, nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        QVERIFY(std::fabs(gate[0] - g / (1.0f + std::exp(-kSwigluOaiAlpha * g)) * (u + 1.0f)) < 1e-5f);
    }

    void swigluAndAddsMatchCpu() {
        for (int n : {1, 255, 257, 1000}) {
            const std::vector<float> gate = random_vector(size_t(n), 21, -8.0f, 8.0f);
            const std::vector<float> up = random_vector(size_t(n), 22);
            std::vector<float> cpu = gate, gpu = gate;
            swiglu_in_place(cpu.data(), up.data(), n);
            cuda::swiglu(gpu.data(), up.data(), n, nullptr);
            cudaDeviceSynchronize();  // launches run at a sync point
            std::vector<double> naive(static_cast<size_t>(n));
            for (int i = 0; i < n; ++i)
                naive[size_t(i)] = gate[size_t(i)] / (1.0 + std::exp(-double(gate[size_t(i)]))) * up[size_t(i)];
            QVERIFY(max_rel_diff(gpu, cpu) < 1e-6);
            QVERIFY(max_rel_diff(gpu, naive) < 1e-6);

            std::vector<float> y_cpu = up, y_gpu = up;
            add_in_place(y_cpu.data(), gate.data(), n);
            cuda::add(y_gpu.data(), gate.data(), n, nullptr);
            cudaDeviceSynchronize();  // launches run at a sync point
            QCOMPARE(y_gpu, y_cpu);
            QCOMPARE(y_gpu[size_t(n) - 1], up[size_t(n) - 1] + gate[size_t(n) - 1]);
        }
        const int n_rows = 3, n = 97;
        const std::vector<float> b = random_vector(size_t(n), 23);
        std::vector<float> y_cpu = random_vector(size_t(n_rows) * n, 24), y_gpu = y_cpu;
        const std::vector<float> y0 = y_cpu;
        add_bias_rows(y_cpu.data(), b.data(), n_rows, n);
        cuda::add_bias(y_gpu.data(), b.data(), n_rows, n, nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        QCOMPARE(y_gpu, y_cpu);
        QCOMPARE(y_gpu[2 * n + 5], y0[2 * n + 5] + b[5]);
    }

    void ropeMatchesCpu_data() {
        QTest::addColumn<bool>("neox");
        QTest::addColumn<int>("head_dim");
        QTest::addColumn<int>("n_rot");
        QTest::addColumn<bool>("yarn");
        QTest::newRow("normal, full") << false << 64 << 64 << false;
        QTest::newRow("neox, full") << true << 64 << 64 << false;
        QTest::newRow("normal, partial, small head") << false << 16 << 8 << false;
        QTest::newRow("neox, partial") << true << 128 << 96 << false;
        QTest::newRow("normal, yarn") << false << 64 << 64 << true;
        QTest::newRow("neox, yarn, 128") << true << 128 << 128 << true;
        QTest::newRow("neox, 320 dims: threads loop") << true << 320 << 320 << false;
    }

    void ropeMatchesCpu() {
        QFETCH(bool, neox);
        QFETCH(int, head_dim);
        QFETCH(int, n_rot);
        QFETCH(bool, yarn);
        RopeParams rp;
        rp.type = neox ? RopeType_neox : RopeType_normal;
        rp.n_rot = n_rot;
        rp.freq_base = yarn ? 1000000.0f : 10000.0f;
        if (yarn) {
            rp.freq_scale = 0.25f;
            rp.ext_factor = 1.0f;
            rp.attn_factor = 1.0f;
            rp.corr_low = 3.0f;
            rp.corr_high = float(n_rot / 2 - 5);
        }
        const int64_t n_tokens = 3, n_heads = 5, pos0 = 37;  // 5 heads: a partial group of 4
        const std::vector<float> x = random_vector(size_t(n_tokens * n_heads * head_dim), 31);
        std::vector<float> cpu = x, gpu = x;
        rope_rows(rp, cpu.data(), n_tokens, n_heads, head_dim, pos0);
        cuda::rope(rp, gpu.data(), n_tokens, n_heads, head_dim, pos0, nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        const std::vector<double> naive = naive_rope(rp, x, n_tokens, n_heads, head_dim, pos0);
        QVERIFY2(max_rel_diff(gpu, cpu) <= op_tolerance::rope(pos0 + n_tokens),  // bit-identical in the emulator
                 qPrintable(QString::number(max_rel_diff(gpu, cpu))));
        // float angles at position ~40 are good to a few ulp of 40 rad.
        QVERIFY2(max_rel_diff(gpu, naive) < 2e-5, qPrintable(QString::number(max_rel_diff(gpu, naive))));
        for (int64_t r = 0; r < n_tokens * n_heads; ++r)  // dims past n_rot are untouched
            for (int i = n_rot; i < head_dim; ++i) QCOMPARE(gpu[size_t(r * head_dim + i)], x[size_t(r * head_dim + i)]);
        if (yarn) QVERIFY(max_rel_diff(gpu, x) > 0.1);
    }

    // The backend passes the position through device memory (StepPos), so a
    // captured decode graph stays valid: the kernels must read it there, not
    // the value in the argument (wrong here on purpose).
    void positionFromDeviceMemory() {
        RopeParams rp;
        rp.type = RopeType_neox;
        rp.n_rot = 64;
        const int64_t n_heads = 3, head_dim = 64;
        const int32_t pos0 = 77;
        int32_t * d_pos = nullptr;
        QCOMPARE(cudaMalloc(&d_pos, sizeof(int32_t)), cudaSuccess);
        *d_pos = pos0;
        const std::vector<float> x = random_vector(size_t(2 * n_heads * head_dim), 51);
        std::vector<float> by_value = x, by_device = x;
        cuda::rope(rp, by_value.data(), 2, n_heads, head_dim, pos0, nullptr);
        cuda::rope(rp, by_device.data(), 2, n_heads, head_dim, cuda::StepPos(-1000, d_pos), nullptr);
        cudaDeviceSynchronize();
        QCOMPARE(by_device, by_value);

        const int n_ctx = 100;
        const AttentionShape s{1, 1, 64, 64};
        const std::vector<float> kv = random_vector(size_t(2 * 64), 52);
        std::vector<uint8_t> dk(size_t(n_ctx) * 128, 0xAB), dv(size_t(n_ctx) * 128, 0xAB);
        const cuda::DeviceKvLayer layer{KvType_f16, dk.data(), dv.data(), 128, 128, n_ctx};
        cuda::kv_store(layer, s, cuda::StepPos(3, d_pos), 2, kv.data(), kv.data(), nullptr);
        cudaDeviceSynchronize();
        for (int t = 0; t < 2; ++t)
            QCOMPARE(read_device_head(KvType_f16, dk.data() + size_t(pos0 + t) * 128, 0, 64)[5],
                     fp16_to_f32(f32_to_fp16(kv[size_t(t * 64 + 5)])));
        QVERIFY(std::all_of(dk.begin(), dk.begin() + pos0 * 128, [](uint8_t b) { return b == 0xAB; }));
        cudaFree(d_pos);
    }

    void kvStoreMatchesCpu_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("head_dim");
        QTest::addColumn<int>("head_dim_v");
        QTest::newRow("f16, odd head") << int(KvType_f16) << 40 << 24;
        QTest::newRow("f16") << int(KvType_f16) << 64 << 64;
        QTest::newRow("q8_0, head_dim_v != head_dim") << int(KvType_q8_0) << 64 << 32;
        QTest::newRow("q8_0, 128") << int(KvType_q8_0) << 128 << 128;
    }

    void kvStoreMatchesCpu() {
        QFETCH(int, type);
        QFETCH(int, head_dim);
        QFETCH(int, head_dim_v);
        const KvType kv_type = KvType(type);
        const int n_head_kv = 2, n_ctx = 12, pos0 = 3, n_tokens = 5;
        const AttentionShape s{n_head_kv, n_head_kv, head_dim, head_dim_v};
        const int64_t n_embd_k = int64_t(n_head_kv) * head_dim, n_embd_v = int64_t(n_head_kv) * head_dim_v;
        std::vector<float> k = random_vector(size_t(n_tokens * n_embd_k), 41, -3.0f, 3.0f);
        std::vector<float> v = random_vector(size_t(n_tokens * n_embd_v), 42, -3.0f, 3.0f);
        std::fill(k.begin(), k.begin() + 32, 0.0f);  // an all-zero block: scale 0
        k[40] = 1e-6f;                               // f16 subnormal
        v[7] = 70000.0f;                             // f16 overflow

        KvCache cpu(kv_hparams(n_head_kv, head_dim, head_dim_v), n_ctx, kv_type);
        cpu.store(0, pos0, n_tokens, k.data(), v.data());

        const size_t krb = kv_row_bytes(kv_type, n_embd_k), vrb = kv_row_bytes(kv_type, n_embd_v);
        std::vector<uint8_t> dk(krb * n_ctx, 0xAB), dv(vrb * n_ctx, 0xAB);
        const cuda::DeviceKvLayer layer{kv_type, dk.data(), dv.data(), krb, vrb, n_ctx};
        cuda::kv_store(layer, s, pos0, n_tokens, k.data(), v.data(), nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point

        for (int t = 0; t < n_tokens; ++t)
            for (int h = 0; h < n_head_kv; ++h) {
                std::vector<float> ck(static_cast<size_t>(head_dim)), cv(static_cast<size_t>(head_dim_v));
                cpu.read_k(0, h, pos0 + t, pos0 + t + 1, ck.data());
                cpu.read_v(0, h, pos0 + t, pos0 + t + 1, cv.data());
                const std::vector<float> gk = read_device_head(kv_type, dk.data() + (pos0 + t) * krb, h, head_dim);
                const std::vector<float> gv = read_device_head(kv_type, dv.data() + (pos0 + t) * vrb, h, head_dim_v);
                QCOMPARE(gk, ck);  // bit-identical rounding
                QCOMPARE(gv, cv);
                // Naive: within half a quantization step of the input (for
                // Q8_0, plus the f16 rounding of the scale: 127 * d * 2^-11).
                for (int i = 0; i < head_dim; ++i) {
                    const float x = k[size_t(t * n_embd_k + h * head_dim + i)];
                    const float bound = kv_type == KvType_f16 ? std::fabs(x) / 2048.0f + 3e-8f
                                                              : 3.0f / 127.0f * (0.5f + 127.0f / 2048.0f);  // |x| <= 3
                    QVERIFY2(std::fabs(gk[size_t(i)] - x) <= bound,
                             qPrintable(QString("%1 vs %2").arg(gk[size_t(i)]).arg(x)));
                }
            }
        // Rows outside [pos0, pos0 + n_tokens) are not touched.
        QVERIFY(std::all_of(dk.begin(), dk.begin() + pos0 * krb, [](uint8_t b) { return b == 0xAB; }));
        QVERIFY(std::all_of(dv.begin() + (pos0 + n_tokens) * vrb, dv.end(), [](uint8_t b) { return b == 0xAB; }));
        if (kv_type == KvType_f16)
            QCOMPARE(reinterpret_cast<const uint16_t *>(dv.data() + pos0 * vrb)[7], uint16_t(0x7c00));
    }
};

QTEST_APPLESS_MAIN(TestCudaElementwise)
#include "test_cuda_elementwise.moc"
