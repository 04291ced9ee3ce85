// SIMT emulation: runs CUDA-style kernel source as plain host C++ (g++), so
// every kernel can be checked on a machine without a GPU.
//
// Model: a launch runs the grid block by block on the calling thread. Each
// block's threads are cooperative fibers (simt_fiber.h), scheduled round-robin in
// lockstep: every synchronisation point (__syncthreads, __syncwarp, a shuffle,
// a vote) ends the fiber's turn, and a round ends when every live fiber has
// reached its next one. So all threads of a block must pass the same sequence
// of sync points, as CUDA requires for __syncthreads and full-mask shuffles;
// a thread that has returned simply drops out of later rounds.
//
// Shuffles and votes exchange values through two per-block slot arrays used
// alternately: a fiber writes slot[k % 2][tid] at its k-th exchange, yields,
// and reads its source lane's slot on resumption. Lockstep keeps any fiber from
// reaching exchange k + 2 (which would overwrite slot[k % 2]) before all have
// read exchange k.
//
// `__shared__` becomes `static thread_local`: one copy per OS thread, reused by
// the blocks in turn (CUDA leaves shared memory uninitialised, so kernels
// cannot tell). Dynamic shared memory is SIMT_EXTERN_SHARED(type, name).
// Atomics are plain read-modify-writes: only one fiber runs at a time.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "simt_fiber.h"

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static thread_local
#define __restrict__ __restrict
// CUDA spelling: extern __shared__ T name[]; here: the launch's dynamic buffer.
#define SIMT_EXTERN_SHARED(type, name) type * name = reinterpret_cast<type *>(::simt::dynamic_shared())

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

// Set by the scheduler before each fiber resumes.
inline thread_local dim3 threadIdx, blockIdx, blockDim, gridDim;
constexpr int warpSize = 32;

namespace simt {

constexpr size_t kFiberStack = 256 * 1024;

struct Block {
    int n_threads = 0;
    std::vector<fiber::Context> contexts;
    char ** stacks = nullptr;  // borrowed from the thread's stack pool
    std::vector<bool> done;
    std::vector<uint32_t> n_exchanges;  // per thread
    std::vector<uint64_t> xchg[2];      // [parity][thread]
    std::vector<unsigned char> dynamic_shared;
    fiber::Context scheduler;
    const std::function<void()> * body = nullptr;
    int current = 0;
};

inline thread_local Block * g_block = nullptr;

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

inline void * dynamic_shared() {
    return g_block->dynamic_shared.data();
}

// Ends the current fiber's turn: back to the scheduler until the next round.
inline void yield() {
    Block & b = *g_block;
    fiber::swap(b.contexts[size_t(b.current)], b.scheduler);
}

inline int thread_rank() {
    return g_block->current;
}
inline int lane_id() {
    return g_block->current % warpSize;
}

// A fiber runs the kernel body once, then hands control back for good.
inline void fiber_entry(void *) {
    Block & b = *g_block;
    (*b.body)();
    b.done[size_t(b.current)] = true;
    fiber::swap(b.contexts[size_t(b.current)], b.scheduler);
}

inline void set_thread_index(int t) {
    threadIdx.x = unsigned(t) % blockDim.x;
    threadIdx.y = unsigned(t) / blockDim.x % blockDim.y;
    threadIdx.z = unsigned(t) / (blockDim.x * blockDim.y);
}

inline void run_block(Block & b) {
    const int n = b.n_threads;
    for (int t = 0; t < n; ++t) {
        fiber::start(b.contexts[size_t(t)], b.stacks[t], kFiberStack, &fiber_entry, nullptr);
        b.done[size_t(t)] = false;
        b.n_exchanges[size_t(t)] = 0;
    }
    for (bool any = true; any;) {
        any = false;
        for (int t = 0; t < n; ++t) {
            if (b.done[size_t(t)]) continue;
            b.current = t;
            set_thread_index(t);
            fiber::swap(b.scheduler, b.contexts[size_t(t)]);
            any = any || !b.done[size_t(t)];
        }
    }
}

// Runs kernel(args...) over the grid. Bad launch shapes throw (host side).
template <class Kernel, class... Args>
void launch(dim3 grid, dim3 block, size_t shared_bytes, Kernel kernel, Args... args) {
    const uint64_t n = uint64_t(block.x) * block.y * block.z;
    if (n == 0 || n > 1024 || grid.x == 0 || grid.y == 0 || grid.z == 0)
        throw std::invalid_argument("simt::launch: bad grid or block shape");
    Block b;
    b.n_threads = int(n);
    b.contexts.resize(n);
    b.done.resize(n);
    b.n_exchanges.resize(n);
    b.xchg[0].resize(n);
    b.xchg[1].resize(n);
    b.stacks = borrow_stacks(n);
    struct GiveBack {
        size_t n;
        ~GiveBack() { g_stacks_used -= n; }
    } give_back{n};
    b.dynamic_shared.resize(shared_bytes);
    const std::function<void()> body = [&] { kernel(args...); };
    b.body = &body;
    Block * const outer = g_block;
    g_block = &b;
    gridDim = grid;
    blockDim = block;
    for (unsigned z = 0; z < grid.z; ++z)
        for (unsigned y = 0; y < grid.y; ++y)
            for (unsigned x = 0; x < grid.x; ++x) {
                blockIdx = dim3(x, y, z);
                std::memset(b.dynamic_shared.data(), 0xCD, shared_bytes);  // uninitialised in CUDA
                run_block(b);
            }
    g_block = outer;
}

// Publishes `bits` for this thread's warp and yields; returns the slot array
// of this exchange, to be read after the round.
inline const uint64_t * exchange(uint64_t bits) {
    Block & b = *g_block;
    const int t = b.current;
    std::vector<uint64_t> & xchg = b.xchg[b.n_exchanges[size_t(t)]++ & 1];
    xchg[size_t(t)] = bits;
    yield();
    return xchg.data();
}

template <class T>
T shuffle_from(T v, int src_lane) {
    static_assert(sizeof(T) <= 8, "shuffles move at most 8 bytes");
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    const uint64_t * xchg = exchange(bits);
    const int t = g_block->current;
    const int src = t - lane_id() + src_lane;
    if (src_lane >= 0 && src_lane < warpSize && src < g_block->n_threads)
        std::memcpy(&v, &xchg[size_t(src)], sizeof(T));
    return v;
}

// Ballot over the warp of `pred`, restricted to `mask`.
inline unsigned ballot(unsigned mask, bool pred) {
    const uint64_t * xchg = exchange(pred ? 1 : 0);
    const int base = g_block->current - lane_id();
    unsigned bits = 0;
    for (int l = 0; l < warpSize && base + l < g_block->n_threads; ++l)
        if (xchg[size_t(base + l)]) bits |= 1u << l;
    return bits & mask;
}

}  // namespace simt

inline void __syncthreads() {
    simt::yield();
}
inline void __syncwarp(unsigned = 0xffffffffu) {
    simt::yield();
}

template <class T>
T __shfl_sync(unsigned, T v, int src_lane, int width = warpSize) {
    const int lane = simt::lane_id();
    return simt::shuffle_from(v, lane - lane % width + src_lane % width);
}

template <class T>
T __shfl_xor_sync(unsigned, T v, int lane_mask, int width = warpSize) {
    const int lane = simt::lane_id();
    const int src = lane ^ lane_mask;
    return simt::shuffle_from(v, src / width == lane / width ? src : lane);
}

template <class T>
T __shfl_down_sync(unsigned, T v, unsigned delta, int width = warpSize) {
    const int lane = simt::lane_id();
    const int src = lane + int(delta);
    return simt::shuffle_from(v, src / width == lane / width ? src : lane);
}

template <class T>
T __shfl_up_sync(unsigned, T v, unsigned delta, int width = warpSize) {
    const int lane = simt::lane_id();
    const int src = lane - int(delta);
    return simt::shuffle_from(v, src >= 0 && src / width == lane / width ? src : lane);
}

inline unsigned __ballot_sync(unsigned mask, int pred) {
    return simt::ballot(mask, pred != 0);
}
inline int __any_sync(unsigned mask, int pred) {
    return simt::ballot(mask, pred != 0) != 0;
}
inline int __all_sync(unsigned mask, int pred) {
    return simt::ballot(mask, pred != 0) == mask;
}
inline unsigned __activemask() {
    return 0xffffffffu;
}

// Atomics return the old value, as CUDA's do.
template <class T>
T atomicAdd(T * p, T v) {
    const T old = *p;
    *p = old + v;
    return old;
}
template <class T>
T atomicMax(T * p, T v) {
    const T old = *p;
    if (v > old) *p = v;
    return old;
}
template <class T>
T atomicMin(T * p, T v) {
    const T old = *p;
    if (v < old) *p = v;
    return old;
}
template <class T>
T atomicExch(T * p, T v) {
    const T old = *p;
    *p = v;
    return old;
}
template <class T>
T atomicCAS(T * p, T expected, T v) {
    const T old = *p;
    if (old == expected) *p = v;
    return old;
}

// Four signed 8-bit products of a and b, summed into c.
inline int __dp4a(int a, int b, int c) {
    for (int i = 0; i < 4; ++i) c += int(int8_t(uint32_t(a) >> (8 * i))) * int(int8_t(uint32_t(b) >> (8 * i)));
    return c;
}
inline unsigned __dp4a(unsigned a, unsigned b, unsigned c) {
    for (int i = 0; i < 4; ++i) c += ((a >> (8 * i)) & 0xff) * ((b >> (8 * i)) & 0xff);
    return c;
}

// IEEE binary16 and bfloat16, stored as their bits.
struct __half {
    uint16_t x;
};
struct __nv_bfloat16 {
    uint16_t x;
};

inline __half __float2half(float f) {  // round to nearest even
    uint32_t u;
    std::memcpy(&u, &f, 4);
    const uint32_t sign = (u >> 16) & 0x8000u;
    const uint32_t abs = u & 0x7fffffffu;
    if (abs > 0x7f800000u) return {uint16_t(sign | 0x7e00u)};   // NaN
    if (abs >= 0x477ff000u) return {uint16_t(sign | 0x7c00u)};  // rounds past 65504: inf
    if (abs < 0x38800000u) {                                    // subnormal half (or zero)
        float a;
        std::memcpy(&a, &abs, 4);
        // Adding 0.5 makes the FPU round the 2^-24 quanta to nearest even.
        const float r = a + 0.5f;
        uint32_t rb;
        std::memcpy(&rb, &r, 4);
        return {uint16_t(sign | (rb - 0x3f000000u))};
    }
    const uint32_t odd = (abs >> 13) & 1u;
    const uint32_t h = (abs - 0x38000000u + 0xfffu + odd) >> 13;
    return {uint16_t(sign | h)};
}

inline float __half2float(__half h) {
    const uint32_t sign = uint32_t(h.x & 0x8000u) << 16;
    const uint32_t e = (h.x >> 10) & 0x1fu, m = h.x & 0x3ffu;
    uint32_t u;
    if (e == 0x1f) {
        u = sign | 0x7f800000u | (m << 13);
    } else if (e != 0) {
        u = sign | ((e + 112) << 23) | (m << 13);
    } else {
        const float f = float(m) * (1.0f / 16777216.0f);  // m * 2^-24, exact
        std::memcpy(&u, &f, 4);
        u |= sign;
    }
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

inline __nv_bfloat16 __float2bfloat16(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return {uint16_t((u >> 16) | 0x40u)};  // quiet NaN
    return {uint16_t((u + 0x7fffu + ((u >> 16) & 1u)) >> 16)};
}

inline float __bfloat162float(__nv_bfloat16 b) {
    const uint32_t u = uint32_t(b.x) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
