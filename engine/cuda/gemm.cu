// Prefill matmul: W dequantized to f16 (dequantize_f16.cu), x converted to
// f16, then one cublasGemmEx with f32 accumulation (tensor cores on sm_70+).
//
// cuBLAS is column-major. Row-major W [n_out][n_in] is the column-major
// n_in x n_out matrix Wc (ld n_in), x [n_tokens][n_in] is Xc, n_in x n_tokens
// (ld n_in), and y [n_tokens][n_out] is Yc, n_out x n_tokens (ld n_out), so
// y = x W^T is Yc = Wc^T Xc: transa = T, transb = N, m = n_out, n = n_tokens,
// k = n_in.
#include <climits>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>

#include "cuda/gemm.h"
#include "cuda/kernels.h"

namespace hearth::cuda {

namespace {

constexpr int kThreads = 256;

// x to f16, kVec elements per thread (tail elements one by one by the first threads).
constexpr int kVec = 8;

__global__ void f32_to_f16_kernel(const float * x, uint16_t * dst, int64_t n) {
    const int64_t stride = int64_t(gridDim.x) * blockDim.x, first = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    const int64_t n_vec = n / kVec;
    for (int64_t g = first; g < n_vec; g += stride)
        for (int j = 0; j < kVec; ++j) dst[g * kVec + j] = f32_to_fp16(x[g * kVec + j]);
    for (int64_t i = n_vec * kVec + first; i < n; i += stride) dst[i] = f32_to_fp16(x[i]);
}

std::mutex g_error_mutex;
std::string g_first_error;  // since the last gemm_take_error()
bool g_first_error_oom = false;

// Printed once: the rest of a failing step's GEMMs fail the same way.
void record(const std::string & text, bool out_of_memory = false) {
    const std::lock_guard<std::mutex> lock(g_error_mutex);
    if (!g_first_error.empty()) return;
    std::fprintf(stderr, "hearth: cuBLAS: %s\n", text.c_str());
    g_first_error = text;
    g_first_error_oom = out_of_memory;
}

const char * base_name(const char * path) {
    const char * slash = std::strrchr(path, '/');
    return slash ? slash + 1 : path;
}

// "<call> failed at gemm.cu:<line>: <status name> (status <n>)", as cuda_check.h words it.
std::string failure_text(const char * call, const char * file, int line, cublasStatus_t status) {
    return std::string(call) + " failed at " + base_name(file) + ":" + std::to_string(line) + ": " +
           cublasGetStatusString(status) + " (status " + std::to_string(int(status)) + ")";
}

// Launchers never throw: a failing cuBLAS call is recorded, named, and the
// launcher returns.
#define GEMM_CUBLAS_TRY(call)                                                                                      \
    do {                                                                                                           \
        const cublasStatus_t hearth_st_ = (call);                                                                  \
        if (hearth_st_ != CUBLAS_STATUS_SUCCESS) {                                                                 \
            record(failure_text(#call, __FILE__, __LINE__, hearth_st_), hearth_st_ == CUBLAS_STATUS_ALLOC_FAILED); \
            return;                                                                                                \
        }                                                                                                          \
    } while (0)

}  // namespace

std::string gemm_take_error(bool * out_of_memory) {
    const std::lock_guard<std::mutex> lock(g_error_mutex);
    std::string text;
    text.swap(g_first_error);
    if (out_of_memory) *out_of_memory = g_first_error_oom;
    g_first_error_oom = false;
    return text;
}

void gemm_prefill(cublasHandle_t blas, const DeviceMatrix & w, const float * x, int64_t n_tokens, float * y,
                  uint16_t * w_f16, uint16_t * x_f16, cudaStream_t stream) {
    if (n_tokens <= 0 || w.n_out <= 0) return;
    if (w.n_in > INT_MAX || w.n_out > INT_MAX || n_tokens > INT_MAX) {
        record("gemm_prefill: matrix dimensions beyond cuBLAS's int range");
        return;
    }
    // F16 rows without padding are already cuBLAS's A; everything else is
    // dequantized into the scratch.
    const void * a = w_f16;
    if (w.type == TensorType_F16 && w.row_bytes == size_t(w.n_in) * 2)
        a = w.data;
    else
        dequantize_to_f16(w, w_f16, stream);
    const int64_t n_x = n_tokens * w.n_in;
    const int64_t blocks = (n_x / kVec + kThreads) / kThreads;
    HEARTH_LAUNCH(f32_to_f16_kernel, dim3(unsigned(blocks < 65535 * 16 ? blocks : 65535 * 16)), dim3(kThreads), 0,
                  stream, x, x_f16, n_x);

    const int m = int(w.n_out), n = int(n_tokens), k = int(w.n_in);
    const float alpha = 1.0f, beta = 0.0f;
    GEMM_CUBLAS_TRY(cublasSetStream(blas, stream));
    GEMM_CUBLAS_TRY(cublasGemmEx(blas, CUBLAS_OP_T, CUBLAS_OP_N, m, n, k, &alpha, a, CUDA_R_16F, k, x_f16, CUDA_R_16F,
                                 k, &beta, y, CUDA_R_32F, m, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

}  // namespace hearth::cuda
