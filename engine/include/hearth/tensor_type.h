// Tensor element types as stored in GGUF files.
//
// The numeric values are ggml's `ggml_type` ids. They are stored on disk and
// must never change.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hearth {

enum TensorType : uint32_t {
    TensorType_F32 = 0,
    TensorType_F16 = 1,
    TensorType_Q4_0 = 2,
    TensorType_Q4_1 = 3,
    TensorType_Q5_0 = 6,
    TensorType_Q5_1 = 7,
    TensorType_Q8_0 = 8,
    TensorType_Q8_1 = 9,
    TensorType_Q2_K = 10,
    TensorType_Q3_K = 11,
    TensorType_Q4_K = 12,
    TensorType_Q5_K = 13,
    TensorType_Q6_K = 14,
    TensorType_Q8_K = 15,
    TensorType_IQ2_XXS = 16,
    TensorType_IQ2_XS = 17,
    TensorType_IQ3_XXS = 18,
    TensorType_IQ1_S = 19,
    TensorType_IQ4_NL = 20,
    TensorType_IQ3_S = 21,
    TensorType_IQ2_S = 22,
    TensorType_IQ4_XS = 23,
    TensorType_I8 = 24,
    TensorType_I16 = 25,
    TensorType_I32 = 26,
    TensorType_I64 = 27,
    TensorType_F64 = 28,
    TensorType_IQ1_M = 29,
    TensorType_BF16 = 30,
    TensorType_TQ1_0 = 34,
    TensorType_TQ2_0 = 35,
    TensorType_MXFP4 = 39,
    TensorType_COUNT = 40,
};

struct TensorTypeInfo {
    const char * name;     // "Q4_K", as llama.cpp prints it; nullptr for ids ggml never assigned
    uint32_t block_elems;  // elements per block (1 for plain types)
    uint32_t block_bytes;  // bytes per block
    bool can_compute;      // the engine's CPU backend can run matmuls on it
};

// Layout facts for every id ggml defines. Unknown ids give a zeroed info with
// name == nullptr; the GGUF reader rejects those.
const TensorTypeInfo & tensor_type_info(uint32_t type);

inline bool tensor_type_known(uint32_t type) {
    return tensor_type_info(type).name != nullptr;
}

// Bytes of one row of `n` elements, or 0 when n is not a whole number of blocks.
size_t tensor_row_bytes(TensorType type, int64_t n);

}  // namespace hearth
