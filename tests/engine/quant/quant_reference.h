// Naive float64 reference for the GGUF block formats, written straight from
// the format description (ggml-common.h / ggml-quants.c) on raw bytes, sharing
// no code with engine/quant, so the engine's dequantizers and dot kernels have
// an independent oracle. Also random-block generators for kernel tests.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "hearth/tensor_type.h"

namespace quant_ref {

double half_to_double(const uint8_t * p);  // little-endian IEEE binary16

// Dequantizes n elements of `type` (a whole number of blocks) from raw bytes.
// Supports the computable weight types plus Q8_0 and Q8_K.
std::vector<double> dequantize(hearth::TensorType type, const uint8_t * src, int64_t n);

// The code-book formats (quant_reference_iq.cpp): dequantizes one block of
// `type` into y, or returns false for another type.
bool dequantize_iq(hearth::TensorType type, const uint8_t * block, double * y);

// The weight types the CPU backend computes (every can_compute type).
std::vector<hearth::TensorType> weight_types();

// n elements of random bytes in `type`, with every f16 scale field set to a
// finite value of about `scale` (random sign for d where the format allows),
// so that all bit patterns of the quants are exercised.
std::vector<uint8_t> random_row(hearth::TensorType type, int64_t n, std::mt19937 & rng, float scale = 0.01f);

}  // namespace quant_ref
