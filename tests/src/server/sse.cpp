#include "sse.h"

#include <sstream>

namespace server_test {

SseStream parseSse(const std::string & body) {
    SseStream s;
    std::istringstream in(body);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == ':') continue;
        if (line.rfind("data: ", 0) != 0) {
            s.wellFormed = false;
            continue;
        }
        const std::string data = line.substr(6);
        if (s.done) s.wellFormed = false;
        if (data == "[DONE]") {
            s.done = true;
            continue;
        }
        nlohmann::json j = nlohmann::json::parse(data, nullptr, false);
        if (j.is_discarded()) {
            s.wellFormed = false;
            continue;
        }
        if (j.contains("choices") && j["choices"].is_array() && !j["choices"].empty()) {
            const nlohmann::json & c = j["choices"][0];
            if (c.contains("delta")) {
                const nlohmann::json & d = c["delta"];
                if (d.contains("content") && d["content"].is_string()) s.content += d["content"].get<std::string>();
                if (d.contains("reasoning_content") && d["reasoning_content"].is_string())
                    s.reasoning += d["reasoning_content"].get<std::string>();
            }
            if (c.contains("text") && c["text"].is_string()) s.content += c["text"].get<std::string>();
            if (c.contains("finish_reason") && c["finish_reason"].is_string())
                s.finishReason = c["finish_reason"].get<std::string>();
        }
        s.events.push_back(std::move(j));
    }
    return s;
}

}  // namespace server_test
