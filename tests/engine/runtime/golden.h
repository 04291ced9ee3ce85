// Golden fixtures for the forward pass: `<model>.golden.json` plus its logits
// file ([n_prompt][n_vocab] float32 little-endian), and the comparison metrics.
#pragma once

#include <QString>
#include <cstdint>
#include <string>
#include <vector>

namespace runtime_test {

struct Golden {
    std::string model_path;
    std::vector<int32_t> prompt_ids;
    std::vector<int32_t> greedy_ids;
    std::vector<float> logits;  // [n_prompt][n_vocab]
    int32_t n_vocab = 0;
    double max_nrmse = 0.0;
    double min_top1 = 0.0;
};

// `rel`: path of the .gguf under fixtures, e.g. "models/stories260K.gguf".
Golden load_golden(const std::string & rel);

struct Agreement {
    double max_nrmse = 0.0;
    double top1 = 0.0;  // fraction of positions with the same argmax
};

// Compares [n_pos][n_vocab] logits row by row.
Agreement compare_logits(const std::vector<float> & golden, const std::vector<float> & ours, int32_t n_vocab);

int32_t argmax(const float * x, int32_t n);

// Every synthetic model's .gguf path relative to the fixtures folder, sorted.
std::vector<std::string> synthetic_models();

}  // namespace runtime_test
