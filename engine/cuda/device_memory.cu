// Device arenas, the pinned staging uploader, and the text of failed CUDA and
// cuBLAS calls (cuda_check.h).
#include <cstdio>
#include <cstring>

#include "cuda/device_memory.h"

namespace hearth::cuda {

namespace {

std::string base_name(const char * file) {
    const char * slash = std::strrchr(file, '/');
    return slash ? slash + 1 : file;
}

}  // namespace

std::string cuda_failure_text(const char * call, const char * file, int line, cudaError_t err) {
    return std::string(call) + " failed at " + base_name(file) + ":" + std::to_string(line) + ": " +
           cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")";
}

std::string cublas_failure_text(const char * call, const char * file, int line, cublasStatus_t status) {
    return std::string(call) + " failed at " + base_name(file) + ":" + std::to_string(line) + ": " +
           cublasGetStatusString(status) + " (status " + std::to_string(int(status)) + ")";
}

void throw_cuda_failure(const char * call, const char * file, int line, cudaError_t err) {
    const ErrorCode code = err == cudaErrorMemoryAllocation ? ErrorCode_resources : ErrorCode_device;
    throw Error(code, "CUDA: " + cuda_failure_text(call, file, line, err));
}

void throw_cublas_failure(const char * call, const char * file, int line, cublasStatus_t status) {
    throw Error(ErrorCode_device, "cuBLAS: " + cublas_failure_text(call, file, line, status));
}

std::string mib_text(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / double(1u << 20));
    return buf;
}

void * alloc_pinned(size_t bytes, const char * what) {
    void * p = nullptr;
    const cudaError_t err = cudaMallocHost(&p, bytes);
    if (err == cudaSuccess) return p;
    cudaGetLastError();  // not sticky
    throw Error(ErrorCode_device, std::string("CUDA: could not allocate ") + mib_text(bytes) +
                                      " of pinned (page-locked) host memory for " + what +
                                      ": the system is short of RAM or of locked memory (" +
                                      cuda_failure_text("cudaMallocHost(&p, bytes)", __FILE__, __LINE__, err) + ")");
}

DeviceArena::~DeviceArena() {
    if (m_base) cudaFree(m_base);
}

size_t DeviceArena::reserve(size_t bytes) {
    const size_t offset = m_size;
    m_size += (bytes + kAlign - 1) / kAlign * kAlign;
    return offset;
}

void DeviceArena::allocate(const char * what) {
    if (m_size == 0) return;
    void * p = nullptr;
    const cudaError_t err = cudaMalloc(&p, m_size);
    if (err != cudaSuccess) {
        cudaGetLastError();  // an allocation failure is not sticky; start the fallback clean
        throw Error(err == cudaErrorMemoryAllocation ? ErrorCode_resources : ErrorCode_device,
                    std::string("CUDA: not enough free VRAM for the ") + what + " (" + mib_text(m_size) +
                        "): " + cuda_failure_text("cudaMalloc(&p, size)", __FILE__, __LINE__, err));
    }
    m_base = static_cast<unsigned char *>(p);
}

StagingUploader::StagingUploader(cudaStream_t stream, size_t chunk_bytes) : m_stream(stream), m_chunk(chunk_bytes) {
    for (int i = 0; i < 2; ++i) {
        m_pinned[i] = static_cast<unsigned char *>(alloc_pinned(m_chunk, "the weight upload's staging buffers"));
        CUDA_CHECK(cudaEventCreateWithFlags(&m_done[i], cudaEventDisableTiming));
    }
}

StagingUploader::~StagingUploader() {
    // Never throws: a failed load unwinds through here.
    for (int i = 0; i < 2; ++i) {
        if (m_done[i]) {
            cudaEventSynchronize(m_done[i]);
            cudaEventDestroy(m_done[i]);
        }
        if (m_pinned[i]) cudaFreeHost(m_pinned[i]);
    }
}

void StagingUploader::upload(void * dst, const void * src, size_t bytes) {
    const unsigned char * s = static_cast<const unsigned char *>(src);
    unsigned char * d = static_cast<unsigned char *>(dst);
    for (size_t off = 0; off < bytes; off += m_chunk) {
        const size_t n = bytes - off < m_chunk ? bytes - off : m_chunk;
        const int i = m_next;
        m_next ^= 1;
        CUDA_CHECK(cudaEventSynchronize(m_done[i]));  // the previous copy out of this buffer is done
        std::memcpy(m_pinned[i], s + off, n);
        CUDA_CHECK(cudaMemcpyAsync(d + off, m_pinned[i], n, cudaMemcpyHostToDevice, m_stream));
        CUDA_CHECK(cudaEventRecord(m_done[i], m_stream));
    }
}

void StagingUploader::finish() {
    CUDA_CHECK(cudaStreamSynchronize(m_stream));
}

}  // namespace hearth::cuda
