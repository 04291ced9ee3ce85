// The calculator tool: evaluates an arithmetic expression with Hearth's own
// parser (tools/expression.h); nothing the model writes is ever executed.
#pragma once

#include "tools/builtin_tool.h"
#include "tools/expression.h"

namespace Hearth::Tools {

class CalculatorTool : public BuiltinTool {
public:
    std::string name() const override { return "calculator"; }
    std::string description() const override;
    nlohmann::json inputSchema() const override;
    nlohmann::json call(const nlohmann::json & arguments, const ToolCallContext & context) const override;

private:
    ExpressionLimits m_limits;
};

}  // namespace Hearth::Tools
