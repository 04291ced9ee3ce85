// A safe arithmetic evaluator for the calculator tool: its own recursive
// descent parser over doubles, nothing else is ever executed.
//
//   expr    := term (("+" | "-") term)*
//   term    := unary (("*" | "/" | "%") unary)*
//   unary   := ("-" | "+") unary | power
//   power   := primary (("^" | "**") unary)?      right-associative; -2^2 = -4
//   primary := number | constant | function "(" expr ("," expr)* ")" | "(" expr ")"
//
// Numbers: 12, 1.5, .5, 1e-3. Constants: pi, e, tau. Functions: sqrt,
// cbrt, abs, sign, round, floor, ceil, trunc, exp, ln, log (natural, or
// log(x, base)), log10, log2, sin, cos, tan, asin, acos, atan, atan2, sinh,
// cosh, tanh, pow, hypot, min, max (any number of arguments). "×", "÷" and
// "−" are read as *, / and -. % is the remainder (fmod).
//
// Bounded: the text's length, the nesting depth and the argument count are
// capped, so hostile input ends in an error, not a stack overflow. Division
// by zero and results that are not finite numbers are errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace Hearth::Tools {

struct ExpressionLimits {
    size_t maxLength = 1000;
    int maxDepth = 64;
    int maxArguments = 64;
};

struct ExpressionResult {
    std::optional<double> value;
    std::string error;  // "unexpected ')' at position 7", "division by zero"
};

ExpressionResult evaluateExpression(std::string_view text, const ExpressionLimits & limits = {});

// Shortest exact-looking form: integers without a point (up to 2^53), else up to 15 significant digits.
std::string formatNumber(double value);

}  // namespace Hearth::Tools
