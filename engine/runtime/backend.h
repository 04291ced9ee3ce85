// The backend seam: a backend runs a contiguous range of layers in place on
// the hidden state. The CPU backend is the only one today; a CUDA backend
// takes the last n_gpu_layers layers once it exists, and the evaluator hands
// the hidden state across the boundary.
#pragma once

#include <cstdint>

#include "hearth/model.h"

namespace hearth {

class Backend {
public:
    virtual ~Backend() = default;
    virtual const char * name() const = 0;
    // Layers [first, last) for n_tokens tokens at positions [pos0, pos0 + n_tokens).
    // hidden: [n_tokens, n_embd], updated in place. Never throws.
    virtual void run_layers(int first, int last, float * hidden, int32_t n_tokens, int32_t pos0) = 0;
};

// Which layers run where. Layers [0, first_gpu_layer) on the CPU, the rest on the GPU.
struct PlacementPlan {
    int32_t n_layer = 0;
    int32_t n_gpu_layers = 0;
    int32_t first_gpu_layer() const { return n_layer - n_gpu_layers; }

    // `requested`: -1 for as many as fit, else a count. `gpu_available`: a GPU
    // backend exists. Without one every layer stays on the CPU.
    static PlacementPlan make(const ModelHparams & hp, int32_t requested, bool gpu_available);
};

}  // namespace hearth
