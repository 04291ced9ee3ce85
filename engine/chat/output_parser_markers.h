// The literal markers the output parser looks for, shared by its parts.
#pragma once

#include <cstddef>
#include <string_view>

namespace hearth::output_parser_detail {

inline constexpr std::string_view k_think_open = "<think>";
inline constexpr std::string_view k_think_close = "</think>";
inline constexpr std::string_view k_tool_open = "<tool_call>";  // Hermes, Qwen
inline constexpr std::string_view k_tool_close = "</tool_call>";
inline constexpr std::string_view k_python_tag = "<|python_tag|>";  // Llama 3.1+
inline constexpr std::string_view k_mistral_calls = "[TOOL_CALLS]";
inline constexpr std::string_view k_mistral_args = "[ARGS]";
inline constexpr std::string_view k_mistral_call_id = "[CALL_ID]";

// A Mistral function name or call id longer than this is not one.
inline constexpr std::size_t k_max_mistral_word = 256;

}  // namespace hearth::output_parser_detail
