#include "tools/expression.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace Hearth::Tools {

namespace {

struct EvalError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

double checked(double v, const char * what) {
    if (!std::isfinite(v)) throw EvalError(std::string("the result of ") + what + " is not a finite number");
    return v;
}

class Parser {
public:
    Parser(std::string_view text, const ExpressionLimits & limits) : m_text(text), m_limits(limits) {}

    double parse() {
        const double v = expr();
        skipSpace();
        if (m_pos < m_text.size()) unexpected();
        return v;
    }

private:
    // Every cycle of the recursion (parentheses, function arguments, signs,
    // exponents) passes through unary(), so guarding it bounds the stack.
    struct Depth {
        Parser & p;
        explicit Depth(Parser & parser) : p(parser) {
            if (++p.m_depth > p.m_limits.maxDepth)
                throw EvalError("the expression is nested deeper than " + std::to_string(p.m_limits.maxDepth));
        }
        ~Depth() { --p.m_depth; }
    };

    void skipSpace() {
        while (m_pos < m_text.size() &&
               (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
            ++m_pos;
    }

    // Reads an operator spelled `ascii`, or its Unicode form `utf8` (may be empty).
    bool accept(std::string_view ascii, std::string_view utf8 = {}) {
        skipSpace();
        for (std::string_view s : {ascii, utf8}) {
            if (!s.empty() && m_text.substr(m_pos, s.size()) == s) {
                m_pos += s.size();
                return true;
            }
        }
        return false;
    }

    [[noreturn]] void unexpected() {
        if (m_pos >= m_text.size()) throw EvalError("the expression ends too early");
        const unsigned char c = static_cast<unsigned char>(m_text[m_pos]);
        const std::string shown = c >= 0x20 && c < 0x7f ? std::string(1, char(c)) : "byte " + std::to_string(c);
        throw EvalError("unexpected '" + shown + "' at position " + std::to_string(m_pos + 1));
    }

    double expr() {
        double v = term();
        for (;;) {
            if (accept("+"))
                v = checked(v + term(), "an addition");
            else if (accept("-", "\xE2\x88\x92"))
                v = checked(v - term(), "a subtraction");
            else
                return v;
        }
    }

    double term() {
        double v = unary();
        for (;;) {
            if (accept("*", "\xC3\x97")) {
                v = checked(v * unary(), "a multiplication");
            } else if (accept("/", "\xC3\xB7")) {
                const double d = unary();
                if (d == 0) throw EvalError("division by zero");
                v = checked(v / d, "a division");
            } else if (accept("%")) {
                const double d = unary();
                if (d == 0) throw EvalError("remainder of a division by zero");
                v = checked(std::fmod(v, d), "a remainder");
            } else {
                return v;
            }
        }
    }

    double unary() {
        Depth guard(*this);
        if (accept("-", "\xE2\x88\x92")) return -unary();
        if (accept("+")) return unary();
        return power();
    }

    double power() {
        const double base = primary();
        if (accept("**") || accept("^")) {
            const double exponent = unary();  // right-associative: 2^3^2 = 2^9
            return checked(std::pow(base, exponent), "a power");
        }
        return base;
    }

    double primary() {
        skipSpace();
        if (m_pos >= m_text.size()) unexpected();
        const char c = m_text[m_pos];
        if (c == '(') {
            ++m_pos;
            const double v = expr();
            if (!accept(")")) unexpected();
            return v;
        }
        if ((c >= '0' && c <= '9') || c == '.') return number();
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return identifier();
        unexpected();
    }

    double number() {
        const size_t start = m_pos;
        auto digits = [&] {
            size_t n = 0;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
                ++m_pos;
                ++n;
            }
            return n;
        };
        size_t n = digits();
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            ++m_pos;
            n += digits();
        }
        if (n == 0) {
            m_pos = start;
            unexpected();
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            const size_t mark = m_pos++;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
            if (digits() == 0) m_pos = mark;  // "2e" is 2 followed by the constant e: left to the caller
        }
        const std::string literal(m_text.substr(start, m_pos - start));
        const double v = std::strtod(literal.c_str(), nullptr);
        if (!std::isfinite(v)) throw EvalError("the number " + literal.substr(0, 32) + " is too large");
        return v;
    }

    double identifier() {
        const size_t start = m_pos;
        while (m_pos < m_text.size() &&
               (std::isalnum(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '_'))
            ++m_pos;
        const std::string name(m_text.substr(start, m_pos - start));
        if (name == "pi") return std::numbers::pi;
        if (name == "e") return std::numbers::e;
        if (name == "tau") return 2 * std::numbers::pi;
        if (!accept("("))
            throw EvalError("unknown name '" + name.substr(0, 32) + "' at position " + std::to_string(start + 1));
        if (!isFunction(name))
            throw EvalError("unknown function '" + name.substr(0, 32) + "' at position " + std::to_string(start + 1));
        std::vector<double> args;
        if (!accept(")")) {
            do {
                if (int(args.size()) >= m_limits.maxArguments)
                    throw EvalError(name + "() has more than " + std::to_string(m_limits.maxArguments) + " arguments");
                args.push_back(expr());
            } while (accept(","));
            if (!accept(")")) unexpected();
        }
        return call(name, args, start);
    }

    static bool isFunction(const std::string & name);
    static double call(const std::string & name, const std::vector<double> & a, size_t at);

    std::string_view m_text;
    const ExpressionLimits & m_limits;
    size_t m_pos = 0;
    int m_depth = 0;
};

using Fn1 = double (*)(double);
struct UnaryFunction {
    const char * name;
    Fn1 fn;
};
const UnaryFunction kUnary[] = {{"sqrt", [](double x) { return std::sqrt(x); }},
                                {"cbrt", [](double x) { return std::cbrt(x); }},
                                {"abs", [](double x) { return std::fabs(x); }},
                                {"round", [](double x) { return std::round(x); }},
                                {"floor", [](double x) { return std::floor(x); }},
                                {"ceil", [](double x) { return std::ceil(x); }},
                                {"trunc", [](double x) { return std::trunc(x); }},
                                {"exp", [](double x) { return std::exp(x); }},
                                {"ln", [](double x) { return std::log(x); }},
                                {"log10", [](double x) { return std::log10(x); }},
                                {"log2", [](double x) { return std::log2(x); }},
                                {"sin", [](double x) { return std::sin(x); }},
                                {"cos", [](double x) { return std::cos(x); }},
                                {"tan", [](double x) { return std::tan(x); }},
                                {"asin", [](double x) { return std::asin(x); }},
                                {"acos", [](double x) { return std::acos(x); }},
                                {"atan", [](double x) { return std::atan(x); }},
                                {"sinh", [](double x) { return std::sinh(x); }},
                                {"cosh", [](double x) { return std::cosh(x); }},
                                {"tanh", [](double x) { return std::tanh(x); }},
                                {"sign", [](double x) { return double((x > 0) - (x < 0)); }}};
const char * const kOtherFunctions[] = {"log", "pow", "atan2", "hypot", "min", "max"};

bool Parser::isFunction(const std::string & name) {
    for (const auto & f : kUnary)
        if (name == f.name) return true;
    for (const char * f : kOtherFunctions)
        if (name == f) return true;
    return false;
}

double Parser::call(const std::string & name, const std::vector<double> & a, size_t at) {
    const auto arity = [&](size_t lo, size_t hi) {
        if (a.size() < lo || a.size() > hi)
            throw EvalError(name + "() takes " +
                            (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) +
                            " argument" + (hi == 1 ? "" : "s") + ", got " + std::to_string(a.size()));
    };
    const std::string what = name + "()";
    for (const auto & f : kUnary) {
        if (name != f.name) continue;
        arity(1, 1);
        return checked(f.fn(a[0]), what.c_str());
    }
    if (name == "log") {
        arity(1, 2);
        if (a.size() == 1) return checked(std::log(a[0]), what.c_str());
        return checked(std::log(a[0]) / std::log(a[1]), what.c_str());
    }
    if (name == "pow" || name == "atan2" || name == "hypot") {
        arity(2, 2);
        const double v = name == "pow"     ? std::pow(a[0], a[1])
                         : name == "atan2" ? std::atan2(a[0], a[1])
                                           : std::hypot(a[0], a[1]);
        return checked(v, what.c_str());
    }
    if (name == "min" || name == "max") {
        if (a.empty()) throw EvalError(name + "() needs at least one argument");
        double v = a[0];
        for (double x : a) v = name == "min" ? std::fmin(v, x) : std::fmax(v, x);
        return v;
    }
    throw EvalError("unknown function '" + name.substr(0, 32) + "' at position " + std::to_string(at + 1));
}

}  // namespace

ExpressionResult evaluateExpression(std::string_view text, const ExpressionLimits & limits) {
    ExpressionResult r;
    if (text.size() > limits.maxLength) {
        r.error = "the expression is longer than " + std::to_string(limits.maxLength) + " characters";
        return r;
    }
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        r.error = "the expression is empty";
        return r;
    }
    try {
        double v = Parser(text, limits).parse();
        r.value = v == 0 ? 0.0 : v;  // no "-0"
    } catch (const EvalError & e) {
        r.error = e.what();
    }
    return r;
}

std::string formatNumber(double value) {
    char buf[64];
    if (std::fabs(value) < 9007199254740992.0 && value == std::trunc(value))
        std::snprintf(buf, sizeof buf, "%.0f", value);
    else
        std::snprintf(buf, sizeof buf, "%.15g", value);
    return buf;
}

}  // namespace Hearth::Tools
