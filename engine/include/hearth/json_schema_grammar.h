// JSON schema to grammar: the documents a schema allows, as GBNF rules, for
// structured output (OpenAI's response_format json_schema, forced tool calls).
//
// Supported (the subset of OpenAI's strict mode and llama.cpp's converter):
//   type (object, array, string, number, integer, boolean, null, and arrays of
//   types), properties in their schema order, required (optional properties may
//   be left out), additionalProperties (false, or absent beside properties:
//   none; true or a schema: other keys, spelled without escapes and never a
//   declared one), enum, const, items, prefixItems, minItems/maxItems,
//   anyOf/oneOf (oneOf as anyOf), allOf of object schemas (merged), $ref to
//   "#", "#/$defs/...", "#/definitions/..." or any local JSON pointer,
//   recursive too; minLength/maxLength; format date, time, date-time, uuid,
//   email, ipv4; pattern (a regular-expression subset, see below);
//   minimum/maximum/exclusiveMinimum/exclusiveMaximum: exactly for integers;
//   for numbers with the bounds rounded inward to integers, and then written
//   without an exponent.
// Not enforced, with a note (notes()): multipleOf, uniqueItems, min/maxProperties,
//   unknown formats, patterns outside the subset, patternProperties, and
//   counts (maxLength, maxItems) above 10000, which become unbounded.
// Patterns: literals, escapes (\d \w \s and negations, \n \t \xHH \uHHHH),
//   classes with ranges and negation, ., groups (capturing, (?:...), named),
//   alternation, ? * + {m} {m,} {m,n} (lazy forms too), ^ and $ at the ends. An
//   unanchored side matches any text there, as JSON schema's search semantics
//   say. Backreferences, lookaround, \b and flags are not supported.
//
// Generated values: compact JSON with optional whitespace where JSON allows it
// (a space, or a newline and up to 20 spaces or tabs of indentation), no
// whitespace around the top-level value, numbers of at most 16 integer and 16
// fraction digits, strings of any Unicode except unpaired-surrogate escapes.
//
// Input bounds: the schema text's nesting (64 levels), $ref chains, and the
// size of the generated grammar; beyond them, and for malformed schemas,
// Error(ErrorCode_invalid_argument) names the schema location ("/properties/
// age/type") and the problem.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/grammar.h"

namespace hearth {

class JsonGrammarBuilder {
public:
    JsonGrammarBuilder();
    ~JsonGrammarBuilder();
    JsonGrammarBuilder(const JsonGrammarBuilder &) = delete;
    JsonGrammarBuilder & operator=(const JsonGrammarBuilder &) = delete;

    // Compiles a schema (JSON text); returns the name of the rule for its
    // values. `name` prefixes its rules (several schemas may share a grammar).
    std::string add_schema(std::string_view schema_json, std::string_view name);
    // Rules for any JSON object / any JSON value.
    std::string any_object();
    std::string any_value();
    // The whitespace rule allowed between JSON tokens.
    std::string whitespace();

    // The whole grammar, with `root ::= root_body`.
    std::string gbnf(const std::string & root_body) const;
    std::shared_ptr<const Grammar> build(const std::string & root_body) const;
    // Keywords that were seen but not enforced, one line each ("/pattern: ...").
    const std::vector<std::string> & notes() const;

    struct Impl;

private:
    std::unique_ptr<Impl> m;
};

// A GBNF literal that matches `text` exactly: "..." with escapes.
std::string gbnf_literal(std::string_view text);

// The grammar for one schema's documents; throws as add_schema does.
std::shared_ptr<const Grammar> json_schema_grammar(std::string_view schema_json);
// The grammar for any JSON object (response_format json_object).
std::shared_ptr<const Grammar> json_object_grammar();

}  // namespace hearth
