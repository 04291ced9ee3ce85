// Host shims of the CUDA runtime calls the backend makes, for the SIMT
// emulator build (HEARTH_CUDA_SIM). "Device" memory is host memory and every
// launch finishes before it returns, so streams are always synchronised.
// Kernels run on simt.h; cuBLAS is routed to a reference GEMM (cublas_sim.h).
#pragma once

#include <cstdlib>
#include <cstring>

#include "simt.h"

using cudaError_t = int;
constexpr cudaError_t cudaSuccess = 0;
constexpr cudaError_t cudaErrorMemoryAllocation = 2;

struct CUstream_st {};
using cudaStream_t = CUstream_st *;

enum cudaMemcpyKind {
    cudaMemcpyHostToHost = 0,
    cudaMemcpyHostToDevice = 1,
    cudaMemcpyDeviceToHost = 2,
    cudaMemcpyDeviceToDevice = 3,
    cudaMemcpyDefault = 4
};

inline const char * cudaGetErrorName(cudaError_t e) {
    return e == cudaSuccess ? "cudaSuccess" : "cudaErrorMemoryAllocation";
}
inline const char * cudaGetErrorString(cudaError_t e) {
    return e == cudaSuccess ? "no error" : "out of memory";
}
inline cudaError_t cudaGetLastError() {
    return cudaSuccess;
}

inline cudaError_t cudaMalloc(void ** p, size_t n) {
    *p = std::malloc(n ? n : 1);
    return *p ? cudaSuccess : cudaErrorMemoryAllocation;
}
template <class T>
cudaError_t cudaMalloc(T ** p, size_t n) {
    return cudaMalloc(reinterpret_cast<void **>(p), n);
}
inline cudaError_t cudaFree(void * p) {
    std::free(p);
    return cudaSuccess;
}
inline cudaError_t cudaMemcpy(void * dst, const void * src, size_t n, cudaMemcpyKind) {
    if (n) std::memmove(dst, src, n);
    return cudaSuccess;
}
inline cudaError_t cudaMemcpyAsync(void * dst, const void * src, size_t n, cudaMemcpyKind k, cudaStream_t = nullptr) {
    return cudaMemcpy(dst, src, n, k);
}
inline cudaError_t cudaMemsetAsync(void * p, int v, size_t n, cudaStream_t = nullptr) {
    if (n) std::memset(p, v, n);
    return cudaSuccess;
}
inline cudaError_t cudaStreamSynchronize(cudaStream_t) {
    return cudaSuccess;
}

#include "cublas_sim.h"
