// Drives hearth::OutputParser over every way of splitting a text and checks
// that the deltas add up to the one-shot result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hearth/output_parser.h"

namespace output_parser_test {

std::string describe(const hearth::ParsedOutput & out);
bool same(const hearth::ParsedOutput & a, const hearth::ParsedOutput & b);

// Feeds `pieces` one by one, then finish(). Concatenates the deltas into the
// returned value (flags from the parser). Sets `problem` when result()
// disagrees with the deltas, or, with check_utf8 (for well-formed input), when
// a delta splits a UTF-8 sequence.
hearth::ParsedOutput feed_pieces(const std::vector<std::string> & pieces, const hearth::OutputParserConfig & config,
                                 bool check_utf8, std::string & problem);

// Checks parse_output() and every split of `text` (all two-piece splits, byte
// by byte, and seeded random chunk sizes) against `expected`. Empty on
// success, else a description of the first failure.
std::string check_all_splits(const std::string & text, const hearth::OutputParserConfig & config,
                             const hearth::ParsedOutput & expected);

// True when `s` is well-formed UTF-8 (complete sequences only).
bool utf8_valid(const std::string & s);

}  // namespace output_parser_test

// In a Qt Test function: check_all_splits, failing with its description.
#define CHECK_SPLITS(text, cfg, expected)                                                   \
    do {                                                                                    \
        std::string err_ = output_parser_test::check_all_splits((text), (cfg), (expected)); \
        QVERIFY2(err_.empty(), err_.c_str());                                               \
    } while (0)
