// The GPU options `run` and `bench` share: --n-gpu-layers N|auto,
// --kv-type f16|q8_0 and --device INDEX|NAME, and the sentence saying where
// the layers ended up.
#pragma once

#include <nlohmann/json.hpp>

#include "args.h"
#include "hearth/evaluator.h"
#include "hearth/model.h"

namespace Hearth::Cli {

// Option spellings to add to a command's Args.
inline const std::vector<std::string> kGpuLayersOption = {"--n-gpu-layers", "-ngl"};
inline const std::vector<std::string> kKvTypeOption = {"--kv-type"};
// MoE: the experts of layers [0, N) stay in RAM and run on the CPU (llama.cpp's spelling).
inline const std::vector<std::string> kCpuMoeOption = {"--n-cpu-moe", "-ncmoe"};
// Which GPU on a machine with several: its CUDA index or part of its name
// (llama.cpp spells the index --main-gpu / -mg).
inline const std::vector<std::string> kGpuDeviceOption = {"--device", "--main-gpu", "-mg"};

// Sets opts.n_gpu_layers (default auto: -1), opts.n_cpu_moe (default auto: -1), opts.kv_type and opts.gpu_device
// from the args; a malformed value is a UsageError.
void applyGpuOptions(const Args & args, hearth::LoadOptions & opts);

// On stderr: the backend when a GPU runs layers, and the placement note when
// there is one and the user asked for GPU layers (or the plan differs).
void reportPlacement(const char * command, const Args & args, const hearth::Placement & placement);

// {"n_layer", "n_gpu_layers", "output_on_gpu", "kv_type", "vram_bytes", "note"}
nlohmann::ordered_json placementJson(const hearth::Evaluator & ev);

}  // namespace Hearth::Cli
