// The SIMT emulator's block scheduler (simt.h describes the model): fibers,
// sync points with their call sites, shared memory, launch limits.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "simt_fiber.h"

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

// Set by the scheduler before each fiber resumes.
inline thread_local dim3 threadIdx, blockIdx, blockDim, gridDim;
constexpr int warpSize = 32;

namespace simt {

// A launch that hardware would refuse (cudaErrorInvalidConfiguration).
struct LaunchError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};
// A kernel that broke a rule: a failed check(), mismatched sync points, a deadlock.
struct Violation : std::logic_error {
    using std::logic_error::logic_error;
};

constexpr size_t kFiberStack = 256 * 1024;
constexpr size_t kDefaultSharedLimit = 48 * 1024;  // per block, without the opt-in
constexpr size_t kMaxSharedOptIn = 227 * 1024;     // sm_90's largest opt-in
constexpr unsigned char kSharedPoison = 0xCD;

enum class WarpOp : uint8_t { shuffle, ballot, sync };
enum class Wait : uint8_t { run, barrier, warp, done };

struct ThreadState {
    Wait wait = Wait::run;
    WarpOp op = WarpOp::sync;
    const char * file = nullptr;  // the sync point's call site
    int line = 0;
    unsigned mask = 0;
    int src_lane = 0;
    uint64_t value = 0;   // published for the collective
    uint64_t result = 0;  // read back after it
};

struct Block {
    int n_threads = 0;
    std::vector<fiber::Context> contexts;
    char ** stacks = nullptr;  // borrowed from the thread's stack pool
    std::vector<ThreadState> st;
    std::vector<int> order;
    fiber::Context scheduler;
    const std::function<void()> * body = nullptr;
    int current = 0;
    std::string failure;  // set by fail(): the launch throws it
    // Shared memory: [dynamic][static arrays], limit bytes in all.
    std::vector<unsigned char> shared;
    size_t dynamic_bytes = 0;
    size_t static_end = 0;  // end of the static arrays so far
    size_t limit = kDefaultSharedLimit;
    std::vector<std::pair<const void *, size_t>> static_slots;  // call site -> offset
};

inline thread_local Block * g_block = nullptr;

// ---- configuration ------------------------------------------------------------

struct Config {
    uint64_t seed = 1;  // 0: threads resume in index order
    uint64_t rng = 0;
    std::vector<std::pair<const void *, size_t>> opt_in;  // kernel -> max dynamic shared bytes
};

inline Config & config() {
    static thread_local Config c = [] {
        Config k;
        if (const char * s = std::getenv("SIMT_SEED")) k.seed = std::strtoull(s, nullptr, 10);
        k.rng = k.seed;
        return k;
    }();
    return c;
}

// Reseeds the schedule; seed 0 resumes threads in index order.
inline void set_seed(uint64_t seed) {
    config().seed = seed;
    config().rng = seed;
}

inline uint64_t next_random() {  // xorshift64*
    uint64_t & x = config().rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    return x * 0x2545F4914F6CDD1Dull;
}

template <class Kernel>
const void * kernel_key(Kernel k) {
    if constexpr (std::is_pointer_v<Kernel> && std::is_function_v<std::remove_pointer_t<Kernel>>)
        return reinterpret_cast<const void *>(k);
    else
        return nullptr;
}

// cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes).
inline bool set_max_dynamic_shared(const void * key, size_t bytes) {
    if (key == nullptr || bytes > kMaxSharedOptIn) return false;
    for (auto & e : config().opt_in)
        if (e.first == key) {
            e.second = bytes;
            return true;
        }
    config().opt_in.emplace_back(key, bytes);
    return true;
}

inline size_t shared_limit(const void * key) {
    for (const auto & e : config().opt_in)
        if (e.first == key) return std::max(kDefaultSharedLimit, e.second);
    return kDefaultSharedLimit;
}

// ---- inside a kernel -----------------------------------------------------------

inline int thread_rank() {
    return g_block->current;
}
inline int lane_id() {
    return g_block->current % warpSize;
}

inline std::string site(const char * file, int line) {
    const char * slash = file ? std::strrchr(file, '/') : nullptr;
    return std::string(slash ? slash + 1 : (file ? file : "?")) + ":" + std::to_string(line);
}

inline std::string where() {
    return "block (" + std::to_string(blockIdx.x) + "," + std::to_string(blockIdx.y) + "," +
           std::to_string(blockIdx.z) + ") thread " + std::to_string(g_block->current);
}

// Ends the current fiber's turn: back to the scheduler until it is released.
inline void yield() {
    Block & b = *g_block;
    fiber::swap(b.contexts[size_t(b.current)], b.scheduler);
}

// A broken rule: this fiber never runs again, and the launch throws.
[[noreturn]] inline void fail(const std::string & what) {
    Block & b = *g_block;
    if (b.failure.empty()) b.failure = what + " (" + where() + ")";
    b.st[size_t(b.current)].wait = Wait::done;
    yield();
    std::abort();  // never resumed
}

inline void check(bool ok, const char * what) {
    if (!ok) fail(what);
}

inline void barrier(const char * file, int line) {
    ThreadState & s = g_block->st[size_t(g_block->current)];
    s.wait = Wait::barrier;
    s.file = file;
    s.line = line;
    yield();
}

inline uint64_t warp_collective(WarpOp op, unsigned mask, uint64_t value, int src_lane, const char * file, int line) {
    ThreadState & s = g_block->st[size_t(g_block->current)];
    s.wait = Wait::warp;
    s.op = op;
    s.mask = mask;
    s.value = value;
    s.src_lane = src_lane;
    s.file = file;
    s.line = line;
    yield();
    return g_block->st[size_t(g_block->current)].result;
}

inline void * dynamic_shared() {
    return g_block->shared.data();
}

// The static array of one call site: placed after the dynamic buffer at its
// first use in the launch, the same for every block and thread.
template <class T>
T * static_shared(size_t count, const void * key) {
    Block & b = *g_block;
    for (const auto & s : b.static_slots)
        if (s.first == key) return reinterpret_cast<T *>(b.shared.data() + s.second);
    const size_t align = alignof(T) > 16 ? alignof(T) : 16;
    const size_t off = (b.static_end + align - 1) / align * align;
    const size_t end = off + count * sizeof(T);
    if (end > b.limit)
        fail("shared memory: " + std::to_string(end) + " bytes (dynamic " + std::to_string(b.dynamic_bytes) +
             " plus static arrays) exceed the block's " + std::to_string(b.limit) + "-byte limit");
    std::memset(b.shared.data() + off, kSharedPoison, end - off);
    b.static_slots.emplace_back(key, off);
    b.static_end = end;
    return reinterpret_cast<T *>(b.shared.data() + off);
}

// ---- the scheduler ---------------------------------------------------------------

// Fiber stacks are reused across launches: allocating (and faulting in) 256 KiB
// per thread on every launch made emulated forward passes spend most of their
// time in the kernel. A launch borrows [g_stacks_used, +n) and gives them back
// on return, so a launch from inside a kernel (host code under test) still
// gets stacks of its own.
inline thread_local std::vector<std::unique_ptr<char[]>> g_stack_pool;
inline thread_local std::vector<char *> g_stack_ptrs;
inline thread_local size_t g_stacks_used = 0;

inline char ** borrow_stacks(size_t n) {
    while (g_stack_pool.size() < g_stacks_used + n) {
        g_stack_pool.emplace_back(new char[kFiberStack]);
        g_stack_ptrs.push_back(g_stack_pool.back().get());
    }
    char ** out = g_stack_ptrs.data() + g_stacks_used;
    g_stacks_used += n;
    return out;
}

// A fiber runs the kernel body once, then hands control back for good.
inline void fiber_entry(void *) {
    Block & b = *g_block;
    (*b.body)();
    b.st[size_t(b.current)].wait = Wait::done;
    yield();
    std::abort();  // never resumed
}

inline void set_thread_index(int t) {
    threadIdx.x = unsigned(t) % blockDim.x;
    threadIdx.y = unsigned(t) / blockDim.x % blockDim.y;
    threadIdx.z = unsigned(t) / (blockDim.x * blockDim.y);
}

inline const char * op_name(WarpOp op) {
    return op == WarpOp::shuffle ? "shuffle" : op == WarpOp::ballot ? "vote" : "__syncwarp";
}

[[noreturn]] inline void block_failure(const std::string & what) {
    throw Violation(what + " (block (" + std::to_string(blockIdx.x) + "," + std::to_string(blockIdx.y) + "," +
                    std::to_string(blockIdx.z) + "))");
}

// Releases the lanes of every warp collective whose named lanes have all
// arrived at it. Returns whether any did.
inline bool resolve_warps(Block & b) {
    bool progress = false;
    const int n = b.n_threads;
    for (int t = 0; t < n; ++t) {
        const ThreadState & s = b.st[size_t(t)];
        if (s.wait != Wait::warp) continue;
        const int base = t - t % warpSize;
        const auto here = [&s] { return std::string(op_name(s.op)) + " at " + site(s.file, s.line); };
        if (!(s.mask >> (t - base) & 1u))
            block_failure("thread " + std::to_string(t) + " is not in the mask of its " + here());
        bool ready = true;
        for (int l = 0; l < warpSize; ++l) {
            if (!(s.mask >> l & 1u)) continue;
            const int u = base + l;
            if (u >= n)
                block_failure("the " + here() + " names lane " + std::to_string(l) + " of a warp that ends at lane " +
                              std::to_string(n - 1 - base) + " (a block of " + std::to_string(n) +
                              " threads, not a multiple of 32)");
            const ThreadState & o = b.st[size_t(u)];
            if (o.wait == Wait::done)
                block_failure("the " + here() + " names lane " + std::to_string(l) + " (thread " + std::to_string(u) +
                              "), which has exited");
            if (o.wait == Wait::barrier)
                block_failure("thread " + std::to_string(u) + " waits at __syncthreads at " + site(o.file, o.line) +
                              " while thread " + std::to_string(t) + " waits for it at the " + here());
            if (o.wait != Wait::warp) {
                ready = false;  // released earlier in this pass: it runs first
                continue;
            }
            if (o.op != s.op || o.file != s.file || o.line != s.line || o.mask != s.mask)
                block_failure("lanes of one warp at different collectives: thread " + std::to_string(t) + " at the " +
                              here() + " (mask " + std::to_string(s.mask) + "), thread " + std::to_string(u) + " at " +
                              op_name(o.op) + " at " + site(o.file, o.line) + " (mask " + std::to_string(o.mask) + ")");
        }
        if (!ready) continue;
        // Every named lane is here: exchange and release them together.
        uint64_t votes = 0;
        for (int l = 0; l < warpSize; ++l)
            if (s.mask >> l & 1u && b.st[size_t(base + l)].value) votes |= 1ull << l;
        for (int l = 0; l < warpSize; ++l) {
            if (!(s.mask >> l & 1u)) continue;
            ThreadState & o = b.st[size_t(base + l)];
            if (o.op == WarpOp::shuffle) {
                if (!(s.mask >> o.src_lane & 1u))
                    block_failure("thread " + std::to_string(base + l) + " reads lane " + std::to_string(o.src_lane) +
                                  ", outside the mask of the " + here());
                o.result = b.st[size_t(base + o.src_lane)].value;
            } else {
                o.result = votes;
            }
        }
        for (int l = 0; l < warpSize; ++l)
            if (s.mask >> l & 1u) b.st[size_t(base + l)].wait = Wait::run;
        progress = true;
    }
    return progress;
}

// Releases the block's barrier when every live thread waits at it.
inline bool resolve_barrier(Block & b) {
    int live = 0, waiting = 0, first = -1;
    for (int t = 0; t < b.n_threads; ++t) {
        const ThreadState & s = b.st[size_t(t)];
        if (s.wait == Wait::done) continue;
        ++live;
        if (s.wait != Wait::barrier) continue;
        ++waiting;
        if (first < 0) first = t;
        const ThreadState & f = b.st[size_t(first)];
        if (s.file != f.file || s.line != f.line)
            block_failure("threads of one block at different __syncthreads: thread " + std::to_string(first) + " at " +
                          site(f.file, f.line) + ", thread " + std::to_string(t) + " at " + site(s.file, s.line));
    }
    if (waiting == 0 || waiting < live) return false;
    for (ThreadState & s : b.st)
        if (s.wait == Wait::barrier) s.wait = Wait::run;
    return true;
}

[[noreturn]] inline void deadlock(const Block & b) {
    std::string what = "deadlock: no sync point can complete;";
    int shown = 0;
    for (int t = 0; t < b.n_threads && shown < 4; ++t) {
        const ThreadState & s = b.st[size_t(t)];
        if (s.wait == Wait::done) continue;
        what += " thread " + std::to_string(t) + " at " +
                (s.wait == Wait::barrier ? std::string("__syncthreads") : std::string(op_name(s.op))) + " " +
                site(s.file, s.line) + ";";
        ++shown;
    }
    block_failure(what);
}

inline void run_block(Block & b) {
    const int n = b.n_threads;
    for (int t = 0; t < n; ++t) {
        fiber::start(b.contexts[size_t(t)], b.stacks[t], kFiberStack, &fiber_entry, nullptr);
        b.st[size_t(t)] = ThreadState{};
    }
    std::memset(b.shared.data(), kSharedPoison, b.static_end);  // CUDA leaves shared memory uninitialised
    const bool shuffled = config().seed != 0;
    for (;;) {
        b.order.clear();
        for (int t = 0; t < n; ++t)
            if (b.st[size_t(t)].wait == Wait::run) b.order.push_back(t);
        if (shuffled)
            for (size_t i = b.order.size(); i > 1; --i)
                std::swap(b.order[i - 1], b.order[size_t(((next_random() >> 32) * i) >> 32)]);
        for (const int t : b.order) {
            b.current = t;
            set_thread_index(t);
            fiber::swap(b.scheduler, b.contexts[size_t(t)]);
            if (!b.failure.empty()) throw Violation(b.failure);
        }
        bool live = false;
        for (const ThreadState & s : b.st) live = live || s.wait != Wait::done;
        if (!live) return;
        const bool warps = resolve_warps(b);
        const bool barrier = resolve_barrier(b);
        if (!warps && !barrier) deadlock(b);
    }
}

// Hardware limits a launch must meet (compute capability 7.0 and later).
inline void validate_launch(dim3 grid, dim3 block, size_t shared_bytes, const void * key) {
    const uint64_t n = uint64_t(block.x) * block.y * block.z;
    auto reject = [](const std::string & why) { throw LaunchError("simt::launch: " + why); };
    if (n == 0 || grid.x == 0 || grid.y == 0 || grid.z == 0) reject("an empty grid or block");
    if (n > 1024 || block.x > 1024 || block.y > 1024 || block.z > 64)
        reject("more than 1024 threads per block, or a block dimension over its limit");
    if (grid.x > 0x7fffffffu || grid.y > 65535 || grid.z > 65535)
        reject("grid " + std::to_string(grid.x) + "x" + std::to_string(grid.y) + "x" + std::to_string(grid.z) +
               ": y and z are limited to 65535");
    if (shared_bytes > shared_limit(key))
        reject(std::to_string(shared_bytes) + " bytes of dynamic shared memory exceed " +
               std::to_string(shared_limit(key)) + " (over 48 KiB needs cudaFuncSetAttribute's opt-in)");
}

inline void run_grid(dim3 grid, dim3 block, size_t shared_bytes, const void * key, const std::function<void()> & body) {
    const size_t n = size_t(block.x) * block.y * block.z;
    Block b;
    b.n_threads = int(n);
    b.contexts.resize(n);
    b.st.resize(n);
    b.stacks = borrow_stacks(n);
    struct GiveBack {
        size_t n;
        dim3 grid, block;
        Block * outer;
        ~GiveBack() {
            g_stacks_used -= n;
            g_block = outer;
            gridDim = grid;  // a launch from host code inside a kernel
            blockDim = block;
        }
    } give_back{n, gridDim, blockDim, g_block};
    b.limit = shared_limit(key);
    b.shared.resize(b.limit);
    b.dynamic_bytes = shared_bytes;
    b.static_end = (shared_bytes + 15) / 16 * 16;
    b.body = &body;
    g_block = &b;
    gridDim = grid;
    blockDim = block;
    for (unsigned z = 0; z < grid.z; ++z)
        for (unsigned y = 0; y < grid.y; ++y)
            for (unsigned x = 0; x < grid.x; ++x) {
                blockIdx = dim3(x, y, z);
                run_block(b);
            }
}

}  // namespace simt
