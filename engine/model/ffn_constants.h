// Constants of the model families' FFN activations, shared by both backends.
#pragma once

namespace hearth {

// gpt-oss's clamped SwiGLU (llama.cpp's swiglu_oai): g = min(gate, limit),
// u = clamp(up, -limit, limit), out = g * sigmoid(alpha * g) * (u + 1).
inline constexpr float kSwigluOaiAlpha = 1.702f;
inline constexpr float kSwigluOaiLimit = 7.0f;

}  // namespace hearth
