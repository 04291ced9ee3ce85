// Supported architectures and how each reads its hyper-parameters.
//
// One file per architecture (arch_llama.cpp, arch_qwen2.cpp, ...) fills in the
// architecture-specific parts on top of read_common_hparams(); the weight
// binding in weights.cpp is shared and driven by the ModelHparams flags.
#pragma once

#include <string_view>

#include "hearth/gguf.h"
#include "hearth/model.h"

namespace hearth {

struct Architecture {
    const char * name;
    // Fills `hp` from `<name>.*` metadata; throws hearth::Error on bad values.
    void (*read_hparams)(const GgufFile & file, ModelHparams & hp);
};

const Architecture & architecture_llama();
const Architecture & architecture_qwen2();
const Architecture & architecture_qwen3();

// nullptr when the architecture is not supported.
const Architecture * find_architecture(std::string_view name);

// The keys every llama-like architecture shares, with llama.cpp's defaults
// where a key is missing (no rope base: 10000; no head_count_kv: n_head).
void read_common_hparams(const GgufFile & file, ModelHparams & hp, float default_rms_eps);

// Final consistency checks (positive sizes, n_head divisible by n_head_kv...).
void validate_hparams(const GgufFile & file, const ModelHparams & hp);

}  // namespace hearth
