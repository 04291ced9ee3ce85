// A weight matrix as the forward pass reads it: the GGUF block format in
// place (on the CPU the mmap, or its copy in RAM: runtime/resident_weights.h;
// device memory on the GPU). Row r of the
// [n_in, n_out] matrix starts at data + r * tensor_row_bytes(type, n_in).
#pragma once

#include <cstdint>

#include "hearth/tensor_type.h"

namespace hearth {

struct WeightView {
    TensorType type = TensorType_F32;
    const void * data = nullptr;
    int64_t n_in = 0;   // ne[0], elements per row
    int64_t n_out = 0;  // ne[1], rows
};

}  // namespace hearth
