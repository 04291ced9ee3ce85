// Reading a server-sent-event body the way OpenAI clients do: `data:` lines,
// comment lines (": ...") ignored, `data: [DONE]` last.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace server_test {

struct SseStream {
    std::vector<nlohmann::json> events;  // every data line but [DONE], parsed
    bool done = false;                   // `data: [DONE]` was the last data line
    bool wellFormed = true;              // every data line parsed, nothing after [DONE]
    std::string content;                 // concatenated choices[0].delta.content (or .text)
    std::string reasoning;               // concatenated choices[0].delta.reasoning_content
    std::string finishReason;
};

SseStream parseSse(const std::string & body);

}  // namespace server_test
