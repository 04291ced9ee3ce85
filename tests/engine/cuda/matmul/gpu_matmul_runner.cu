// The real-GPU side of test_cuda_matmul_gpu: uploads, launches, downloads.
// Every CUDA call is checked; the first failure is returned as text naming it.
#include "gpu_matmul_runner.h"

#include <algorithm>
#include <cstring>

#include "cuda/gemm.h"
#include "cuda/kernels.h"

namespace hearth_test_gpu {

namespace {

using namespace hearth;

// Device buffers freed on scope exit.
struct DeviceBuffers {
    std::vector<void *> ptrs;
    ~DeviceBuffers() {
        for (void * p : ptrs) cudaFree(p);
    }
    void * alloc(size_t n, std::string & error) {
        void * p = nullptr;
        const cudaError_t e = cudaMalloc(&p, n ? n : 1);
        if (e != cudaSuccess) {
            if (error.empty()) error = std::string("cudaMalloc: ") + cudaGetErrorString(e);
            return nullptr;
        }
        ptrs.push_back(p);
        return p;
    }
};

#define RUNNER_CHECK(call) \
    do { \
        const cudaError_t e_ = (call); \
        if (e_ != cudaSuccess && r.error.empty()) r.error = std::string(#call) + ": " + cudaGetErrorString(e_); \
    } while (0)

}  // namespace

GpuRun run_gemv(TensorType type, const std::vector<uint8_t> & w, int64_t n_in, int64_t n_out,
                const std::vector<float> & x, int64_t n_tokens) {
    GpuRun r;
    DeviceBuffers b;
    const size_t xq_bytes = cuda::act_quant_bytes(type, n_in, n_tokens);
    void * dw = b.alloc(w.size(), r.error);
    void * dx = b.alloc(size_t(n_in * n_tokens) * 4, r.error);
    void * dxq = b.alloc(xq_bytes, r.error);
    void * dy = b.alloc(size_t(n_out * n_tokens) * 4, r.error);
    if (!r.error.empty()) return r;
    RUNNER_CHECK(cudaMemcpy(dw, w.data(), w.size(), cudaMemcpyHostToDevice));
    RUNNER_CHECK(cudaMemcpy(dx, x.data(), size_t(n_in * n_tokens) * 4, cudaMemcpyHostToDevice));
    const cuda::DeviceMatrix m{type, dw, n_in, n_out, tensor_row_bytes(type, n_in)};
    cuda::quantize_activations(type, static_cast<float *>(dx), dxq, n_in, n_tokens, nullptr);
    cuda::gemv(m, static_cast<float *>(dx), dxq, static_cast<float *>(dy), n_tokens, nullptr);
    RUNNER_CHECK(cudaGetLastError());
    RUNNER_CHECK(cudaDeviceSynchronize());
    r.y.resize(size_t(n_out * n_tokens));
    r.xq.resize(xq_bytes);
    RUNNER_CHECK(cudaMemcpy(r.y.data(), dy, r.y.size() * 4, cudaMemcpyDeviceToHost));
    if (xq_bytes) RUNNER_CHECK(cudaMemcpy(r.xq.data(), dxq, xq_bytes, cudaMemcpyDeviceToHost));
    return r;
}

GpuRun run_gemm(TensorType type, const std::vector<uint8_t> & w, int64_t n_in, int64_t n_out,
                const std::vector<float> & x, int64_t n_tokens) {
    GpuRun r;
    DeviceBuffers b;
    void * dw = b.alloc(w.size(), r.error);
    void * dx = b.alloc(size_t(n_in * n_tokens) * 4, r.error);
    void * dwf = b.alloc(size_t(n_in * n_out) * 2, r.error);
    void * dxf = b.alloc(size_t(n_in * n_tokens) * 2, r.error);
    void * dy = b.alloc(size_t(n_out * n_tokens) * 4, r.error);
    if (!r.error.empty()) return r;
    cublasHandle_t blas = nullptr;
    if (cublasCreate(&blas) != CUBLAS_STATUS_SUCCESS) {
        r.error = "cublasCreate failed";
        return r;
    }
    RUNNER_CHECK(cudaMemcpy(dw, w.data(), w.size(), cudaMemcpyHostToDevice));
    RUNNER_CHECK(cudaMemcpy(dx, x.data(), size_t(n_in * n_tokens) * 4, cudaMemcpyHostToDevice));
    const cuda::DeviceMatrix m{type, dw, n_in, n_out, tensor_row_bytes(type, n_in)};
    cuda::gemm_prefill(blas, m, static_cast<float *>(dx), n_tokens, static_cast<float *>(dy),
                       static_cast<uint16_t *>(dwf), static_cast<uint16_t *>(dxf), nullptr);
    cuda::dequantize_to_f16(m, static_cast<uint16_t *>(dwf), nullptr);  // F16 weights skip it in gemm_prefill
    RUNNER_CHECK(cudaGetLastError());
    RUNNER_CHECK(cudaDeviceSynchronize());
    const std::string blas_error = cuda::gemm_take_error();
    if (r.error.empty()) r.error = blas_error;
    cublasDestroy(blas);
    r.y.resize(size_t(n_out * n_tokens));
    r.w_f16.resize(size_t(n_in * n_out));
    RUNNER_CHECK(cudaMemcpy(r.y.data(), dy, r.y.size() * 4, cudaMemcpyDeviceToHost));
    RUNNER_CHECK(cudaMemcpy(r.w_f16.data(), dwf, r.w_f16.size() * 2, cudaMemcpyDeviceToHost));
    return r;
}

// The weights rotate over enough copies that together they exceed the L2
// cache four times (an H100's 50 MB would otherwise hold a 5120 x 5120
// matrix, and the figure would be L2's bandwidth, not HBM's).
GemvTiming time_gemv(TensorType type, int64_t n_in, int64_t n_out, int reps) {
    GemvTiming t;
    GpuRun r;  // RUNNER_CHECK writes r.error
    DeviceBuffers b;
    const size_t w_bytes = tensor_row_bytes(type, n_in) * size_t(n_out);
    int device = 0, l2 = 0;
    RUNNER_CHECK(cudaGetDevice(&device));
    RUNNER_CHECK(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device));
    const size_t copies = std::min<size_t>(64, std::max<size_t>(1, (4 * size_t(l2) + w_bytes - 1) / w_bytes));
    std::vector<void *> dw(copies);
    for (void *& p : dw) p = b.alloc(w_bytes, r.error);
    void * dx = b.alloc(size_t(n_in) * 4, r.error);
    void * dxq = b.alloc(cuda::act_quant_bytes(type, n_in, 1), r.error);
    void * dy = b.alloc(size_t(n_out) * 4, r.error);
    if (!r.error.empty()) {
        t.error = r.error;
        return t;
    }
    // Bytes 0x11: small codes and small f16 scales, finite for every type.
    for (void * p : dw) RUNNER_CHECK(cudaMemset(p, 0x11, w_bytes));
    RUNNER_CHECK(cudaMemset(dx, 0, size_t(n_in) * 4));
    auto gemv = [&](int i) {
        const cuda::DeviceMatrix m{type, dw[size_t(i) % copies], n_in, n_out, tensor_row_bytes(type, n_in)};
        cuda::gemv(m, static_cast<float *>(dx), dxq, static_cast<float *>(dy), 1, nullptr);
    };
    cudaEvent_t e0 = nullptr, e1 = nullptr;
    RUNNER_CHECK(cudaEventCreate(&e0));
    RUNNER_CHECK(cudaEventCreate(&e1));
    for (int i = 0; i < int(copies); ++i) gemv(i);  // warm-up: every copy once
    RUNNER_CHECK(cudaEventRecord(e0));
    for (int i = 0; i < reps; ++i) gemv(i);
    RUNNER_CHECK(cudaEventRecord(e1));
    RUNNER_CHECK(cudaEventSynchronize(e1));
    float ms = 0.0f;
    RUNNER_CHECK(cudaEventElapsedTime(&ms, e0, e1));
    RUNNER_CHECK(cudaGetLastError());
    cudaEventDestroy(e0);
    cudaEventDestroy(e1);
    t.us = double(ms) * 1000.0 / reps;
    t.weight_bytes = double(w_bytes);
    t.error = r.error;
    return t;
}

}  // namespace hearth_test_gpu
