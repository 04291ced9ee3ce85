// Device memory of the CUDA backend: one arena per purpose (weights, KV cache,
// scratch), allocated with a single cudaMalloc each so that "too little VRAM"
// is one clear error at load, and a pinned staging uploader for the weights.
// Header included by .cu files: C++17.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cuda/cuda_check.h"

namespace hearth::cuda {

// Two passes: reserve() every buffer (returns its offset), then allocate() once
// and resolve offsets with at().
class DeviceArena {
public:
    DeviceArena() = default;
    ~DeviceArena();
    DeviceArena(const DeviceArena &) = delete;
    DeviceArena & operator=(const DeviceArena &) = delete;

    static constexpr size_t kAlign = 256;  // cudaMalloc's alignment; keeps every block format aligned

    size_t reserve(size_t bytes);
    // Throws hearth::Error(ErrorCode_resources) naming `what` and the size.
    void allocate(const char * what);
    void * at(size_t offset) const { return m_base + offset; }
    template <class T>
    T * at(size_t offset) const {
        return reinterpret_cast<T *>(m_base + offset);
    }
    size_t bytes() const { return m_size; }

private:
    unsigned char * m_base = nullptr;
    size_t m_size = 0;
};

// Host -> device copies through two pinned buffers used in turn: the CPU fills
// one while the DMA engine drains the other, so the weights cross the bus at
// full speed and the mmapped source is never registered with the driver.
class StagingUploader {
public:
    explicit StagingUploader(cudaStream_t stream, size_t chunk_bytes = size_t(8) << 20);
    ~StagingUploader();
    StagingUploader(const StagingUploader &) = delete;
    StagingUploader & operator=(const StagingUploader &) = delete;

    void upload(void * dst, const void * src, size_t bytes);  // throws hearth::Error
    void finish();                                            // waits for the last copy

private:
    cudaStream_t m_stream;
    size_t m_chunk;
    unsigned char * m_pinned[2] = {nullptr, nullptr};
    cudaEvent_t m_done[2] = {nullptr, nullptr};
    int m_next = 0;
};

std::string mib_text(uint64_t bytes);

// Page-locked host memory for what crosses the bus. Its failure is the host's
// (RAM, or the locked-memory limit), not the GPU's: it throws ErrorCode_device
// saying so, where ErrorCode_resources would make the evaluator retry with
// fewer layers to no avail.
void * alloc_pinned(size_t bytes, const char * what);

}  // namespace hearth::cuda
