#include "file_text.h"

#include <fstream>
#include <sstream>

#include "hearth/error.h"

namespace Hearth::Cli {

std::string readTextFile(const std::string & path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw hearth::Error(hearth::ErrorCode_io, "cannot open " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace Hearth::Cli
