// cuBLAS for the SIMT emulator build: the handle and the calls the backend
// makes, routed to a reference GEMM on the host. Semantics follow cuBLAS:
// column-major matrices, op(A) is m x k, op(B) is k x n, C is m x n with
// leading dimensions lda/ldb/ldc; C = alpha op(A) op(B) + beta C, and C is
// not read when beta == 0. Bad arguments give cuBLAS's status codes. The GEMM
// queues on the handle's stream (or its capture) like a kernel, with alpha and
// beta read at the call (host pointer mode); a handle's first GEMM takes its
// workspace from the device (cuda_sim::Options::cublas_workspace) and fails
// with CUBLAS_STATUS_ALLOC_FAILED when the device is full.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "cuda_sim_runtime.h"  // streams, device memory, __half2float, bfloat16

struct cublasContext {
    cudaStream_t stream = nullptr;
    int math_mode = 0;
    int device = 0;
    size_t workspace = 0;  // device bytes taken at the first GEMM
};
using cublasHandle_t = cublasContext *;

using cublasStatus_t = int;
constexpr cublasStatus_t CUBLAS_STATUS_SUCCESS = 0;
constexpr cublasStatus_t CUBLAS_STATUS_NOT_INITIALIZED = 1;
constexpr cublasStatus_t CUBLAS_STATUS_ALLOC_FAILED = 3;
constexpr cublasStatus_t CUBLAS_STATUS_INVALID_VALUE = 7;
constexpr cublasStatus_t CUBLAS_STATUS_ARCH_MISMATCH = 8;
constexpr cublasStatus_t CUBLAS_STATUS_EXECUTION_FAILED = 13;
constexpr cublasStatus_t CUBLAS_STATUS_INTERNAL_ERROR = 14;
constexpr cublasStatus_t CUBLAS_STATUS_NOT_SUPPORTED = 15;

enum cublasOperation_t { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1, CUBLAS_OP_C = 2 };
enum cudaDataType_t { CUDA_R_32F = 0, CUDA_R_16F = 2, CUDA_R_16BF = 14 };
enum cublasComputeType_t { CUBLAS_COMPUTE_16F = 64, CUBLAS_COMPUTE_32F = 68, CUBLAS_COMPUTE_32F_FAST_16F = 74 };
enum cublasGemmAlgo_t { CUBLAS_GEMM_DEFAULT = -1, CUBLAS_GEMM_DEFAULT_TENSOR_OP = 99 };
enum cublasMath_t { CUBLAS_DEFAULT_MATH = 0, CUBLAS_TENSOR_OP_MATH = 1 };

inline const char * cublasGetStatusString(cublasStatus_t s) {
    switch (s) {
        case CUBLAS_STATUS_SUCCESS:
            return "CUBLAS_STATUS_SUCCESS";
        case CUBLAS_STATUS_NOT_INITIALIZED:
            return "CUBLAS_STATUS_NOT_INITIALIZED";
        case CUBLAS_STATUS_ALLOC_FAILED:
            return "CUBLAS_STATUS_ALLOC_FAILED";
        case CUBLAS_STATUS_INVALID_VALUE:
            return "CUBLAS_STATUS_INVALID_VALUE";
        case CUBLAS_STATUS_ARCH_MISMATCH:
            return "CUBLAS_STATUS_ARCH_MISMATCH";
        case CUBLAS_STATUS_EXECUTION_FAILED:
            return "CUBLAS_STATUS_EXECUTION_FAILED";
        case CUBLAS_STATUS_INTERNAL_ERROR:
            return "CUBLAS_STATUS_INTERNAL_ERROR";
        case CUBLAS_STATUS_NOT_SUPPORTED:
            return "CUBLAS_STATUS_NOT_SUPPORTED";
        default:
            return "CUBLAS_STATUS_UNKNOWN";
    }
}

inline cublasStatus_t cublasCreate(cublasHandle_t * handle) {
    if (handle == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
    *handle = new cublasContext;
    (*handle)->device = cuda_sim::g_device;
    return CUBLAS_STATUS_SUCCESS;
}
inline cublasStatus_t cublasDestroy(cublasHandle_t handle) {
    if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
    cuda_sim::drain_all();
    cuda_sim::release_device_bytes(handle->device, handle->workspace);
    delete handle;
    return CUBLAS_STATUS_SUCCESS;
}
inline cublasStatus_t cublasSetStream(cublasHandle_t handle, cudaStream_t stream) {
    if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
    handle->stream = stream;
    return CUBLAS_STATUS_SUCCESS;
}
inline cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) {
    if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
    handle->math_mode = int(mode);
    return CUBLAS_STATUS_SUCCESS;
}

namespace cublas_sim {

inline bool known_type(cudaDataType_t t) {
    return t == CUDA_R_32F || t == CUDA_R_16F || t == CUDA_R_16BF;
}

inline double load(const void * p, cudaDataType_t t, int64_t i) {
    if (t == CUDA_R_32F) return double(static_cast<const float *>(p)[i]);
    const uint16_t bits = static_cast<const uint16_t *>(p)[i];
    return t == CUDA_R_16F ? double(__half2float(__half{bits})) : double(__bfloat162float(__nv_bfloat16{bits}));
}

inline void store(void * p, cudaDataType_t t, int64_t i, double v) {
    if (t == CUDA_R_32F)
        static_cast<float *>(p)[i] = float(v);
    else if (t == CUDA_R_16F)
        static_cast<uint16_t *>(p)[i] = __float2half(float(v)).x;
    else
        static_cast<uint16_t *>(p)[i] = __float2bfloat16(float(v)).x;
}

// alpha/beta are f32 for the 32-bit compute types and f16 for CUBLAS_COMPUTE_16F.
inline double scalar(const void * p, cublasComputeType_t c) {
    return c == CUBLAS_COMPUTE_16F ? load(p, CUDA_R_16F, 0) : load(p, CUDA_R_32F, 0);
}

}  // namespace cublas_sim

namespace cublas_sim {

// Reference: every C element is a double-precision dot product of the inputs
// (f32, or f16/bf16 widened exactly), rounded once to Ctype.
inline void gemm(bool ta, bool tb, int m, int n, int k, double a, const void * A, cudaDataType_t Atype, int lda,
                 const void * B, cudaDataType_t Btype, int ldb, double b, void * C, cudaDataType_t Ctype, int ldc) {
    // op(B) column by column and op(A) a panel of rows at a time, as floats
    // (exact for f16/bf16), so the inner loop is contiguous: the backend's
    // emulated forward passes send vocabulary-sized GEMMs through here.
    std::vector<float> bt(size_t(n) * size_t(k));
    for (int j = 0; j < n; ++j)
        for (int l = 0; l < k; ++l)
            bt[size_t(j) * size_t(k) + size_t(l)] =
                float(load(B, Btype, tb ? int64_t(j) + int64_t(l) * ldb : int64_t(l) + int64_t(j) * ldb));
    constexpr int kPanel = 64;
    std::vector<float> at(size_t(kPanel) * size_t(k));
    for (int i0 = 0; i0 < m; i0 += kPanel) {
        const int rows = m - i0 < kPanel ? m - i0 : kPanel;
        for (int r = 0; r < rows; ++r)
            for (int l = 0; l < k; ++l)
                at[size_t(r) * size_t(k) + size_t(l)] =
                    float(load(A, Atype, ta ? int64_t(l) + int64_t(i0 + r) * lda : int64_t(i0 + r) + int64_t(l) * lda));
        for (int j = 0; j < n; ++j)
            for (int r = 0; r < rows; ++r) {
                const float * ar = at.data() + size_t(r) * size_t(k);
                const float * bc = bt.data() + size_t(j) * size_t(k);
                double s = 0.0;
                for (int l = 0; l < k; ++l) s += double(ar[l]) * double(bc[l]);
                const int64_t ci = int64_t(i0 + r) + int64_t(j) * ldc;
                store(C, Ctype, ci, b == 0.0 ? a * s : a * s + b * load(C, Ctype, ci));
            }
    }
}

inline const void * gemm_kernel_key() {
    static const char key = 0;
    return &key;
}

}  // namespace cublas_sim

inline cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m,
                                   int n, int k, const void * alpha, const void * A, cudaDataType_t Atype, int lda,
                                   const void * B, cudaDataType_t Btype, int ldb, const void * beta, void * C,
                                   cudaDataType_t Ctype, int ldc, cublasComputeType_t computeType,
                                   cublasGemmAlgo_t algo) {
    using namespace cublas_sim;
    (void)algo;
    if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
    const bool ta = transa != CUBLAS_OP_N, tb = transb != CUBLAS_OP_N;
    const int a_rows = ta ? k : m, b_rows = tb ? n : k;
    if (m < 0 || n < 0 || k < 0 || lda < (a_rows > 1 ? a_rows : 1) || ldb < (b_rows > 1 ? b_rows : 1) ||
        ldc < (m > 1 ? m : 1) || alpha == nullptr || beta == nullptr)
        return CUBLAS_STATUS_INVALID_VALUE;
    if (!known_type(Atype) || !known_type(Btype) || !known_type(Ctype)) return CUBLAS_STATUS_NOT_SUPPORTED;
    if (m == 0 || n == 0) return CUBLAS_STATUS_SUCCESS;
    if (cuda_sim::state().sticky != cudaSuccess) return CUBLAS_STATUS_EXECUTION_FAILED;
    if (handle->workspace == 0 && cuda_sim::options().cublas_workspace > 0) {
        if (!cuda_sim::reserve_device_bytes(cuda_sim::options().cublas_workspace)) return CUBLAS_STATUS_ALLOC_FAILED;
        handle->workspace = cuda_sim::options().cublas_workspace;
    }
    CUstream_st * q = cuda_sim::stream_of(handle->stream);
    if (!cuda_sim::load_kernel(q, gemm_kernel_key())) return CUBLAS_STATUS_EXECUTION_FAILED;
    const double a = scalar(alpha, computeType), b = scalar(beta, computeType);
    cuda_sim::submit(q, cuda_sim::Op{gemm_kernel_key(), [=] {
                                         gemm(ta, tb, m, n, k, a, A, Atype, lda, B, Btype, ldb, b, C, Ctype, ldc);
                                     }});
    return CUBLAS_STATUS_SUCCESS;
}
