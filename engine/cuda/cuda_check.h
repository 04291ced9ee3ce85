// Checked CUDA and cuBLAS calls. Every runtime and cuBLAS call of the backend
// goes through one of these, so a failure names the call, the file and the
// line ("cudaMalloc(&p, n) failed at cuda_backend.cu:120: cudaErrorMemoryAllocation
// (out of memory)").
//
//   CUDA_CHECK(call) / CUBLAS_CHECK(call)  at load: throw hearth::Error(ErrorCode_device,
//                                          or ErrorCode_resources when out of memory).
//   CUDA_TRY(log, call) / CUBLAS_TRY(...)  on the decode path: record the first
//                                          failure in a CudaErrorLog, never throw.
// Header included by .cu files: C++17.
#pragma once

#include <string>

#include "cuda/cuda_compat.h"
#include "hearth/error.h"

namespace hearth::cuda {

std::string cuda_failure_text(const char * call, const char * file, int line, cudaError_t err);
std::string cublas_failure_text(const char * call, const char * file, int line, cublasStatus_t status);

[[noreturn]] void throw_cuda_failure(const char * call, const char * file, int line, cudaError_t err);
[[noreturn]] void throw_cublas_failure(const char * call, const char * file, int line, cublasStatus_t status);

// The first failure of the decode path; later ones are consequences of it.
// out_of_memory(): that failure was the device running out of memory (the
// load's warm-up turns it into ErrorCode_resources, so fewer layers are tried).
class CudaErrorLog {
public:
    bool ok() const { return m_first.empty(); }
    const std::string & first() const { return m_first; }
    bool out_of_memory() const { return m_oom; }
    void record(std::string text, bool out_of_memory = false) {
        if (!m_first.empty()) return;
        m_first = std::move(text);
        m_oom = out_of_memory;
    }
    void clear() {
        m_first.clear();
        m_oom = false;
    }

private:
    std::string m_first;
    bool m_oom = false;
};

}  // namespace hearth::cuda

#define CUDA_CHECK(call)                                                                                            \
    do {                                                                                                            \
        const cudaError_t hearth_err_ = (call);                                                                     \
        if (hearth_err_ != cudaSuccess) ::hearth::cuda::throw_cuda_failure(#call, __FILE__, __LINE__, hearth_err_); \
    } while (0)

#define CUBLAS_CHECK(call)                                                               \
    do {                                                                                 \
        const cublasStatus_t hearth_st_ = (call);                                        \
        if (hearth_st_ != CUBLAS_STATUS_SUCCESS)                                         \
            ::hearth::cuda::throw_cublas_failure(#call, __FILE__, __LINE__, hearth_st_); \
    } while (0)

#define CUDA_TRY(log, call)                                                                         \
    do {                                                                                            \
        const cudaError_t hearth_err_ = (call);                                                     \
        if (hearth_err_ != cudaSuccess)                                                             \
            (log).record(::hearth::cuda::cuda_failure_text(#call, __FILE__, __LINE__, hearth_err_), \
                         hearth_err_ == cudaErrorMemoryAllocation);                                 \
    } while (0)

#define CUBLAS_TRY(log, call)                                                                        \
    do {                                                                                             \
        const cublasStatus_t hearth_st_ = (call);                                                    \
        if (hearth_st_ != CUBLAS_STATUS_SUCCESS)                                                     \
            (log).record(::hearth::cuda::cublas_failure_text(#call, __FILE__, __LINE__, hearth_st_), \
                         hearth_st_ == CUBLAS_STATUS_ALLOC_FAILED);                                  \
    } while (0)
