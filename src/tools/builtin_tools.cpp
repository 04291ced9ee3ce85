#include "tools/builtin_tools.h"

#include "tools/calculator_tool.h"
#include "tools/datetime_tool.h"

namespace Hearth::Tools {

std::vector<std::unique_ptr<BuiltinTool>> makeBuiltinTools(const BuiltinToolSettings & settings) {
    std::vector<std::unique_ptr<BuiltinTool>> tools;
    tools.push_back(std::make_unique<DateTimeTool>());
    tools.push_back(std::make_unique<CalculatorTool>());
    if (!settings.fileRoots.empty()) {
        auto roots = std::make_shared<const FileRoots>(settings.fileRoots);
        tools.push_back(std::make_unique<ReadFileTool>(roots, settings.files));
        tools.push_back(std::make_unique<ListDirectoryTool>(roots, settings.files));
    }
    tools.push_back(std::make_unique<UrlFetchTool>(settings.fetch));
    return tools;
}

}  // namespace Hearth::Tools
