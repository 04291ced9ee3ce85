#include "hearth/tensor_type.h"

namespace hearth {

namespace {

// Sizes from ggml-common.h. can_compute marks the types the CPU backend runs.
constexpr TensorTypeInfo kUnknown{nullptr, 0, 0, false};

struct TypeTable {
    TensorTypeInfo info[TensorType_COUNT];
    constexpr TypeTable() : info{} {
        for (auto & i : info) i = kUnknown;
        info[TensorType_F32] = {"F32", 1, 4, true};
        info[TensorType_F16] = {"F16", 1, 2, true};
        info[TensorType_Q4_0] = {"Q4_0", 32, 18, true};
        info[TensorType_Q4_1] = {"Q4_1", 32, 20, true};
        info[TensorType_Q5_0] = {"Q5_0", 32, 22, true};
        info[TensorType_Q5_1] = {"Q5_1", 32, 24, true};
        info[TensorType_Q8_0] = {"Q8_0", 32, 34, true};
        info[TensorType_Q8_1] = {"Q8_1", 32, 36, false};
        info[TensorType_Q2_K] = {"Q2_K", 256, 84, true};
        info[TensorType_Q3_K] = {"Q3_K", 256, 110, true};
        info[TensorType_Q4_K] = {"Q4_K", 256, 144, true};
        info[TensorType_Q5_K] = {"Q5_K", 256, 176, true};
        info[TensorType_Q6_K] = {"Q6_K", 256, 210, true};
        info[TensorType_Q8_K] = {"Q8_K", 256, 292, false};
        info[TensorType_IQ2_XXS] = {"IQ2_XXS", 256, 66, true};
        info[TensorType_IQ2_XS] = {"IQ2_XS", 256, 74, true};
        info[TensorType_IQ3_XXS] = {"IQ3_XXS", 256, 98, true};
        info[TensorType_IQ1_S] = {"IQ1_S", 256, 50, true};
        info[TensorType_IQ4_NL] = {"IQ4_NL", 32, 18, true};
        info[TensorType_IQ3_S] = {"IQ3_S", 256, 110, true};
        info[TensorType_IQ2_S] = {"IQ2_S", 256, 82, true};
        info[TensorType_IQ4_XS] = {"IQ4_XS", 256, 136, true};
        info[TensorType_I8] = {"I8", 1, 1, false};
        info[TensorType_I16] = {"I16", 1, 2, false};
        info[TensorType_I32] = {"I32", 1, 4, false};
        info[TensorType_I64] = {"I64", 1, 8, false};
        info[TensorType_F64] = {"F64", 1, 8, false};
        info[TensorType_IQ1_M] = {"IQ1_M", 256, 56, true};
        info[TensorType_BF16] = {"BF16", 1, 2, true};
        info[TensorType_TQ1_0] = {"TQ1_0", 256, 54, false};
        info[TensorType_TQ2_0] = {"TQ2_0", 256, 66, false};
        info[TensorType_MXFP4] = {"MXFP4", 32, 17, true};
    }
};

constexpr TypeTable kTable;

}  // namespace

const TensorTypeInfo & tensor_type_info(uint32_t type) {
    if (type >= TensorType_COUNT) return kUnknown;
    return kTable.info[type];
}

size_t tensor_row_bytes(TensorType type, int64_t n) {
    const TensorTypeInfo & info = tensor_type_info(type);
    if (info.name == nullptr || n < 0 || n % info.block_elems != 0) return 0;
    return static_cast<size_t>(n / info.block_elems) * info.block_bytes;
}

}  // namespace hearth
