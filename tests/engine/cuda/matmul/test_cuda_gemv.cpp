// The CUDA GEMV launchers (quantize_activations + gemv) of every weight type,
// run on the SIMT emulator and compared with the CPU backend (vec_dot per
// row and token, and matmul) and with a naive double-precision reference of
// the dequantized weights against the unquantized activations.
#include <QTest>
#include <cmath>

#include "cpu/matmul.h"
#include "cpu/thread_pool.h"
#include "cpu/vec_dot.h"
#include "cuda/gemv_kernel.h"  // load_i32_a2 / load_i32_a4
#include "cuda/kernels.h"
#include "matmul_test_util.h"

using namespace hearth;
using namespace hearth_test_mm;

namespace {

struct Case {
    std::vector<uint8_t> w;
    std::vector<float> x;
    size_t row_bytes = 0;
};

// Worst-case error of the 8-bit activations against the float reference: each
// code is off by at most d / 2 (d = amax / 127 per block), plus the f16
// rounding of Q8_0's d (2^-11 relative, times |code| <= 127).
double act_quant_bound(const std::vector<float> & w, const float * x, int64_t n_in, int64_t qk) {
    double bound = 0.0;
    for (int64_t b = 0; b < n_in / qk; ++b) {
        double amax = 0.0, wsum = 0.0;
        for (int64_t j = b * qk; j < (b + 1) * qk; ++j) {
            amax = std::max(amax, double(std::fabs(x[j])));
            wsum += std::fabs(w[size_t(j)]);
        }
        bound += wsum * amax / 127.0 * 0.57;
    }
    return bound;
}

// The load helpers: a word read 2- or 4-byte aligned, and natural loads of
// 2, 4 and 8 bytes (load_aligned: f16/bf16 elements and pairs, f32 and f32
// pairs in the float GEMV, dequantize_f16 and attention).
enum Load { A2, A4, Natural16, Natural32, Natural64 };

__global__ void aligned_load(const uint8_t * p, int load, int * out) {
    int v = 0;
    switch (load) {
        case A2:
            v = cuda::load_i32_a2(p);
            break;
        case A4:
            v = cuda::load_i32_a4(p);
            break;
        case Natural16:
            v = cuda::load_aligned<uint16_t>(p);
            break;
        case Natural32:
            v = int(cuda::load_aligned<uint32_t>(p));
            break;
        default:
            v = int(cuda::load_aligned<uint64_t>(p));
            break;
    }
    out[threadIdx.x] = v;
}

QString violation_of(const uint8_t * p, Load load) {
    int out[32];
    try {
        simt::launch(dim3(1), dim3(32), 0, aligned_load, p, int(load), out);
    } catch (const simt::Violation & v) {
        return QString::fromUtf8(v.what());
    }
    return QString();
}

}  // namespace

class TestCudaGemv : public QObject {
    Q_OBJECT

private slots:
    void matchesCpuAndReference_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("n_out");
        QTest::addColumn<int>("n_blocks");
        QTest::addColumn<int>("n_tokens");
        for (TensorType t : computable_types()) {
            const bool plain = block_elems(t) == 1;
            // Plain types: an odd row (single-element loads), even rows (pairs).
            const int blocks[3] = {plain ? 31 : 1, plain ? 64 : 5, plain ? 1000 : 37};
            for (int nb : blocks)
                for (int n_out : {1, 7, 33})
                    for (int n_tokens : {1, 3}) {
                        const QByteArray name =
                            QByteArray(tensor_type_info(t).name) + " n_out=" + QByteArray::number(n_out) +
                            " blocks=" + QByteArray::number(nb) + " tokens=" + QByteArray::number(n_tokens);
                        QTest::newRow(name.constData()) << int(t) << n_out << nb << n_tokens;
                    }
            // Two grid.y slices of tokens, the second partial.
            QTest::newRow((QByteArray(tensor_type_info(t).name) + " tokens=11").constData()) << int(t) << 5 << 3 << 11;
        }
    }

    void matchesCpuAndReference() {
        QFETCH(int, type);
        QFETCH(int, n_out);
        QFETCH(int, n_blocks);
        QFETCH(int, n_tokens);
        const auto t = TensorType(type);
        const int64_t n_in = int64_t(n_blocks) * block_elems(t);
        std::mt19937 rng(uint32_t(type * 7919 + n_out * 131 + n_blocks * 17 + n_tokens));
        const size_t row_bytes = tensor_row_bytes(t, n_in);
        const std::vector<uint8_t> w = random_weights(t, n_out, n_in, rng);
        const std::vector<float> x = random_activations(n_in * n_tokens, rng);

        // "Device" buffers are host memory in the emulator.
        const TensorType at = vec_dot_type(t);
        std::vector<uint8_t> xq(cuda::act_quant_bytes(t, n_in, n_tokens) + 1);
        QCOMPARE(xq.size() - 1, at == TensorType_F32 ? size_t(0) : tensor_row_bytes(at, n_in) * size_t(n_tokens));
        cuda::quantize_activations(t, x.data(), xq.data(), n_in, n_tokens, nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        const cuda::DeviceMatrix dm{t, w.data(), n_in, n_out, row_bytes};
        std::vector<float> y(size_t(n_out) * size_t(n_tokens), NAN);
        cuda::gemv(dm, x.data(), xq.data(), y.data(), n_tokens, nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point

        // The CPU backend on the same weights.
        ThreadPool pool(2);
        std::vector<uint8_t> scratch(matmul_scratch_bytes(t, n_in, n_tokens) + 1);
        std::vector<float> y_cpu(y.size(), NAN);
        matmul(WeightView{t, w.data(), n_in, n_out}, x.data(), n_tokens, y_cpu.data(), scratch.data(), pool);

        const size_t act_row = at == TensorType_F32 ? size_t(n_in) * 4 : tensor_row_bytes(at, n_in);
        std::vector<uint8_t> act_cpu(act_row);
        for (int tk = 0; tk < n_tokens; ++tk) {
            const float * xt = x.data() + size_t(tk) * size_t(n_in);
            quantize_activations(at, xt, act_cpu.data(), n_in);
            for (int r = 0; r < n_out; ++r) {
                const uint8_t * wr = w.data() + size_t(r) * row_bytes;
                const float got = y[size_t(tk) * size_t(n_out) + size_t(r)];
                const std::vector<float> wf = dequantize(t, wr, n_in);
                double ref = 0.0, mag = 0.0;
                for (int64_t i = 0; i < n_in; ++i) {
                    ref += double(wf[size_t(i)]) * xt[i];
                    mag += std::fabs(double(wf[size_t(i)]) * xt[i]);
                }
                const double fp_tol = 2e-5 * mag + 1e-6;
                const float cpu = vec_dot(t, n_in, wr, act_cpu.data());
                const QString where = QString("token %1 row %2: gpu %3").arg(tk).arg(r).arg(double(got), 0, 'g', 9);
                QVERIFY2(std::fabs(double(got) - cpu) <= fp_tol,
                         qPrintable(where + QString(" vs vec_dot %1").arg(double(cpu), 0, 'g', 9)));
                const float cpu_mm = y_cpu[size_t(tk) * size_t(n_out) + size_t(r)];
                QVERIFY2(std::fabs(double(got) - cpu_mm) <= fp_tol,
                         qPrintable(where + QString(" vs matmul %1").arg(double(cpu_mm), 0, 'g', 9)));
                const double q_tol = at == TensorType_F32 ? 0.0 : act_quant_bound(wf, xt, n_in, block_elems(at));
                QVERIFY2(
                    std::fabs(double(got) - ref) <= q_tol + fp_tol,
                    qPrintable(where + QString(" vs reference %1 (bound %2)").arg(ref, 0, 'g', 9).arg(q_tol + fp_tol)));
            }
        }
    }

    // The emulator checks the alignment each load helper promises: a 34-byte
    // Q8_0 block read with the 4-byte form would fault on a GPU, and so would
    // an f16 pair or an f32 pair off its natural alignment.
    void alignedLoadsAreChecked() {
        alignas(16) uint8_t bytes[16] = {};
        QCOMPARE(violation_of(bytes + 4, A4), QString());
        QCOMPARE(violation_of(bytes + 2, A2), QString());
        QVERIFY(violation_of(bytes + 2, A4).startsWith("misaligned load_i32_a4"));
        QVERIFY(violation_of(bytes + 1, A2).startsWith("misaligned load_i32_a2"));
        QCOMPARE(violation_of(bytes + 2, Natural16), QString());
        QCOMPARE(violation_of(bytes + 4, Natural32), QString());
        QCOMPARE(violation_of(bytes + 8, Natural64), QString());
        QVERIFY(violation_of(bytes + 1, Natural16).startsWith("misaligned load_aligned"));
        QVERIFY(violation_of(bytes + 2, Natural32).startsWith("misaligned load_aligned"));
        QVERIFY(violation_of(bytes + 4, Natural64).startsWith("misaligned load_aligned"));
    }

    void unknownTypeWritesZeros() {
        std::vector<uint8_t> w(64, 0x55);
        std::vector<float> x(32, 1.0f), y(3, NAN);
        const cuda::DeviceMatrix dm{TensorType_Q8_K, w.data(), 256, 3, 0};
        cuda::gemv(dm, x.data(), w.data(), y.data(), 1, nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        for (float v : y) QCOMPARE(v, 0.0f);
    }
};

QTEST_APPLESS_MAIN(TestCudaGemv)
#include "test_cuda_gemv.moc"
