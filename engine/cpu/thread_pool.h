// A persistent pool of worker threads for the CPU backend.
//
// parallel_for splits [0, n) into chunks and runs them on every thread,
// including the caller; it returns when all are done. Workers spin briefly and
// then sleep, so decode (many small calls) pays no thread-start cost.
#pragma once

#include <cstdint>
#include <functional>

namespace hearth {

class ThreadPool {
public:
    explicit ThreadPool(int n_threads);  // n_threads <= 0: one per physical core
    ~ThreadPool();
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool & operator=(const ThreadPool &) = delete;

    int size() const;
    // fn(begin, end, thread_index) over a partition of [0, n), in chunks
    // claimed dynamically; thread_index is in [0, size()), 0 being the caller,
    // and stable within a call (index per-thread scratch with it). One caller
    // at a time, and never from inside fn: the pool runs a single job.
    void parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)> & fn);

private:
    struct Impl;
    Impl * m_impl;
};

}  // namespace hearth
