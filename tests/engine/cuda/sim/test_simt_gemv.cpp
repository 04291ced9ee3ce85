// A dp4a Q4_0 x Q8_0 GEMV written as a CUDA kernel (one warp per row), run on
// the SIMT emulator and compared with the CPU backend's vec_dot on the same
// blocks. It also checks the emulated half conversions against the engine's.
#include <QTest>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "simt.h"
// After simt.h: the engine's HEARTH_HD helpers compile as host code here.
#include "cpu/vec_dot.h"
#include "quant/blocks.h"
#include "quant/quant.h"

using namespace hearth;

namespace {

__device__ int load_i32(const void * p) {
    int v;
    std::memcpy(&v, p, 4);
    return v;
}

// y[row] = sum_b dot(w[row][b], x[b]). Q4_0 stores element j in the low nibble
// of qs[j] and element j + 16 in the high one, each offset by 8, so
// sum((q - 8) * xq) = dp4a(q, xq) - 8 * dp4a(0x01010101, xq).
__global__ void gemv_q4_0_q8_0(const block_q4_0 * w, const block_q8_0 * x, float * y, int n_rows, int n_blocks) {
    const int row = int(blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32);
    const int lane = int(threadIdx.x % 32);
    float sum = 0.0f;
    if (row < n_rows)
        for (int b = lane; b < n_blocks; b += 32) {
            const block_q4_0 & wb = w[size_t(row) * size_t(n_blocks) + size_t(b)];
            const block_q8_0 & xb = x[b];
            int acc = 0, xsum = 0;
            for (int j = 0; j < 4; ++j) {
                const int q = load_i32(wb.qs + 4 * j);
                const int xl = load_i32(xb.qs + 4 * j), xh = load_i32(xb.qs + 16 + 4 * j);
                acc = __dp4a(q & 0x0f0f0f0f, xl, acc);
                acc = __dp4a((q >> 4) & 0x0f0f0f0f, xh, acc);
                xsum = __dp4a(0x01010101, xl, __dp4a(0x01010101, xh, xsum));
            }
            sum += fp16_to_f32(wb.d) * fp16_to_f32(xb.d) * float(acc - 8 * xsum);
        }
    for (int m = 16; m > 0; m >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, m);
    if (lane == 0 && row < n_rows) y[row] = sum;
}

}  // namespace

class TestSimtGemv : public QObject {
    Q_OBJECT

private slots:
    void q4_0GemvMatchesCpuBackend_data() {
        QTest::addColumn<int>("n_rows");
        QTest::addColumn<int>("n_blocks");
        QTest::newRow("one block") << 3 << 1;
        QTest::newRow("tail of a warp") << 7 << 45;       // 45 blocks: lanes 0-12 take two
        QTest::newRow("rows past the grid") << 13 << 64;  // 4 warps per block: 3 rows idle
    }

    void q4_0GemvMatchesCpuBackend() {
        QFETCH(int, n_rows);
        QFETCH(int, n_blocks);
        const int n = n_blocks * 32;
        std::mt19937 rng(uint32_t(n_rows * 1000 + n_blocks));
        std::uniform_real_distribution<float> scale(0.001f, 0.05f), val(-2.0f, 2.0f);
        std::vector<block_q4_0> w(size_t(n_rows) * size_t(n_blocks));
        for (block_q4_0 & b : w) {
            b.d = f32_to_fp16(scale(rng));
            for (uint8_t & q : b.qs) q = uint8_t(rng());
        }
        std::vector<float> xf(static_cast<size_t>(n));
        for (float & v : xf) v = val(rng);
        QCOMPARE(vec_dot_type(TensorType_Q4_0), TensorType_Q8_0);
        std::vector<block_q8_0> x(static_cast<size_t>(n_blocks));
        quantize_activations(TensorType_Q8_0, xf.data(), x.data(), n);

        std::vector<float> y(size_t(n_rows), NAN);
        const int rows_per_block = 4;
        simt::launch(dim3(unsigned((n_rows + rows_per_block - 1) / rows_per_block)), dim3(32 * rows_per_block), 0,
                     gemv_q4_0_q8_0, w.data(), x.data(), y.data(), n_rows, n_blocks);
        for (int r = 0; r < n_rows; ++r) {
            const float want = vec_dot(TensorType_Q4_0, n, &w[size_t(r) * size_t(n_blocks)], x.data());
            QVERIFY2(std::fabs(y[size_t(r)] - want) <= 1e-5f * (1.0f + std::fabs(want)),
                     qPrintable(QString("row %1: %2 vs %3").arg(r).arg(y[size_t(r)]).arg(want)));
        }
    }

    void halfConversionsMatchTheEngine() {
        std::mt19937 rng(11);
        for (int i = 0; i < 200000; ++i) {
            const uint32_t bits = rng();
            float f;
            std::memcpy(&f, &bits, 4);
            if (std::isnan(f)) continue;
            QCOMPARE(__float2half(f).x, f32_to_fp16(f));
            QCOMPARE(__float2bfloat16(f).x, f32_to_bf16(f));
        }
    }
};

QTEST_APPLESS_MAIN(TestSimtGemv)
#include "test_simt_gemv.moc"
