// The CPU's weight matrices, copied out of the model file's mapping into
// anonymous memory when they fit in RAM with room to spare.
//
// Why: decode streams every weight once per token, and reading page-cache
// pages of the mapped file was measured ~20% slower than reading the same
// bytes from anonymous memory (Qwen2.5-7B-shaped Q4_K_M, 1 thread, Zen 4 VM:
// 3.9 vs 4.7 tok/s, whether or not the copy got huge pages; llama.cpp on the
// same file: 4.27 mapped, 4.57 copied, 4.49 by default, where it repacks
// Q4_K into its own buffers). The copy costs one read of those bytes at load.
//
// Only what the CPU computes with is copied: the matrices and expert tensors
// of layers [0, n_cpu_layers), and the output matrix when the CPU applies it.
// Layers the GPU holds, the token embeddings (a row per token) and the 1-D
// tensors stay in the mapping. The copy is skipped, and the CPU reads the
// mapping in place (zero copy), when LoadOptions::copy_weights is false, with
// mlock (the locked mapping is what the user asked to keep in RAM), or when
// the bytes and the evaluator's own buffers would take more than 3/4 of the
// available RAM (MemAvailable, or what the process's cgroup limit leaves,
// whichever is less: anonymous memory is charged to the cgroup, page cache is
// reclaimable): a model that barely fits keeps the page cache, which the
// kernel can drop and read back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "model/weights.h"

namespace hearth {

class ThreadPool;

// Whether `bytes` of weights may be copied when `other` bytes of buffers are
// also needed and `available` bytes of RAM are available (0: unknown, no copy).
bool weights_fit_in_ram(uint64_t bytes, uint64_t other, uint64_t available);

// Bytes the process's cgroup memory limit still allows (v2: memory.max minus
// memory.current; v1: limit_in_bytes minus usage_in_bytes; both count page
// cache as used, so this errs towards no copy), or UINT64_MAX when no limit.
uint64_t cgroup_memory_left();

class ResidentWeights {
public:
    struct Request {
        int32_t n_cpu_layers = 0;
        bool output_on_cpu = true;
        bool allowed = true;           // LoadOptions::copy_weights && !mlock
        uint64_t other_bytes = 0;      // the evaluator's KV cache and scratch
        uint64_t available_bytes = 0;  // available RAM (available_ram_bytes())
    };

    ResidentWeights(const ModelWeights & w, const Request & r, ThreadPool & pool);
    ~ResidentWeights();
    ResidentWeights(const ResidentWeights &) = delete;
    ResidentWeights & operator=(const ResidentWeights &) = delete;

    // The weights the CPU reads: the copy, or the model's own views.
    const ModelWeights & weights() const { return m_arena ? m_copy : m_model; }
    size_t copied_bytes() const { return m_arena ? m_bytes : 0; }
    // "" when copied; else why the CPU reads the mapping in place.
    const std::string & note() const { return m_note; }

private:
    const ModelWeights & m_model;
    ModelWeights m_copy;
    void * m_arena = nullptr;
    size_t m_bytes = 0;  // weight bytes of the CPU's matrices (copied or not); the arena's size
    std::string m_note;
};

}  // namespace hearth
