// The recurrent state of a hybrid model's DeltaNet layers: what they carry
// from one token to the next instead of a KV cache.
//
// Per recurrent layer: conv [d_conv - 1][C] (the last inputs of the causal
// convolution, oldest first) and ssm [V][d][d] (one state matrix per value
// head, see cpu/delta_net.h). Unlike a KV cache it cannot be rolled back to an
// earlier position: the Evaluator keeps checkpoints (save / load) instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hearth/model.h"

namespace hearth {

class RecurrentState {
public:
    // For the recurrent layers among [0, n_layers) (n_layers < 0: all).
    RecurrentState(const ModelHparams & hp, int32_t n_layers = -1);

    // Floats of one layer's conv and ssm state.
    static size_t conv_floats(const ModelHparams & hp);
    static size_t ssm_floats(const ModelHparams & hp);
    // Bytes for the recurrent layers among [0, n_layers) (-1: all).
    static size_t bytes_needed(const ModelHparams & hp, int32_t n_layers = -1);

    bool empty() const { return m_data.empty(); }
    size_t bytes() const { return m_data.size() * sizeof(float); }
    float * conv(int il) { return m_data.data() + m_offset[size_t(il)]; }
    float * ssm(int il) { return conv(il) + m_conv; }

    void reset();  // the state before the first token: all zeros
    void save(float * dst) const;
    void load(const float * src);

private:
    size_t m_conv = 0;
    std::vector<size_t> m_offset;  // [n_layer]
    std::vector<float> m_data;
};

}  // namespace hearth
