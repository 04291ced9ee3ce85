#include "tools/calculator_tool.h"

#include "tools/tool_result.h"

namespace Hearth::Tools {

using nlohmann::json;

std::string CalculatorTool::description() const {
    return "Evaluates an arithmetic expression exactly as written and returns the number. Supports + - * / "
           "% (remainder), ^ (power), parentheses, the constants pi, e and tau, and the functions sqrt, cbrt, abs, "
           "sign, round, floor, ceil, trunc, exp, ln, log (natural, or log(x, base)), log10, log2, sin, cos, tan, "
           "asin, acos, atan, atan2, sinh, cosh, tanh, pow, hypot, min and max. Angles are in radians.";
}

json CalculatorTool::inputSchema() const {
    return {{"type", "object"},
            {"properties",
             {{"expression",
               {{"type", "string"},
                {"description", "The expression, for example \"(3 + 4) * 2 ^ 10 / sqrt(2)\""},
                {"maxLength", m_limits.maxLength}}}}},
            {"required", json::array({"expression"})},
            {"additionalProperties", false}};
}

json CalculatorTool::call(const json & arguments, const ToolCallContext &) const {
    std::string error;
    const auto expression = stringArgument(arguments, "expression", error);
    if (!expression) return errorResult(error);
    const ExpressionResult r = evaluateExpression(*expression, m_limits);
    if (!r.value) return errorResult("cannot evaluate the expression: " + r.error);
    return textResult(formatNumber(*r.value), {{"result", *r.value}});
}

}  // namespace Hearth::Tools
