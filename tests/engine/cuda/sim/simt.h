// SIMT emulation: runs CUDA-style kernel source as plain host C++ (g++), so
// every kernel can be checked on a machine without a GPU, and checked more
// strictly than hardware checks it.
//
// Model: a launch runs the grid block by block on the calling thread. Each
// block's threads are cooperative fibers (simt_fiber.h). A fiber runs until
// it reaches a synchronisation point (simt_sched.h):
//   - __syncthreads: released when every live thread of the block waits at a
//     barrier, and all at the same one (call site); threads that have returned
//     drop out, as on hardware;
//   - a warp collective (__shfl*_sync, __ballot/any/all_sync, __syncwarp):
//     released when every lane its mask names waits at the same collective
//     with the same mask; a named lane that has returned, or lies past the end
//     of the block (a block size that is not a multiple of 32), is an error.
// Between sync points the runnable fibers run one after another in a
// shuffled order (seeded: SIMT_SEED, default 1; 0 keeps thread order), so a
// read of another thread's write without a barrier in between sees the old
// value in some runs, as on hardware.
//
// Shared memory is one arena per block, poisoned (0xCD) at each block start,
// as CUDA leaves it uninitialised: dynamic shared memory
// (SIMT_EXTERN_SHARED(type, name)) at its start, then every static array
// (SIMT_SHARED(type, name, count), CUDA's `__shared__ type name[count]`).
// Static plus dynamic must fit the 48 KiB default, or the kernel's opt-in
// (set_max_dynamic_shared, cudaFuncSetAttribute in the runtime shim).
//
// Launches that hardware rejects (grid y/z over 65535, more than 1024 threads,
// dynamic shared memory over 48 KiB without the opt-in) throw LaunchError.
// A broken rule inside a kernel (check(), a barrier or shuffle mismatch, a
// deadlock) throws Violation from launch(), naming the block and thread.
// Atomics are plain read-modify-writes: only one fiber runs at a time.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "simt_sched.h"

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __restrict__ __restrict
// No __shared__: a static thread_local would outlive the block unpoisoned.
// CUDA's `__shared__ T name[n];` is SIMT_SHARED(T, name, n) (a T *), and
// `extern __shared__ T name[];` is SIMT_EXTERN_SHARED(T, name).
#define SIMT_SHARED(type, name, count)                            \
    type * name = ::simt::static_shared<type>(size_t(count), [] { \
        static const char simt_site_key_ = 0;                     \
        return static_cast<const void *>(&simt_site_key_);        \
    }())
#define SIMT_EXTERN_SHARED(type, name) type * name = reinterpret_cast<type *>(::simt::dynamic_shared())

namespace simt {

// Runs kernel(args...) over the grid. Throws LaunchError for a shape hardware
// rejects and Violation for a kernel that breaks a rule.
template <class Kernel, class... Args>
void launch(dim3 grid, dim3 block, size_t shared_bytes, Kernel kernel, Args... args) {
    validate_launch(grid, block, shared_bytes, kernel_key(kernel));
    const std::function<void()> body = [&] { kernel(args...); };
    run_grid(grid, block, shared_bytes, kernel_key(kernel), body);
}

template <class T>
T shuffle_from(T v, int src_lane, unsigned mask, const char * file, int line) {
    static_assert(sizeof(T) <= 8, "shuffles move at most 8 bytes");
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    bits = warp_collective(WarpOp::shuffle, mask, bits, src_lane, file, line);
    std::memcpy(&v, &bits, sizeof(T));
    return v;
}

}  // namespace simt

inline void __syncthreads(const char * file = __builtin_FILE(), int line = __builtin_LINE()) {
    simt::barrier(file, line);
}
inline void __syncwarp(unsigned mask = 0xffffffffu, const char * file = __builtin_FILE(), int line = __builtin_LINE()) {
    simt::warp_collective(simt::WarpOp::sync, mask, 0, simt::lane_id(), file, line);
}

template <class T>
T __shfl_sync(unsigned mask, T v, int src_lane, int width = warpSize, const char * file = __builtin_FILE(),
              int line = __builtin_LINE()) {
    const int lane = simt::lane_id();
    return simt::shuffle_from(v, lane - lane % width + src_lane % width, mask, file, line);
}

template <class T>
T __shfl_xor_sync(unsigned mask, T v, int lane_mask, int width = warpSize, const char * file = __builtin_FILE(),
                  int line = __builtin_LINE()) {
    const int lane = simt::lane_id();
    const int src = lane ^ lane_mask;
    return simt::shuffle_from(v, src / width == lane / width ? src : lane, mask, file, line);
}

template <class T>
T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = warpSize, const char * file = __builtin_FILE(),
                   int line = __builtin_LINE()) {
    const int lane = simt::lane_id();
    const int src = lane + int(delta);
    return simt::shuffle_from(v, src / width == lane / width ? src : lane, mask, file, line);
}

template <class T>
T __shfl_up_sync(unsigned mask, T v, unsigned delta, int width = warpSize, const char * file = __builtin_FILE(),
                 int line = __builtin_LINE()) {
    const int lane = simt::lane_id();
    const int src = lane - int(delta);
    return simt::shuffle_from(v, src >= 0 && src / width == lane / width ? src : lane, mask, file, line);
}

inline unsigned __ballot_sync(unsigned mask, int pred, const char * file = __builtin_FILE(),
                              int line = __builtin_LINE()) {
    return unsigned(simt::warp_collective(simt::WarpOp::ballot, mask, pred != 0, simt::lane_id(), file, line));
}
inline int __any_sync(unsigned mask, int pred, const char * file = __builtin_FILE(), int line = __builtin_LINE()) {
    return __ballot_sync(mask, pred, file, line) != 0;
}
inline int __all_sync(unsigned mask, int pred, const char * file = __builtin_FILE(), int line = __builtin_LINE()) {
    return __ballot_sync(mask, pred, file, line) == mask;
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
