// Row dot kernels of every weight type on every ISA this machine has, against
// float64 references on random blocks (random bytes, so every quant value and
// scale bit pattern occurs):
//  - exactly: dot(dequant(w), dequant(quantized x)) up to float rounding, which
//    isolates the kernel from the activation quantization;
//  - loosely: dot(dequant(w), x), within the worst-case 8-bit activation error.
// Also the activation quantizers (Q8_0, Q8_K) of each ISA against the scalar one.
#include <QtTest>
#include <cmath>
#include <random>

#include "cpu/cpu_features.h"
#include "cpu/vec_dot.h"
#include "quant/fp16.h"
#include "quant/quant.h"
#include "quant_reference.h"

using namespace hearth;

namespace {

std::vector<CpuIsa> available_isas() {
    std::vector<CpuIsa> out;
    for (int i = CpuIsa_scalar; i <= cpu_isa_detected(); ++i) out.push_back(static_cast<CpuIsa>(i));
    return out;
}

std::vector<float> random_floats(int64_t n, std::mt19937 & rng) {
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(n));
    for (auto & v : x) v = normal(rng);
    // A few outliers, as real activations have, so block scales vary.
    for (int64_t i = 0; i < n; i += 97) x[i] *= 8.0f;
    return x;
}

std::vector<uint8_t> quantize(const VecDotKernels & k, TensorType act_type, const std::vector<float> & x) {
    const int64_t n = static_cast<int64_t>(x.size());
    std::vector<uint8_t> a(act_type == TensorType_F32 ? x.size() * 4 : tensor_row_bytes(act_type, n));
    if (act_type == TensorType_Q8_0)
        k.quantize_q8_0(x.data(), a.data(), n);
    else if (act_type == TensorType_Q8_K)
        k.quantize_q8_K(x.data(), a.data(), n);
    else
        std::memcpy(a.data(), x.data(), a.size());
    return a;
}

}  // namespace

class TestQuantVecDot : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { qInfo("detected ISA: %s", cpu_isa_name(cpu_isa_detected())); }

    void dot_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("isa");
        for (TensorType t : quant_ref::weight_types())
            for (CpuIsa isa : available_isas())
                QTest::newRow(qPrintable(QString("%1/%2").arg(tensor_type_info(t).name).arg(cpu_isa_name(isa))))
                    << int(t) << int(isa);
    }

    void dot() {
        QFETCH(int, type);
        QFETCH(int, isa);
        const auto t = static_cast<TensorType>(type);
        const VecDotKernels & k = vec_dot_kernels(static_cast<CpuIsa>(isa));
        QVERIFY(k.dot[t] != nullptr);
        const TensorType act_type = vec_dot_type(t);
        const int64_t qk = act_type == TensorType_F32 ? 1
                                                      : std::max<int64_t>(tensor_type_info(t).block_elems,
                                                                          act_type == TensorType_Q8_K ? 256 : 32);
        // Float rows of any length (vector tails); quantized rows of 1 to 16 blocks.
        const std::vector<int64_t> counts =
            qk == 1 ? std::vector<int64_t>{1, 5, 37, 100, 515} : std::vector<int64_t>{1, 2, 3, 7, 16};
        std::mt19937 rng(1234 + type * 7 + isa);
        for (int64_t n_blocks : counts) {
            for (int rep = 0; rep < 20; ++rep) {
                const int64_t n = n_blocks * qk;
                const std::vector<uint8_t> w = quant_ref::random_row(t, n, rng);
                const std::vector<float> x = random_floats(n, rng);
                const std::vector<uint8_t> a = quantize(k, act_type, x);
                const std::vector<double> wd = quant_ref::dequantize(t, w.data(), n);
                const std::vector<double> ad = act_type == TensorType_F32
                                                   ? std::vector<double>(x.begin(), x.end())
                                                   : quant_ref::dequantize(act_type, a.data(), n);
                double exact = 0, exact_abs = 0, vs_x = 0, quant_bound = 0;
                for (int64_t i = 0; i < n; ++i) {
                    exact += wd[i] * ad[i];
                    exact_abs += std::fabs(wd[i] * ad[i]);
                    vs_x += wd[i] * x[i];
                    quant_bound += std::fabs(wd[i]) * std::fabs(ad[i] - x[i]);
                }
                const double got = k.dot[t](n, w.data(), a.data());
                const double tol = 2e-6 * exact_abs + 1e-7 * std::sqrt(double(n)) + 1e-30;
                if (std::fabs(got - exact) > tol)
                    QFAIL(qPrintable(QString("n=%1 rep=%2: got %3, exact %4 (tol %5)")
                                         .arg(n)
                                         .arg(rep)
                                         .arg(got, 0, 'g', 9)
                                         .arg(exact, 0, 'g', 9)
                                         .arg(tol)));
                // The quantized activations themselves must be within half a step of x.
                QVERIFY2(
                    std::fabs(got - vs_x) <= quant_bound + tol,
                    qPrintable(
                        QString("n=%1: got %2, float dot %3, bound %4").arg(n).arg(got).arg(vs_x).arg(quant_bound)));
            }
        }
    }

    void dot4_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("isa");
        int n_rows = 0;
        for (TensorType t : quant_ref::weight_types())
            for (CpuIsa isa : available_isas())
                if (vec_dot_kernels(isa).dot4[t] != nullptr && ++n_rows)
                    QTest::newRow(qPrintable(QString("%1/%2").arg(tensor_type_info(t).name).arg(cpu_isa_name(isa))))
                        << int(t) << int(isa);
        if (n_rows == 0) QTest::newRow("none") << -1 << 0;  // scalar-only machine
    }

    // The 4-token kernels (prefill) against the exact reference, per token.
    void dot4() {
        QFETCH(int, type);
        QFETCH(int, isa);
        if (type < 0) QSKIP("no 4-token kernels on this CPU; matmul uses dot per token");
        const auto t = static_cast<TensorType>(type);
        const VecDotKernels & k = vec_dot_kernels(static_cast<CpuIsa>(isa));
        const TensorType act_type = vec_dot_type(t);
        std::mt19937 rng(4321 + type);
        for (int64_t n : {256, 768, 4096}) {
            const std::vector<uint8_t> w = quant_ref::random_row(t, n, rng);
            const std::vector<double> wd = quant_ref::dequantize(t, w.data(), n);
            const size_t row = act_type == TensorType_F32 ? n * 4 : tensor_row_bytes(act_type, n);
            const size_t stride = row + 64;  // rows need not be contiguous
            std::vector<uint8_t> acts(4 * stride);
            for (int tok = 0; tok < 4; ++tok) {
                const std::vector<uint8_t> a = quantize(k, act_type, random_floats(n, rng));
                std::memcpy(acts.data() + tok * stride, a.data(), a.size());
            }
            float out[4 * 3];
            std::fill(std::begin(out), std::end(out), NAN);
            k.dot4[t](n, w.data(), acts.data(), stride, out, 3);
            for (int tok = 0; tok < 4; ++tok) {
                const std::vector<double> ad = quant_ref::dequantize(act_type, acts.data() + tok * stride, n);
                double exact = 0, exact_abs = 0;
                for (int64_t i = 0; i < n; ++i) exact += wd[i] * ad[i], exact_abs += std::fabs(wd[i] * ad[i]);
                QVERIFY2(std::fabs(out[3 * tok] - exact) <= 2e-6 * exact_abs + 1e-7,
                         qPrintable(
                             QString("n=%1 token %2: got %3, exact %4").arg(n).arg(tok).arg(out[3 * tok]).arg(exact)));
                QCOMPARE(out[3 * tok], k.dot[t](n, w.data(), acts.data() + tok * stride));
            }
        }
    }

    void tileKernels_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("isa");
        int n_rows = 0;
        for (TensorType t : quant_ref::weight_types())
            for (CpuIsa isa : available_isas()) {
                const VecDotKernels & k = vec_dot_kernels(isa);
                if ((k.gemm8[t] != nullptr || k.gemv8[t] != nullptr) && ++n_rows)
                    QTest::newRow(qPrintable(QString("%1/%2").arg(tensor_type_info(t).name).arg(cpu_isa_name(isa))))
                        << int(t) << int(isa);
            }
        if (n_rows == 0) QTest::newRow("none") << -1 << 0;
    }

    // The 8-row kernels (gemm8 for prefill, gemv8 for decode) give, for every
    // row and token, the very bits of the one-row dot kernel: a decode step
    // must reproduce batched prefill exactly (a last-bit difference can flip an
    // 8-bit activation code in the next layer).
    void tileKernels() {
        QFETCH(int, type);
        QFETCH(int, isa);
        if (type < 0) QSKIP("no 8-row kernels on this CPU; matmul uses dot4 / dot");
        const auto t = static_cast<TensorType>(type);
        const VecDotKernels & k = vec_dot_kernels(static_cast<CpuIsa>(isa));
        const TensorType act_type = vec_dot_type(t);
        std::mt19937 rng(99 + type);
        constexpr int kRows = 8, kTokens = 134;  // more than one 128-token block of gemm8
        // 416 = 13 blocks of 32: Q8_0's kernels take blocks 8 at a time, so a tail.
        std::vector<int64_t> widths = {256, 1280};
        if (tensor_type_info(t).block_elems == 32) widths.push_back(416);
        // 33024 = 129 super-blocks: past one chunk of the AVX-512 gemv8 (128
        // super-blocks per row at one token, 64 at two, 42 at three), so the
        // chunked order is held to the dot's bits too.
        if (tensor_type_info(t).block_elems == 256) widths.push_back(33024);
        for (int64_t n : widths) {
            std::vector<uint8_t> w;
            for (int r = 0; r < kRows; ++r) {
                const std::vector<uint8_t> row = quant_ref::random_row(t, n, rng);
                w.insert(w.end(), row.begin(), row.end());
            }
            const size_t row_bytes = w.size() / kRows;
            const size_t stride = tensor_row_bytes(act_type, n) + 32;
            std::vector<uint8_t> acts(kTokens * stride);
            for (int tok = 0; tok < kTokens; ++tok) {
                const std::vector<uint8_t> a = quantize(k, act_type, random_floats(n, rng));
                std::memcpy(acts.data() + tok * stride, a.data(), a.size());
            }
            const size_t y_stride = kRows + 3;
            // fn reads fn_acts (the activations as given, or flipped); dot reads acts.
            const auto check = [&](Gemm8Fn fn, int n_tokens, const char * name, const uint8_t * fn_acts) {
                std::vector<float> y(size_t(n_tokens) * y_stride, NAN);
                fn(n, w.data(), row_bytes, fn_acts, stride, n_tokens, y.data(), y_stride);
                for (int tok = 0; tok < n_tokens; ++tok)
                    for (int r = 0; r < kRows; ++r) {
                        const float want = k.dot[t](n, w.data() + r * row_bytes, acts.data() + tok * stride);
                        const float got = y[tok * y_stride + r];
                        QVERIFY2(std::memcmp(&got, &want, sizeof got) == 0,
                                 qPrintable(QString("%1 n=%2 tokens=%3 token %4 row %5: %6 vs dot %7")
                                                .arg(name)
                                                .arg(n)
                                                .arg(n_tokens)
                                                .arg(tok)
                                                .arg(r)
                                                .arg(got, 0, 'g', 9)
                                                .arg(want, 0, 'g', 9)));
                    }
            };
            if (k.gemm8[t] != nullptr)
                for (int n_tokens : {4, 5, 7, kTokens}) check(k.gemm8[t], n_tokens, "gemm8", acts.data());
            if (k.gemm8_biased[t] != nullptr) {
                // The same bits as dot from the flipped codes; flipped back, they are as before.
                std::vector<uint8_t> flipped = acts;
                bias_q8_0_codes(flipped.data(), kTokens, stride, n);
                QVERIFY(flipped != acts);
                for (int n_tokens : {4, 5, 7, kTokens})
                    check(k.gemm8_biased[t], n_tokens, "gemm8_biased", flipped.data());
                bias_q8_0_codes(flipped.data(), kTokens, stride, n);
                QVERIFY(flipped == acts);
            }
            if (k.gemv8[t] != nullptr)
                for (int n_tokens : {1, 2, 3, 5}) check(k.gemv8[t], n_tokens, "gemv8", acts.data());
        }
    }

    // The f16 KV cache's reads: every non-NaN f16 gives fp16_to_f32's exact
    // float, at every offset of an 8-wide kernel (the odd count leaves a tail).
    void halfRows_data() {
        QTest::addColumn<int>("isa");
        for (CpuIsa isa : available_isas()) QTest::newRow(cpu_isa_name(isa)) << int(isa);
    }

    void halfRows() {
        QFETCH(int, isa);
        const HalfRowFn fn = vec_dot_kernels(static_cast<CpuIsa>(isa)).f16_to_f32;
        QVERIFY(fn != nullptr);
        std::vector<uint16_t> h(65536);
        for (uint32_t i = 0; i < 65536; ++i) h[i] = uint16_t(i);
        const int64_t n = 65535;
        std::vector<float> got(size_t(n) + 1, 12345.0f);
        fn(h.data() + 1, got.data(), n);
        for (int64_t i = 0; i < n; ++i) {
            const float want = fp16_to_f32(h[size_t(i) + 1]);
            if (std::isnan(want)) {
                QVERIFY2(std::isnan(got[size_t(i)]), qPrintable(QString("f16 0x%1").arg(i + 1, 0, 16)));
                continue;
            }
            QVERIFY2(std::memcmp(&got[size_t(i)], &want, sizeof want) == 0,
                     qPrintable(QString("f16 0x%1: %2 vs %3").arg(i + 1, 0, 16).arg(got[size_t(i)]).arg(want)));
        }
        QCOMPARE(got[size_t(n)], 12345.0f);  // nothing written past n
    }

    void quantizers_data() {
        QTest::addColumn<int>("isa");
        for (CpuIsa isa : available_isas()) QTest::newRow(cpu_isa_name(isa)) << int(isa);
    }

    void quantizers() {
        QFETCH(int, isa);
        const VecDotKernels & k = vec_dot_kernels(static_cast<CpuIsa>(isa));
        std::mt19937 rng(99);
        for (const int64_t n : {256, 512, 4096}) {
            std::vector<float> x = random_floats(n, rng);
            std::fill(x.begin() + 32, x.begin() + 64, 0.0f);  // an all-zero Q8_0 block
            for (const TensorType act : {TensorType_Q8_0, TensorType_Q8_K}) {
                const std::vector<uint8_t> got = quantize(k, act, x);
                std::vector<uint8_t> want(got.size());
                if (act == TensorType_Q8_0)
                    quantize_row_q8_0_scalar(x.data(), want.data(), n);
                else
                    quantize_row_q8_K_scalar(x.data(), want.data(), n);
                const std::vector<double> g = quant_ref::dequantize(act, got.data(), n);
                const int qk = act == TensorType_Q8_0 ? 32 : 256;
                for (int64_t i = 0; i < n; ++i) {
                    double amax = 0;
                    for (int64_t j = i / qk * qk; j < (i / qk + 1) * qk; ++j)
                        amax = std::max(amax, double(std::fabs(x[j])));
                    // Within half a quantization step (plus the f16 rounding of the Q8_0 scale).
                    QVERIFY2(
                        std::fabs(g[i] - x[i]) <= amax / 127.0 * 0.5 + std::fabs(x[i]) * 1e-3 + 1e-12,
                        qPrintable(
                            QString("%1 i=%2: %3 vs %4").arg(tensor_type_info(act).name).arg(i).arg(g[i]).arg(x[i])));
                }
                // Same rounding rule everywhere, so every ISA writes the same bytes.
                QVERIFY2(got == want, "SIMD quantizer differs from the scalar one");
                if (act == TensorType_Q8_K) {
                    // bsums must be the exact sums of the codes.
                    for (int64_t b = 0; b < n / 256; ++b) {
                        const uint8_t * blk = got.data() + b * 292;
                        for (int g16 = 0; g16 < 16; ++g16) {
                            int s = 0;
                            for (int j = 0; j < 16; ++j) s += static_cast<int8_t>(blk[4 + 16 * g16 + j]);
                            int16_t bs;
                            std::memcpy(&bs, blk + 260 + 2 * g16, 2);
                            QCOMPARE(int(bs), s);
                        }
                    }
                }
            }
        }
    }

    void publicEntryPoints() {
        // quant.h's vec_dot / quantize_activations agree with the active table.
        std::mt19937 rng(5);
        const int64_t n = 512;
        for (TensorType t : quant_ref::weight_types()) {
            const std::vector<uint8_t> w = quant_ref::random_row(t, n, rng);
            const std::vector<float> x = random_floats(n, rng);
            const TensorType act_type = vec_dot_type(t);
            std::vector<uint8_t> a(act_type == TensorType_F32 ? n * 4 : tensor_row_bytes(act_type, n));
            quantize_activations(act_type, x.data(), a.data(), n);
            const float via_api = vec_dot(t, n, w.data(), a.data());
            const float via_table = vec_dot_kernels_active().dot[t](n, w.data(), a.data());
            QCOMPARE(via_api, via_table);
            std::vector<float> deq(n);
            dequantize_row(t, w.data(), deq.data(), n);
            const std::vector<double> ref = quant_ref::dequantize(t, w.data(), n);
            for (int64_t i = 0; i < n; ++i) QCOMPARE(double(deq[i]), double(float(ref[i])));
        }
        // Types the engine does not compute never reach a kernel (the loader
        // rejects them); if one did, the entry points stay defined: zeros, no crash.
        std::vector<uint8_t> junk(tensor_row_bytes(TensorType_TQ2_0, n), 0xab);
        std::vector<float> deq(n, 1.0f);
        dequantize_row(TensorType_TQ2_0, junk.data(), deq.data(), n);
        for (float v : deq) QCOMPARE(v, 0.0f);
        QCOMPARE(vec_dot(TensorType_TQ2_0, n, junk.data(), junk.data()), 0.0f);
    }

    void fp16Conversions() {
        // Round trip of every finite half, and ties-to-even on the way down.
        for (uint32_t h = 0; h < 0x10000; ++h) {
            if (((h >> 10) & 31) == 31) continue;
            const float f = fp16_to_f32(static_cast<uint16_t>(h));
            QCOMPARE(f, float(quant_ref::half_to_double(reinterpret_cast<const uint8_t *>(&h))));
            QCOMPARE(uint32_t(f32_to_fp16(f)), h);
        }
        QCOMPARE(uint32_t(f32_to_fp16(1.0f + 1.0f / 2048.0f)), 0x3c00u);  // tie, rounds to even
        QCOMPARE(uint32_t(f32_to_fp16(1.0f + 3.0f / 2048.0f)), 0x3c02u);  // tie, rounds up to even
        QCOMPARE(uint32_t(f32_to_fp16(70000.0f)), 0x7c00u);               // overflow to inf
        QCOMPARE(uint32_t(f32_to_bf16(1.0f + 1.0f / 256.0f)), 0x3f80u);   // tie to even
        QCOMPARE(bf16_to_f32(0x3f81), 1.0f + 1.0f / 128.0f);
    }
};

QTEST_APPLESS_MAIN(TestQuantVecDot)
#include "test_quant_vec_dot.moc"
