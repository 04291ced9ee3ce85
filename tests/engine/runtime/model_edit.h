// Builds broken variants of a fixture model for the load-error tests: the
// fixture's metadata and tensors copied through GgufWriter with one change.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hearth/tensor_type.h"

namespace runtime_test {

struct ModelEdit {
    std::string architecture;    // replaces general.architecture (keys are renamed too)
    std::string drop_tensor;     // left out
    std::string reshape_tensor;  // ne[0] and ne[1] swapped (same byte count)
    std::string retype_tensor;   // given `retype` (zero bytes of the right size)
    hearth::TensorType retype = hearth::TensorType_F32;
    std::string drop_key;         // metadata key left out
    uint32_t context_length = 0;  // replaces <arch>.context_length when non-zero
};

std::vector<uint8_t> edit_model(const std::string & path, const ModelEdit & edit);

}  // namespace runtime_test
