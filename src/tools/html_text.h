// htmlToText: the readable text of an HTML page for the URL fetch tool.
// Scripts, styles and comments are dropped, block elements become line
// breaks, list items "- ", entities are decoded and whitespace collapsed.
// One linear pass with no recursion, whatever the markup.
#pragma once

#include <string>
#include <string_view>

namespace Hearth::Tools {

std::string htmlToText(std::string_view html);

}  // namespace Hearth::Tools
