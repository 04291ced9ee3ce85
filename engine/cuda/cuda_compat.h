// The one header every engine/cuda source includes first. It lets the same
// kernel and launcher code compile two ways:
//   - under nvcc (__CUDACC__): the real CUDA runtime, cuBLAS and `<<<>>>`;
//   - as host C++ with HEARTH_CUDA_SIM defined (tests/engine/cuda/sim only): the SIMT
//     emulator (simt.h) plus a host shim of the runtime and cuBLAS calls the
//     backend uses (cuda_sim_runtime.h), so every kernel runs and is checked on
//     a machine without a GPU.
// Shared memory is declared through HEARTH_SHARED(type, name, count) (a
// static array; `name` is a pointer in the emulator) and
// HEARTH_DYNAMIC_SHARED(type, name), so the emulator can poison it per block.
// Kernels use HEARTH_HD helpers from engine/quant for block math and keep f16
// data as raw uint16_t bits (quant/fp16.h), so nothing depends on cuda_fp16.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#include <cublas_v2.h>
#include <cuda_runtime.h>
#define HEARTH_LAUNCH(kernel, grid, block, shmem, stream, ...) \
    kernel<<<(grid), (block), (shmem), (stream)>>>(__VA_ARGS__)
#define HEARTH_DYNAMIC_SHARED(type, name)               \
    extern __shared__ unsigned char hearth_dyn_smem_[]; \
    type * name = reinterpret_cast<type *>(hearth_dyn_smem_)
#define HEARTH_SHARED(type, name, count) __shared__ type name[count]
#define HEARTH_DEVICE_CHECK(cond, what) ((void)0)
#elif defined(HEARTH_CUDA_SIM)
#include "cuda_sim_runtime.h"  // tests/engine/cuda/sim: simt.h + runtime and cuBLAS shims
#define HEARTH_LAUNCH(kernel, grid, block, shmem, stream, ...) \
    ::cuda_sim::launch_kernel((stream), (grid), (block), (shmem), kernel, __VA_ARGS__)
#define HEARTH_DYNAMIC_SHARED(type, name) SIMT_EXTERN_SHARED(type, name)
#define HEARTH_SHARED(type, name, count) SIMT_SHARED(type, name, count)
// A rule hardware enforces by faulting (alignment): checked in the emulator.
#define HEARTH_DEVICE_CHECK(cond, what) ::simt::check((cond), (what))
#else
#error "engine/cuda sources compile under nvcc, or as host C++ for the SIMT emulator with HEARTH_CUDA_SIM"
#endif

#include "quant/fp16.h"  // HEARTH_HD, after the CUDA headers

namespace hearth::cuda {

inline constexpr int kWarp = 32;

inline unsigned blocks_for(int64_t n, int per_block) {
    return unsigned((n + per_block - 1) / per_block);
}

// A T-sized load from p, which hardware needs naturally aligned (p a multiple
// of sizeof(T)): it faults with a misaligned address otherwise. The emulator
// checks that (a host load would not fault) and reads through memcpy, so no
// type punning happens on the host.
template <class T>
__device__ __forceinline__ T load_aligned(const void * p) {
#if defined(__CUDA_ARCH__)
    return *static_cast<const T *>(p);
#else
    HEARTH_DEVICE_CHECK(reinterpret_cast<uintptr_t>(p) % sizeof(T) == 0, "misaligned load_aligned: unaligned address");
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
#endif
}

}  // namespace hearth::cuda
