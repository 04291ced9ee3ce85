// The date-and-time tool: the current local date, time, weekday and time
// zone, and the same moment in UTC, so a model can answer "what day is it".
#pragma once

#include <ctime>

#include "tools/builtin_tool.h"

namespace Hearth::Tools {

// The description of one moment in the process's time zone (TZ): text and structured form.
nlohmann::json describeMoment(std::time_t t);

class DateTimeTool : public BuiltinTool {
public:
    std::string name() const override { return "current_datetime"; }
    std::string description() const override;
    nlohmann::json inputSchema() const override;
    ToolPolicy policy() const override { return {}; }
    nlohmann::json call(const nlohmann::json & arguments, const ToolCallContext & context) const override;
};

}  // namespace Hearth::Tools
