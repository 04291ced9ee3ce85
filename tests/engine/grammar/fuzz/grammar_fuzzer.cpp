// libFuzzer target for the parsers of outside input in engine/grammar: GBNF
// text, JSON schemas and schema patterns, each followed by a walk of more
// input bytes through the grammar it compiled to (with small cache limits, so
// that compaction runs too). Any crash, sanitizer report, hang or oversized
// allocation is a bug; hearth::Error is the expected answer to bad input.
//
// Input: a mode byte (GBNF, schema, pattern), the text, a NUL, then the bytes
// fed to the matcher one at a time.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "hearth/error.h"
#include "hearth/grammar.h"
#include "hearth/json_schema_grammar.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t * data, size_t size) {
    if (size < 1) return 0;
    const int mode = data[0] % 3;
    const std::string_view rest(reinterpret_cast<const char *>(data) + 1, size - 1);
    const size_t nul = rest.find('\0');
    const std::string_view text = rest.substr(0, nul);
    const std::string_view doc = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
    std::shared_ptr<const hearth::Grammar> grammar;
    try {
        if (mode == 0) {
            grammar = hearth::Grammar::parse(text);
        } else if (mode == 1) {
            grammar = hearth::json_schema_grammar(text);
        } else {
            const nlohmann::json schema = {{"type", "string"}, {"pattern", std::string(text)}};
            grammar =
                hearth::json_schema_grammar(schema.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        }
    } catch (const hearth::Error &) {
        return 0;
    }
    hearth::GrammarLimits limits;
    limits.max_nodes = 1 << 14;
    limits.max_states = 256;
    hearth::GrammarMatcher m(grammar, limits);
    for (char c : doc) {
        m.accept(std::string_view(&c, 1));
        (void)m.distance(m.state());
        (void)m.terminal();
        m.compact();
    }
    return 0;
}
