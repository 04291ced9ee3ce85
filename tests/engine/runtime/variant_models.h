// Llama-shaped architecture variants built from a fixture model, for the
// tests of the llama family's flags (no llama.cpp goldens exist for them):
// the fixture's tensors and metadata copied through GgufWriter under another
// architecture name, with keys added and tensors fused, renamed or added.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "hearth/gguf_writer.h"

namespace runtime_test {

struct Variant {
    std::string arch;           // general.architecture; "<fixture arch>." keys are renamed
    int32_t n_layer = 0;        // more than the fixture's: its layers repeated in order
    bool fuse_qkv = false;      // attn_q | attn_k | attn_v -> attn_qkv
    bool fuse_gate_up = false;  // ffn_gate | ffn_up -> ffn_up of 2 * n_ff rows
    bool add_qk_norms = false;  // attn_q_norm / attn_k_norm of head_dim (not all ones)
    std::string ffn_norm_name;  // the FFN pre-norm's new name, e.g. "post_attention_norm"
    bool drop_output = false;   // no output.weight
    // Extra metadata, given the key prefix "<arch>.".
    std::function<void(hearth::GgufWriter &, const std::string &)> keys;
    std::vector<std::pair<std::string, std::vector<float>>> extra_f32;  // 1-D F32 tensors
};

std::vector<uint8_t> build_variant(const std::string & fixture_path, const Variant & v);

}  // namespace runtime_test
