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

// OpenAI harmony (gpt-oss).
inline constexpr std::string_view k_harmony_start = "<|start|>";
inline constexpr std::string_view k_harmony_channel = "<|channel|>";
inline constexpr std::string_view k_harmony_message = "<|message|>";
inline constexpr std::string_view k_harmony_constrain = "<|constrain|>";
inline constexpr std::string_view k_harmony_end = "<|end|>";
inline constexpr std::string_view k_harmony_call = "<|call|>";
inline constexpr std::string_view k_harmony_return = "<|return|>";
inline constexpr std::string_view k_harmony_recipient = " to=";  // in a header
// A harmony header longer than this is not one.
inline constexpr std::size_t k_max_harmony_header = 512;

// Tool-call JSON a model writes nests far less than this; deeper is refused
// before parsing (converting and dumping recurse).
inline constexpr int k_max_output_json_depth = 128;

// A Mistral function name or call id longer than this is not one.
inline constexpr std::size_t k_max_mistral_word = 256;

}  // namespace hearth::output_parser_detail
