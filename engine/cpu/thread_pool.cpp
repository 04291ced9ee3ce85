// Persistent worker pool.
//
// One job at a time: the caller publishes the job and bumps `generation`;
// workers spin on it for a short while (decode issues thousands of small
// matmuls per second, and a futex wake costs more than the work), then sleep
// on the condition variable. Work is claimed in chunks from an atomic cursor,
// so uneven chunks balance out; the caller works too and then waits for the
// workers to check in. Nothing is allocated per call.
#include "cpu/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define HEARTH_CPU_RELAX() _mm_pause()
#else
#define HEARTH_CPU_RELAX() std::this_thread::yield()
#endif

namespace hearth {

namespace {

constexpr int kSpinIterations = 1 << 13;

// Pause, but hand the core over now and then: when the machine is
// oversubscribed, a spinning thread must not starve the one it waits for.
inline void spin_pause(int i) {
    if ((i & 63) == 63)
        std::this_thread::yield();
    else
        HEARTH_CPU_RELAX();
}

// Physical cores: SMT siblings share the vector units, so matmul gains
// nothing from them. Falls back to the logical count off Linux.
int physical_cores() {
    std::ifstream in("/proc/cpuinfo");
    std::set<std::pair<int, int>> cores;
    int phys = 0;
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        if (line.rfind("physical id", 0) == 0) phys = std::atoi(line.c_str() + colon + 1);
        if (line.rfind("core id", 0) == 0) cores.emplace(phys, std::atoi(line.c_str() + colon + 1));
    }
    const int logical = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (cores.empty()) return logical;
    return std::min(logical, static_cast<int>(cores.size()));
}

}  // namespace

struct ThreadPool::Impl {
    int n_threads = 1;
    std::vector<std::thread> workers;

    std::mutex mutex;
    std::condition_variable wake;
    std::atomic<uint64_t> generation{0};
    std::atomic<int> n_done{0};
    bool stop = false;

    // The current job, valid while a parallel_for runs.
    const std::function<void(int64_t, int64_t, int)> * fn = nullptr;
    int64_t n = 0;
    int64_t chunk = 1;
    std::atomic<int64_t> cursor{0};

    void run_chunks(int thread_index) {
        for (;;) {
            const int64_t begin = cursor.fetch_add(chunk, std::memory_order_relaxed);
            if (begin >= n) return;
            (*fn)(begin, std::min(n, begin + chunk), thread_index);
        }
    }

    void worker_loop(int thread_index) {
        uint64_t seen = 0;
        for (;;) {
            uint64_t g = generation.load(std::memory_order_acquire);
            for (int i = 0; g == seen && i < kSpinIterations; ++i) {
                spin_pause(i);
                g = generation.load(std::memory_order_acquire);
            }
            if (g == seen) {
                std::unique_lock<std::mutex> lock(mutex);
                wake.wait(lock, [&] { return stop || generation.load(std::memory_order_acquire) != seen; });
                if (stop) return;
                g = generation.load(std::memory_order_acquire);
            }
            seen = g;
            run_chunks(thread_index);
            n_done.fetch_add(1, std::memory_order_acq_rel);
        }
    }
};

ThreadPool::ThreadPool(int n_threads) : m_impl(new Impl) {
    m_impl->n_threads = n_threads > 0 ? n_threads : physical_cores();
    m_impl->workers.reserve(static_cast<size_t>(m_impl->n_threads - 1));
    for (int i = 1; i < m_impl->n_threads; ++i) m_impl->workers.emplace_back([this, i] { m_impl->worker_loop(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(m_impl->mutex);
        m_impl->stop = true;
    }
    m_impl->wake.notify_all();
    for (auto & t : m_impl->workers) t.join();
    delete m_impl;
}

int ThreadPool::size() const {
    return m_impl->n_threads;
}

void ThreadPool::parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)> & fn) {
    if (n <= 0) return;
    Impl & p = *m_impl;
    if (p.n_threads == 1 || n == 1) {
        fn(0, n, 0);
        return;
    }
    // About four chunks per thread: enough to even out, few enough to stay cheap.
    p.fn = &fn;
    p.n = n;
    p.chunk = std::max<int64_t>(1, (n + 4 * p.n_threads - 1) / (4 * p.n_threads));
    p.cursor.store(0, std::memory_order_relaxed);
    p.n_done.store(0, std::memory_order_relaxed);
    {
        std::lock_guard<std::mutex> lock(p.mutex);
        p.generation.fetch_add(1, std::memory_order_acq_rel);
    }
    p.wake.notify_all();
    p.run_chunks(0);
    const int n_workers = p.n_threads - 1;
    for (int i = 0; p.n_done.load(std::memory_order_acquire) < n_workers; ++i) {
        if (i < kSpinIterations)
            spin_pause(i);
        else
            std::this_thread::yield();
    }
    p.fn = nullptr;
}

}  // namespace hearth
