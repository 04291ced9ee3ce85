// A whole file as text, for commands that take a file argument (templates,
// grammars, schemas).
#pragma once

#include <string>

namespace Hearth::Cli {

// Throws hearth::Error(ErrorCode_io) naming the path when it cannot be read.
std::string readTextFile(const std::string & path);

}  // namespace Hearth::Cli
