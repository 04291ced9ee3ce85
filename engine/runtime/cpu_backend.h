// The CPU backend: the layers [first, last) over a batch of tokens, each
// through its model family's layer function (cpu_layer.h), with every buffer
// allocated once for n_batch tokens.
#pragma once

#include "runtime/backend.h"
#include "runtime/cpu_layer.h"

namespace hearth {

class CpuBackend : public Backend {
public:
    CpuBackend(const ModelHparams & hp, const ModelWeights & w, KvCache & kv, RecurrentState & rec, ThreadPool & pool,
               int32_t n_batch);

    // Floats of scratch the backend allocates (for the memory check).
    static size_t scratch_floats(const ModelHparams & hp, int32_t n_batch, int n_threads);

    const char * name() const override { return "cpu"; }
    void run_layers(int first, int last, float * hidden, int32_t n_tokens, int32_t pos0) override;

private:
    int32_t m_n_batch;
    CpuScratch m_scratch;
    CpuLayerContext m_ctx;
    CpuLayerFn m_layer;
};

}  // namespace hearth
