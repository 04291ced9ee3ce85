// Python str operations on UTF-8 text, shared by filters and str methods.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hearth::jinja {

bool is_py_space(uint32_t cp);
// str.strip/lstrip/rstrip; `chars` null means whitespace.
std::string py_strip(std::string_view s, const std::string * chars, bool left, bool right);
// str.split(sep, maxsplit); null sep splits on runs of whitespace.
std::vector<std::string> py_split(std::string_view s, const std::string * sep, int64_t maxsplit);
std::vector<std::string> py_rsplit(std::string_view s, const std::string * sep, int64_t maxsplit);
std::string py_replace(std::string_view s, std::string_view old, std::string_view repl, int64_t count, size_t max_size);
std::string py_upper(std::string_view s);
std::string py_lower(std::string_view s);
std::string py_title(std::string_view s);       // str.title()
std::string py_capitalize(std::string_view s);  // str.capitalize()
std::vector<std::string> py_splitlines(std::string_view s);

}  // namespace hearth::jinja
