// See gpu_ops_runner.h. The position reaches rope through device memory, as
// the backend passes it (StepPos).
#include "gpu_ops_runner.h"

#include "cuda/kernels.h"

namespace hearth_test_ops {

namespace {

using namespace hearth;

struct Device {
    std::string & error;
    std::vector<void *> ptrs;
    ~Device() {
        for (void * p : ptrs) cudaFree(p);
    }
    void check(cudaError_t e, const char * what) {
        if (e != cudaSuccess && error.empty()) error = std::string(what) + ": " + cudaGetErrorString(e);
    }
    template <class T>
    T * upload(const std::vector<T> & v) {
        void * p = nullptr;
        check(cudaMalloc(&p, v.size() * sizeof(T) + 1), "cudaMalloc");
        if (!p) return nullptr;
        ptrs.push_back(p);
        check(cudaMemcpy(p, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy up");
        return static_cast<T *>(p);
    }
    template <class T>
    std::vector<T> download(const T * p, size_t n) {
        std::vector<T> v(n);
        check(cudaGetLastError(), "launch");
        check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
        if (error.empty()) check(cudaMemcpy(v.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy down");
        return v;
    }
};

}  // namespace

std::vector<float> run_rmsnorm(const std::vector<float> & x, const std::vector<float> & w, int64_t n_rows, int64_t n,
                               float eps, std::string & error) {
    Device d{error, {}};
    float * dx = d.upload(x);
    const float * dw = d.upload(w);
    if (!error.empty()) return {};
    cuda::rmsnorm(dx, dw, dx, n_rows, n, eps, nullptr);
    return d.download(dx, x.size());
}

std::vector<float> run_rope(const RopeParams & rp, const std::vector<float> & x, int64_t n_tokens, int64_t n_heads,
                            int64_t head_dim, int32_t pos0, std::string & error) {
    Device d{error, {}};
    float * dx = d.upload(x);
    const int32_t * dpos = d.upload(std::vector<int32_t>{pos0});
    if (!error.empty()) return {};
    cuda::rope(rp, dx, n_tokens, n_heads, head_dim, cuda::StepPos(0, dpos), nullptr);
    return d.download(dx, x.size());
}

}  // namespace hearth_test_ops
