// The set of built-in tools, made from the user's settings.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tools/builtin_tool.h"
#include "tools/file_tools.h"
#include "tools/url_fetch_tool.h"

namespace Hearth::Tools {

struct BuiltinToolSettings {
    std::vector<std::string> fileRoots;  // the file tools exist only when at least one folder is given
    FileToolOptions files;
    FetchOptions fetch;
};

// current_datetime, calculator, read_file and list_directory (with roots), fetch_url.
std::vector<std::unique_ptr<BuiltinTool>> makeBuiltinTools(const BuiltinToolSettings & settings);

}  // namespace Hearth::Tools
