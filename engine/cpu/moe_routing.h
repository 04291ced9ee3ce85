// Mixture-of-experts routing: from router logits to the chosen experts and
// their weights, per token.
//
// logits: [n_tokens, n_expert] (router bias already added). ids and weights:
// [n_tokens, k], the experts in descending order of the selection score.
//   ExpertGating_softmax:          p = softmax(logits); the top k by p; weights
//                                  p_j, divided by their sum when `normalize`.
//   ExpertGating_softmax_selected: the top k by the raw logits; weights the
//                                  softmax over those k logits.
// Ties keep the lower expert id first (a stable order).
#pragma once

#include <cstdint>

#include "hearth/model.h"

namespace hearth {

void moe_route(const float * logits, int32_t n_tokens, int32_t n_expert, int32_t k, ExpertGating gating, bool normalize,
               int32_t * ids, float * weights);

}  // namespace hearth
