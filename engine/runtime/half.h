// The KV cache's f16 reads go through a 64K-entry table filled by
// quant/fp16.h's converter: one load instead of bit manipulation in the
// attention inner loop. Writes use f32_to_fp16 (round to nearest even).
#pragma once

#include <cstdint>

#include "quant/fp16.h"

namespace hearth {

const float * half_table();  // 65536 floats, built once

}  // namespace hearth
