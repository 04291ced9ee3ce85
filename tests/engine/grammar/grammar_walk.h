// Random documents from a grammar: a walk that picks each next byte uniformly
// among those the grammar allows (through the same GrammarTokenFilter that
// sampling uses, over a vocabulary of the 256 single bytes plus an end
// token), with a byte budget that forces the document closed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hearth/grammar.h"

namespace grammar_test {

// A complete document, or "" when the walk got stuck (a grammar bug).
std::string random_document(const std::shared_ptr<const hearth::Grammar> & grammar, uint64_t seed, int32_t budget);

}  // namespace grammar_test
