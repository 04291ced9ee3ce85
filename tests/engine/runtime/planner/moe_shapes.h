// Real MoE model shapes as header-only GGUF files (sparse: the tensors read as
// zeros and take no disk space), with llama.cpp's quantization mixtures, for
// the planner: Qwen3-30B-A3B Q4_K_M (18.6 GB) and gpt-oss-20b MXFP4 (12.1 GB).
#pragma once

#include <string>

namespace planner_test {

// Writes the file and returns its size in bytes (the sum of tensor bytes).
unsigned long long write_qwen3_30b_a3b_q4_k_m(const std::string & path);
unsigned long long write_gpt_oss_20b_mxfp4(const std::string & path);

}  // namespace planner_test
