// Helpers of the CUDA op tests: random inputs and the relative difference
// they are judged by.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace op_test {

inline std::vector<float> random_vector(size_t n, uint32_t seed, float lo = -2.0f, float hi = 2.0f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(n);
    for (float & x : v) x = dist(rng);
    return v;
}

// Largest |a - b| relative to max(1, |b|).
template <class B>
double max_rel_diff(const std::vector<float> & a, const std::vector<B> & b) {
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])) / std::max(1.0, std::fabs(double(b[i]))));
    return worst;
}

}  // namespace op_test
