#include "cpu/moe_routing.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu/ops.h"
#include "model/moe_top_k.h"

namespace hearth {

void moe_route(const float * logits, int32_t n_tokens, int32_t n_expert, int32_t k, ExpertGating gating, bool normalize,
               int32_t * ids, float * weights) {
    std::vector<float> p(static_cast<size_t>(n_expert));
    for (int32_t t = 0; t < n_tokens; ++t) {
        const float * l = logits + size_t(t) * size_t(n_expert);
        int32_t * id = ids + size_t(t) * size_t(k);
        float * w = weights + size_t(t) * size_t(k);
        if (gating == ExpertGating_softmax) {
            std::copy(l, l + n_expert, p.begin());
            softmax_in_place(p.data(), n_expert);
            moe_top_k(p.data(), n_expert, k, id);
            float sum = 0.0f;
            for (int32_t j = 0; j < k; ++j) sum += (w[j] = p[size_t(id[j])]);
            // llama.cpp's floor keeps an all-but-zero sum from blowing the weights up.
            if (normalize)
                for (int32_t j = 0; j < k; ++j) w[j] /= std::max(sum, 6.103515625e-5f);
        } else {
            moe_top_k(l, n_expert, k, id);
            for (int32_t j = 0; j < k; ++j) w[j] = l[id[j]];
            softmax_in_place(w, k);
        }
    }
}

}  // namespace hearth
