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
inline cudaError_t cudaDeviceSynchronize() {
    return cudaSuccess;
}

// Devices, streams, pinned memory and events: the backend's bookkeeping. One
// emulated device whose "VRAM" is host memory; tests give the planner its size.
constexpr unsigned cudaStreamNonBlocking = 1;
constexpr unsigned cudaEventDisableTiming = 2;

inline cudaError_t cudaSetDevice(int) {
    return cudaSuccess;
}
inline cudaError_t cudaStreamCreateWithFlags(cudaStream_t * s, unsigned) {
    static CUstream_st stream;
    *s = &stream;
    return cudaSuccess;
}
inline cudaError_t cudaStreamDestroy(cudaStream_t) {
    return cudaSuccess;
}
inline cudaError_t cudaMallocHost(void ** p, size_t n) {
    return cudaMalloc(p, n);
}
inline cudaError_t cudaFreeHost(void * p) {
    return cudaFree(p);
}

struct CUevent_st {};
using cudaEvent_t = CUevent_st *;
inline cudaError_t cudaEventCreateWithFlags(cudaEvent_t * e, unsigned) {
    *e = new CUevent_st;
    return cudaSuccess;
}
inline cudaError_t cudaEventDestroy(cudaEvent_t e) {
    delete e;
    return cudaSuccess;
}
inline cudaError_t cudaEventRecord(cudaEvent_t, cudaStream_t = nullptr) {
    return cudaSuccess;
}
inline cudaError_t cudaEventSynchronize(cudaEvent_t) {
    return cudaSuccess;
}

// CUDA Graphs. Launches run as soon as they are made (simt::launch), so a
// "captured" step has already run when capture ends: the graph is empty and
// launching it does nothing. The backend's capture/update/launch sequence
// still runs call for call, and the counters let tests see that it did.
struct CUgraph_st {};
struct CUgraphExec_st {};
using cudaGraph_t = CUgraph_st *;
using cudaGraphExec_t = CUgraphExec_st *;
enum cudaStreamCaptureMode {
    cudaStreamCaptureModeGlobal = 0,
    cudaStreamCaptureModeThreadLocal = 1,
    cudaStreamCaptureModeRelaxed = 2
};
enum cudaGraphExecUpdateResult { cudaGraphExecUpdateSuccess = 0, cudaGraphExecUpdateError = 1 };
struct cudaGraphExecUpdateResultInfo {
    cudaGraphExecUpdateResult result = cudaGraphExecUpdateSuccess;
};

namespace cuda_sim {
struct GraphCounters {
    int captures = 0;
    int instantiations = 0;
    int updates = 0;
    int launches = 0;
};
inline GraphCounters & graph_counters() {
    static GraphCounters c;
    return c;
}
}  // namespace cuda_sim

inline cudaError_t cudaStreamBeginCapture(cudaStream_t, cudaStreamCaptureMode) {
    ++cuda_sim::graph_counters().captures;
    return cudaSuccess;
}
inline cudaError_t cudaStreamEndCapture(cudaStream_t, cudaGraph_t * g) {
    *g = new CUgraph_st;
    return cudaSuccess;
}
inline cudaError_t cudaGraphDestroy(cudaGraph_t g) {
    delete g;
    return cudaSuccess;
}
inline cudaError_t cudaGraphInstantiate(cudaGraphExec_t * e, cudaGraph_t, unsigned long long = 0) {
    ++cuda_sim::graph_counters().instantiations;
    *e = new CUgraphExec_st;
    return cudaSuccess;
}
inline cudaError_t cudaGraphExecUpdate(cudaGraphExec_t, cudaGraph_t, cudaGraphExecUpdateResultInfo * info) {
    ++cuda_sim::graph_counters().updates;
    if (info) info->result = cudaGraphExecUpdateSuccess;
    return cudaSuccess;
}
inline cudaError_t cudaGraphExecDestroy(cudaGraphExec_t e) {
    delete e;
    return cudaSuccess;
}
inline cudaError_t cudaGraphLaunch(cudaGraphExec_t, cudaStream_t) {
    ++cuda_sim::graph_counters().launches;
    return cudaSuccess;
}

#include "cublas_sim.h"
