// bench_matmul: GEMV (1 token) and GEMM (64 tokens) throughput of the CPU
// matmul per weight type and ISA, on a random 4096 x 4096 matrix.
//
//   bench_matmul [-t threads] [-n n_in] [-m n_out] [-p tokens] [types...]
//   bench_matmul --stream [-t threads]
//   (HEARTH_CPU_ISA=scalar|avx2|avx512 limits the run to that ISA)
//
// --stream prints the read bandwidth of plain sequential loads over 1 GiB
// (far past every cache), split over the pool's threads as matmul splits
// rows: the ceiling a bandwidth-bound decode can approach with that many
// threads, and the denominator of docs/benchmarks.md's "share" columns.
//
// Prints ms per call, weight-read bandwidth (GB/s) and GFLOP/s (2 n_in n_out
// tokens / time), by wall clock and by process CPU time ("cpu" columns: on a
// loaded machine with -t 1 they still show what one core does), and for the
// fastest single call ("best" columns: the least disturbed by other
// processes, the figure to compare kernels by on a shared machine). Not a
// test: figures depend on the machine and its load.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "cpu/cpu_features.h"
#include "cpu/matmul.h"
#include "cpu/thread_pool.h"
#include "quant_reference.h"

using namespace hearth;

namespace {

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Timing {
    double wall = 0, cpu = 0;  // seconds per call, mean
    double best = 0;           // seconds per call, the fastest call (least disturbed by other processes)
};

Timing time_calls(const WeightView & w, const std::vector<float> & x, int64_t n_tokens, std::vector<float> & y,
                  std::vector<uint8_t> & scratch, ThreadPool & pool) {
    using clock = std::chrono::steady_clock;
    matmul(w, x.data(), n_tokens, y.data(), scratch.data(), pool);  // warm up
    int calls = 0;
    const double c0 = cpu_seconds();
    const auto t0 = clock::now();
    double elapsed = 0, best = 1e30;
    do {
        const auto c = clock::now();
        matmul(w, x.data(), n_tokens, y.data(), scratch.data(), pool);
        const auto e = clock::now();
        best = std::min(best, std::chrono::duration<double>(e - c).count());
        ++calls;
        elapsed = std::chrono::duration<double>(e - t0).count();
    } while (elapsed < 0.5 || calls < 3);
    return {elapsed / calls, (cpu_seconds() - c0) / calls, best};
}

// Sums 64-bit words so the loads cannot be dropped; four accumulators let the
// compiler vectorise without a carried dependency per load.
uint64_t sum_words(const uint64_t * p, int64_t n) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    for (int64_t i = 0; i + 4 <= n; i += 4) {
        a += p[i];
        b += p[i + 1];
        c += p[i + 2];
        d += p[i + 3];
    }
    return a + b + c + d;
}

// GB/s of reading a 1 GiB buffer once per pass, split into 4 KiB pages over the
// pool; the best of several passes (the least disturbed on a shared machine).
int stream_read(ThreadPool & pool) {
    constexpr int64_t kWords = int64_t(1) << 27;  // 1 GiB
    constexpr int64_t kPageWords = 512;
    std::vector<uint64_t> buf(static_cast<size_t>(kWords), 1);  // written once: every page is backed
    std::vector<uint64_t> sums(static_cast<size_t>(pool.size()) * 8, 0);
    double best = 1e30, total = 0;
    constexpr int kPasses = 6;
    for (int pass = 0; pass < kPasses; ++pass) {
        const auto t0 = std::chrono::steady_clock::now();
        pool.parallel_for(kWords / kPageWords, [&](int64_t p0, int64_t p1, int tid) {
            sums[size_t(tid) * 8] += sum_words(buf.data() + p0 * kPageWords, (p1 - p0) * kPageWords);
        });
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::min(best, s);
        total += s;
    }
    uint64_t check = 0;
    for (uint64_t v : sums) check += v;
    const double bytes = double(kWords) * 8.0;
    std::printf("stream read: 1 GiB, %d threads: best %.2f GB/s, mean %.2f GB/s (%s)\n", pool.size(),
                bytes / best / 1e9, bytes * kPasses / total / 1e9,
                check == uint64_t(kWords) * kPasses ? "checked" : "WRONG SUM");
    return check == uint64_t(kWords) * kPasses ? 0 : 1;
}

TensorType type_by_name(const std::string & s) {
    for (uint32_t t = 0; t < TensorType_COUNT; ++t) {
        const auto & info = tensor_type_info(t);
        if (info.name && s == info.name && info.can_compute) return static_cast<TensorType>(t);
    }
    std::fprintf(stderr, "bench_matmul: unknown or unsupported type '%s'\n", s.c_str());
    std::exit(2);
}

}  // namespace

int main(int argc, char ** argv) {
    int threads = 0;
    int64_t n_in = 4096, n_out = 4096, n_prefill = 64;
    std::vector<TensorType> types;
    bool stream = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--stream")
            stream = true;
        else if (a == "-t" && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (a == "-n" && i + 1 < argc)
            n_in = std::atoll(argv[++i]);
        else if (a == "-m" && i + 1 < argc)
            n_out = std::atoll(argv[++i]);
        else if (a == "-p" && i + 1 < argc)
            n_prefill = std::atoll(argv[++i]);
        else
            types.push_back(type_by_name(a));
    }
    if (stream) {
        ThreadPool pool(threads);
        return stream_read(pool);
    }
    if (types.empty())
        types = {TensorType_Q4_0, TensorType_Q4_K, TensorType_IQ4_XS, TensorType_Q8_0, TensorType_Q6_K, TensorType_F16};
    // A row must be whole blocks (a K type at n_in 896 wrote past its buffers).
    for (TensorType t : types)
        if (n_in <= 0 || n_in % tensor_type_info(t).block_elems != 0) {
            std::fprintf(stderr, "bench_matmul: n_in %lld is not a multiple of %s's %u-element block\n",
                         static_cast<long long>(n_in), tensor_type_info(t).name, tensor_type_info(t).block_elems);
            return 2;
        }

    ThreadPool pool(threads);
    std::printf("bench_matmul: %lld x %lld, %d threads, detected ISA %s\n", static_cast<long long>(n_out),
                static_cast<long long>(n_in), pool.size(), cpu_isa_name(cpu_isa_detected()));
    std::printf("%-7s %-7s | %8s %7s %8s %8s %8s | %9s %8s %8s %8s\n", "type", "isa", "gemv ms", "GB/s", "GFLOP/s",
                "cpu GF/s", "best GB/s", "gemm ms", "GFLOP/s", "cpu GF/s", "best GF/s");
    std::mt19937 rng(42);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(n_in * n_prefill));
    for (auto & v : x) v = normal(rng);
    std::vector<float> y(static_cast<size_t>(n_out * n_prefill));
    for (TensorType t : types) {
        std::vector<uint8_t> w;
        for (int64_t r = 0; r < n_out; ++r) {
            const std::vector<uint8_t> row = quant_ref::random_row(t, n_in, rng);
            w.insert(w.end(), row.begin(), row.end());
        }
        const WeightView view{t, w.data(), n_in, n_out};
        std::vector<uint8_t> scratch(matmul_scratch_bytes(t, n_in, n_prefill) + 1);
        // Every ISA the machine has, or only the one HEARTH_CPU_ISA names.
        const bool one_isa = std::getenv("HEARTH_CPU_ISA") != nullptr;
        const int isa_first = one_isa ? cpu_isa_active() : CpuIsa_scalar;
        const int isa_last = one_isa ? cpu_isa_active() : cpu_isa_detected();
        for (int isa = isa_first; isa <= isa_last; ++isa) {
            set_cpu_isa(static_cast<CpuIsa>(isa));
            const double flop = 2.0 * double(n_in) * double(n_out);
            const Timing s1 = time_calls(view, x, 1, y, scratch, pool);
            const Timing sp = time_calls(view, x, n_prefill, y, scratch, pool);
            const double fp = flop * double(n_prefill);
            std::printf("%-7s %-7s | %8.3f %7.2f %8.2f %8.2f %9.2f | %9.3f %8.2f %8.2f %9.2f\n",
                        tensor_type_info(t).name, cpu_isa_name(static_cast<CpuIsa>(isa)), s1.wall * 1e3,
                        double(w.size()) / s1.wall / 1e9, flop / s1.wall / 1e9, flop / s1.cpu / 1e9,
                        double(w.size()) / s1.best / 1e9, sp.wall * 1e3, fp / sp.wall / 1e9, fp / sp.cpu / 1e9,
                        fp / sp.best / 1e9);
            std::fflush(stdout);
        }
    }
    return 0;
}
