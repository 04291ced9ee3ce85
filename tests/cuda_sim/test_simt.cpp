// The SIMT emulator on small CUDA-style kernels, checked against plain loops.
#include <QTest>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "simt.h"

namespace {

// Butterfly sum: afterwards every lane holds its warp's total.
__global__ void warp_sum(const float * x, float * out) {
    const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
    float v = x[i];
    for (int m = 16; m > 0; m >>= 1) v += __shfl_xor_sync(0xffffffffu, v, m);
    out[i] = v;
}

// Per-warp partial sums with __shfl_down_sync, then shared memory and a barrier.
__global__ void block_sum(const float * x, int n, float * out) {
    __shared__ float partial[32];
    const int tid = int(threadIdx.x);
    float v = 0.0f;
    for (int i = int(blockIdx.x) * int(blockDim.x) + tid; i < n; i += int(blockDim.x * gridDim.x)) v += x[i];
    for (int d = 16; d > 0; d >>= 1) v += __shfl_down_sync(0xffffffffu, v, unsigned(d));
    if (tid % 32 == 0) partial[tid / 32] = v;
    __syncthreads();
    if (tid < 32) {
        v = tid < int(blockDim.x) / 32 ? partial[tid] : 0.0f;
        for (int d = 16; d > 0; d >>= 1) v += __shfl_down_sync(0xffffffffu, v, unsigned(d));
        if (tid == 0) out[blockIdx.x] = v;
    }
}

// int8 dot product, four values per __dp4a, accumulated with atomicAdd.
__global__ void dot_i8(const int32_t * a, const int32_t * b, int n_words, int * result) {
    int acc = 0;
    for (int i = int(blockIdx.x * blockDim.x + threadIdx.x); i < n_words; i += int(blockDim.x * gridDim.x))
        acc = __dp4a(a[i], b[i], acc);
    atomicAdd(result, acc);
}

__global__ void votes(const int * pred, unsigned * ballots, int * any, int * all) {
    const int i = int(threadIdx.x);
    const unsigned bal = __ballot_sync(0xffffffffu, pred[i]);
    const int an = __any_sync(0xffffffffu, pred[i]);
    const int al = __all_sync(0xffffffffu, pred[i]);
    if (i % 32 == 0) {
        ballots[i / 32] = bal;
        any[i / 32] = an;
        all[i / 32] = al;
    }
}

// Reverses each block's slice through dynamic shared memory.
__global__ void reverse_block(const int * in, int * out) {
    SIMT_EXTERN_SHARED(int, tile);
    const int t = int(threadIdx.x), base = int(blockIdx.x * blockDim.x);
    tile[t] = in[base + t];
    __syncthreads();
    out[base + t] = tile[int(blockDim.x) - 1 - t];
}

__global__ void indices(int * out) {
    const int bx = int(blockIdx.x + gridDim.x * blockIdx.y);
    const int tx = int(threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z));
    const int nt = int(blockDim.x * blockDim.y * blockDim.z);
    out[bx * nt + tx] = bx * 1000 + tx;
}

__global__ void shuffle_variants(int * out, int width) {
    const int t = int(threadIdx.x);
    out[t] = __shfl_sync(0xffffffffu, t * 10, 3, width);
    out[64 + t] = __shfl_up_sync(0xffffffffu, t, 1u, width);
}

}  // namespace

class TestSimt : public QObject {
    Q_OBJECT

private slots:
    void warpShuffleReduction() {
        std::vector<float> x(3 * 64), out(x.size());
        for (size_t i = 0; i < x.size(); ++i) x[i] = float(i % 37) - 7.0f;
        simt::launch(dim3(3), dim3(64), 0, warp_sum, x.data(), out.data());
        for (size_t w = 0; w < x.size() / 32; ++w) {
            float s = 0;
            for (size_t l = 0; l < 32; ++l) s += x[w * 32 + l];
            for (size_t l = 0; l < 32; ++l) QCOMPARE(out[w * 32 + l], s);
        }
    }

    void sharedMemoryBlockReduction() {
        const int n = 10007, blocks = 5, threads = 256;  // n is not a multiple of the grid
        std::vector<float> x(n), out(blocks);
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> dist(-1, 1);
        double want = 0;
        for (float & v : x) {
            v = dist(rng);
            want += v;
        }
        simt::launch(dim3(blocks), dim3(threads), 0, block_sum, x.data(), n, out.data());
        double got = 0;
        for (float v : out) got += v;
        QVERIFY2(std::fabs(got - want) < 1e-3, qPrintable(QString("%1 vs %2").arg(got).arg(want)));
        // Block 0's own partial, independently.
        double b0 = 0;
        for (int i = 0; i < n; i += blocks * threads)
            for (int j = i; j < std::min(n, i + threads); ++j) b0 += x[size_t(j)];
        QVERIFY(std::fabs(out[0] - b0) < 1e-3);
    }

    void dp4aDot() {
        const int n = 4 * 1001;
        std::vector<int8_t> a(n), b(n);
        std::mt19937 rng(3);
        int want = 0;
        for (int i = 0; i < n; ++i) {
            a[size_t(i)] = int8_t(int(rng() % 256) - 128);
            b[size_t(i)] = int8_t(int(rng() % 256) - 128);
            want += int(a[size_t(i)]) * int(b[size_t(i)]);
        }
        std::vector<int32_t> wa(n / 4), wb(n / 4);
        std::memcpy(wa.data(), a.data(), size_t(n));
        std::memcpy(wb.data(), b.data(), size_t(n));
        int result = 0;
        simt::launch(dim3(3), dim3(96), 0, dot_i8, wa.data(), wb.data(), n / 4, &result);
        QCOMPARE(result, want);
        QCOMPARE(__dp4a(int(0x80ff0102), int(0x7f010304), 5), 5 + 3 + 8 - 1 - 128 * 127);
    }

    void voteFunctions() {
        std::vector<int> pred(96, 0);
        for (int i = 1; i < 32; i += 2) pred[size_t(i)] = 1;  // warp 0: odd lanes
        for (int i = 32; i < 64; ++i) pred[size_t(i)] = 1;    // warp 1: all
        std::vector<unsigned> bal(3);
        std::vector<int> any(3), all(3);
        simt::launch(dim3(1), dim3(96), 0, votes, pred.data(), bal.data(), any.data(), all.data());
        QCOMPARE(bal[0], 0xaaaaaaaau);
        QCOMPARE(bal[1], 0xffffffffu);
        QCOMPARE(bal[2], 0u);
        QCOMPARE(any, (std::vector<int>{1, 1, 0}));
        QCOMPARE(all, (std::vector<int>{0, 1, 0}));
    }

    void dynamicSharedMemory() {
        std::vector<int> in(4 * 50), out(in.size());
        for (size_t i = 0; i < in.size(); ++i) in[i] = int(i * 3);
        simt::launch(dim3(4), dim3(50), 50 * sizeof(int), reverse_block, in.data(), out.data());
        for (int b = 0; b < 4; ++b)
            for (int t = 0; t < 50; ++t) QCOMPARE(out[size_t(b * 50 + t)], in[size_t(b * 50 + 49 - t)]);
    }

    void multiDimensionalIndices() {
        const dim3 grid(3, 2), block(4, 3, 2);
        std::vector<int> out(6 * 24, -1);
        simt::launch(grid, block, 0, indices, out.data());
        for (int bx = 0; bx < 6; ++bx)
            for (int t = 0; t < 24; ++t) QCOMPARE(out[size_t(bx * 24 + t)], bx * 1000 + t);
    }

    void shuffleWidths() {
        std::vector<int> out(128);
        simt::launch(dim3(1), dim3(64), 0, shuffle_variants, out.data(), 8);
        for (int t = 0; t < 64; ++t) {
            QCOMPARE(out[size_t(t)], (t - t % 8 + 3) * 10);
            QCOMPARE(out[size_t(64 + t)], t % 8 == 0 ? t : t - 1);
        }
    }

    void halfConversions() {
        QCOMPARE(__float2half(1.0f).x, uint16_t(0x3c00));
        QCOMPARE(__float2half(-2.0f).x, uint16_t(0xc000));
        QCOMPARE(__float2half(65504.0f).x, uint16_t(0x7bff));
        QCOMPARE(__float2half(70000.0f).x, uint16_t(0x7c00));
        QCOMPARE(__float2half(5.960464477539063e-08f).x, uint16_t(0x0001));  // 2^-24
        QCOMPARE(__float2half(1.0f + 1.0f / 2048).x, uint16_t(0x3c00));      // tie to even
        QCOMPARE(__float2half(1.0f + 3.0f / 2048).x, uint16_t(0x3c02));      // tie to even, up
        for (uint32_t h = 0; h < 0x7c00; ++h) {                              // every finite positive half round-trips
            const float f = __half2float(__half{uint16_t(h)});
            QCOMPARE(__float2half(f).x, uint16_t(h));
            QCOMPARE(__float2half(-f).x, uint16_t(h | 0x8000));
        }
        QCOMPARE(__float2bfloat16(1.0f).x, uint16_t(0x3f80));
        QCOMPARE(__bfloat162float(__float2bfloat16(3.140625f)), 3.140625f);
        QVERIFY(std::isnan(__bfloat162float(__float2bfloat16(NAN))));
    }

    void badLaunchThrows() {
        int out = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, simt::launch(dim3(1), dim3(2048), 0, indices, &out));
    }
};

QTEST_APPLESS_MAIN(TestSimt)
#include "test_simt.moc"
