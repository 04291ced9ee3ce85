// hearth::Evaluator: runs the forward pass of a Model over a KV cache.
//
// Tokens are evaluated at positions [n_past, n_past + n); prompts longer than
// the batch size are split into batches. It owns the KV cache, the scratch
// buffers (all allocated up front: no allocation per token), the thread pool
// and the backends that run the layers.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "hearth/model.h"

namespace hearth {

class Evaluator {
public:
    // n_threads <= 0 takes the model's LoadOptions value.
    explicit Evaluator(std::shared_ptr<const Model> model, int32_t n_threads = 0);
    ~Evaluator();
    Evaluator(const Evaluator &) = delete;
    Evaluator & operator=(const Evaluator &) = delete;

    const Model & model() const;
    int32_t n_ctx() const;
    int32_t n_past() const;
    int32_t n_vocab() const;
    int32_t n_threads() const;
    const char * backend_name() const;

    // Evaluates n ids and advances n_past. With `all_logits` non-null, writes
    // the logits after every position there ([n][n_vocab]); the last row is
    // always available from last_logits(). Validation happens before any work:
    // an id out of range throws Error(ErrorCode_invalid_argument), overflowing
    // the context throws Error(ErrorCode_context). Returns false when `cancel`
    // was set between batches (n_past then counts the batches done).
    bool eval(const int32_t * ids, int32_t n, float * all_logits = nullptr, const std::atomic<bool> * cancel = nullptr);

    const float * last_logits() const;  // [n_vocab]

    // Keeps the first n positions of the cache (prefix reuse); n <= n_past.
    void truncate(int32_t n);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Bytes a context of n_ctx tokens needs beyond the mmapped weights: KV cache
// plus scratch. Model::load checks it against available RAM.
size_t evaluator_memory_bytes(const ModelHparams & hp, const LoadOptions & options, int32_t n_ctx, int32_t n_threads);

// MemAvailable from /proc/meminfo, or 0 when unknown.
uint64_t available_ram_bytes();

}  // namespace hearth
