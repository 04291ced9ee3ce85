// The SIMT emulator on small CUDA-style kernels, checked against plain loops,
// and its checks, each shown to catch a kernel that breaks its rule.
#include <QTest>
#include <algorithm>
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
    SIMT_SHARED(float, partial, 32);
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

// ---- deliberately broken kernels: each breaks one rule the emulator checks ----

// Counts the block's threads in a shared counter it never initialises.
__global__ void uninitialised_shared_count(int * out) {
    SIMT_SHARED(int, count, 1);
    atomicAdd(count, 1);
    __syncthreads();
    if (threadIdx.x == 0) out[blockIdx.x] = *count;
}

// Block 0 writes shared memory; every other block reads it without writing.
__global__ void shared_leaks_between_blocks(int * out) {
    SIMT_SHARED(int, v, 1);
    if (blockIdx.x == 0 && threadIdx.x == 0) *v = 42;
    __syncthreads();
    if (threadIdx.x == 0) out[blockIdx.x] = *v;
}

// Warps take different __syncthreads.
__global__ void divergent_barrier(int * out) {
    if (threadIdx.x < 32) {
        __syncthreads();
    } else {
        __syncthreads();
    }
    out[threadIdx.x] = 1;
}

// Thread 0 returns early; the others still meet one barrier: allowed.
__global__ void barrier_after_exit(int * out) {
    if (threadIdx.x == 0) return;
    out[threadIdx.x] = int(threadIdx.x);
    __syncthreads();
    out[threadIdx.x] += 1;
}

// Lane 5 exits before a full-mask shuffle: it reads an exited lane's value.
__global__ void shuffle_after_exit(float * out) {
    const int lane = int(threadIdx.x % 32);
    if (lane == 5) return;
    float v = float(lane);
    v += __shfl_xor_sync(0xffffffffu, v, 1);
    out[threadIdx.x] = v;
}

// Lanes of one warp at two different shuffles.
__global__ void split_shuffle(float * out) {
    float v = float(threadIdx.x);
    if (threadIdx.x % 32 < 16)
        v += __shfl_xor_sync(0xffffffffu, v, 1);
    else
        v += __shfl_xor_sync(0xffffffffu, v, 2);
    out[threadIdx.x] = v;
}

// Warp 0 shuffles with lanes that wait at a barrier: deadlock on hardware.
__global__ void shuffle_across_barrier(float * out) {
    float v = float(threadIdx.x);
    if (threadIdx.x < 16) v += __shfl_xor_sync(0xffffffffu, v, 1);
    __syncthreads();
    out[threadIdx.x] = v;
}

// A producer and a consumer in different warps with no barrier between them:
// correct only when thread 0 happens to run first.
__global__ void racy_handoff(int * out) {
    SIMT_SHARED(int, flag, 1);
    if (threadIdx.x == 0) *flag = 7;
    if (threadIdx.x == 32) out[blockIdx.x] = *flag;
}

// Static shared memory beyond the 48 KiB a block may have.
__global__ void too_much_static_shared(int * out) {
    SIMT_SHARED(int, big, 13 * 1024);
    big[threadIdx.x] = 1;
    out[0] = big[0];
}

__global__ void checked_alignment(const unsigned char * p, int * out) {
    simt::check(reinterpret_cast<uintptr_t>(p) % 4 == 0, "misaligned 4-byte load");
    int v;
    std::memcpy(&v, p, 4);
    out[threadIdx.x] = v;
}

template <class F>
QString violation_of(F && launch) {
    try {
        launch();
    } catch (const simt::Violation & v) {
        return QString::fromUtf8(v.what());
    }
    return QString();
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

    // ---- the emulator's checks, each on a kernel that breaks its rule ----

    void staticSharedIsPoisonedEachBlock() {
        std::vector<int> out(3, 0);
        simt::launch(dim3(3), dim3(64), 0, uninitialised_shared_count, out.data());
        for (int c : out) QCOMPARE(c, int(0xCDCDCDCD) + 64);  // not 64: the counter was never zeroed
        simt::launch(dim3(3), dim3(32), 0, shared_leaks_between_blocks, out.data());
        QCOMPARE(out[0], 42);
        QCOMPARE(out[1], int(0xCDCDCDCD));  // block 0's value does not survive into block 1
        QCOMPARE(out[2], int(0xCDCDCDCD));
    }

    void barriersMustMatch() {
        std::vector<int> out(64, 0);
        const QString v = violation_of([&] { simt::launch(dim3(1), dim3(64), 0, divergent_barrier, out.data()); });
        QVERIFY2(v.contains("different __syncthreads") && v.contains("test_simt.cpp:"), qPrintable(v));
        simt::launch(dim3(1), dim3(64), 0, barrier_after_exit, out.data());
        QCOMPARE(out[0], 0);
        QCOMPARE(out[63], 64);
    }

    void shuffleLanesMustBeLive() {
        std::vector<float> out(64, 0);
        QString v = violation_of([&] { simt::launch(dim3(1), dim3(64), 0, shuffle_after_exit, out.data()); });
        QVERIFY2(v.contains("names lane 5") && v.contains("exited"), qPrintable(v));
        // 48 threads: warp 1 has 16 lanes, and a full mask names 16 more.
        v = violation_of([&] { simt::launch(dim3(1), dim3(48), 0, warp_sum, out.data(), out.data()); });
        QVERIFY2(v.contains("not a multiple of 32"), qPrintable(v));
        v = violation_of([&] { simt::launch(dim3(1), dim3(32), 0, split_shuffle, out.data()); });
        QVERIFY2(v.contains("different collectives"), qPrintable(v));
        v = violation_of([&] { simt::launch(dim3(1), dim3(64), 0, shuffle_across_barrier, out.data()); });
        QVERIFY2(v.contains("__syncthreads"), qPrintable(v));
    }

    // Index order hides the race; shuffled orders expose it, reproducibly per seed.
    void shuffledOrderExposesRaces() {
        std::vector<int> out(16, 0);
        simt::set_seed(0);
        simt::launch(dim3(16), dim3(64), 0, racy_handoff, out.data());
        QVERIFY(std::all_of(out.begin(), out.end(), [](int v) { return v == 7; }));
        simt::set_seed(12345);
        simt::launch(dim3(16), dim3(64), 0, racy_handoff, out.data());
        const std::vector<int> first = out;
        QVERIFY(std::any_of(out.begin(), out.end(), [](int v) { return v != 7; }));
        simt::set_seed(12345);
        simt::launch(dim3(16), dim3(64), 0, racy_handoff, out.data());
        QCOMPARE(out, first);
        simt::set_seed(1);
    }

    void checksAndSharedLimits() {
        std::vector<unsigned char> bytes(16, 1);
        std::vector<int> out(32, 0);
        simt::launch(dim3(1), dim3(32), 0, checked_alignment, bytes.data() + 4, out.data());
        const QString v =
            violation_of([&] { simt::launch(dim3(1), dim3(32), 0, checked_alignment, bytes.data() + 2, out.data()); });
        QVERIFY2(v.startsWith("misaligned 4-byte load") && v.contains("thread"), qPrintable(v));
        QVERIFY(violation_of([&] {
                    simt::launch(dim3(1), dim3(32), 0, too_much_static_shared, out.data());
                }).contains("exceed the block's 49152-byte limit"));
    }

    // Shapes hardware refuses: grid y/z over 65535, dynamic shared memory
    // over 48 KiB without the kernel's opt-in.
    void launchLimits() {
        std::vector<int> in(64), out(64);
        QVERIFY_THROWS_EXCEPTION(simt::LaunchError, simt::launch(dim3(1, 65536), dim3(32), 0, indices, out.data()));
        QVERIFY_THROWS_EXCEPTION(simt::LaunchError, simt::launch(dim3(1, 1, 65536), dim3(32), 0, indices, out.data()));
        QVERIFY_THROWS_EXCEPTION(simt::LaunchError, simt::launch(dim3(1), dim3(32, 1, 65), 0, indices, out.data()));
        QVERIFY_THROWS_EXCEPTION(simt::LaunchError,
                                 simt::launch(dim3(1), dim3(64), 49 * 1024, reverse_block, in.data(), out.data()));
        QVERIFY(simt::set_max_dynamic_shared(simt::kernel_key(reverse_block), 64 * 1024));
        simt::launch(dim3(1), dim3(64), 49 * 1024, reverse_block, in.data(), out.data());
        QVERIFY(!simt::set_max_dynamic_shared(simt::kernel_key(reverse_block), 300 * 1024));
    }

    void badLaunchThrows() {
        int out = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, simt::launch(dim3(1), dim3(2048), 0, indices, &out));
    }
};

QTEST_APPLESS_MAIN(TestSimt)
#include "test_simt.moc"
