// A naive float64 forward pass: the second oracle for the engine.
//
// Every weight is dequantized with the quant layer's dequantize_row into
// doubles, and the transformer is computed token by token with plain loops:
// no KV quantization, no activation quantization, no threads. Slow, small, and
// written independently of engine/runtime.
#pragma once

#include <cstdint>
#include <vector>

#include "hearth/model.h"

namespace runtime_test {

// Logits after every position of `ids` evaluated from position 0: [n][n_vocab].
std::vector<float> reference_logits(const hearth::Model & model, const std::vector<int32_t> & ids);

}  // namespace runtime_test
