#include "server/logprobs_json.h"

namespace Hearth::Server {

namespace {

nlohmann::json bytesOf(const std::string & piece) {
    nlohmann::json bytes = nlohmann::json::array();
    for (unsigned char c : piece) bytes.push_back(int(c));
    return bytes;
}

}  // namespace

nlohmann::json chatLogprobs(const std::vector<hearth::TokenLogprob> & tokens) {
    nlohmann::json content = nlohmann::json::array();
    for (const hearth::TokenLogprob & t : tokens) {
        nlohmann::json top = nlohmann::json::array();
        for (const hearth::TokenLogprob::Alternative & a : t.top)
            top.push_back({{"token", a.piece}, {"logprob", a.logprob}, {"bytes", bytesOf(a.piece)}});
        content.push_back({{"token", t.piece},
                           {"logprob", t.logprob},
                           {"bytes", bytesOf(t.piece)},
                           {"top_logprobs", std::move(top)}});
    }
    return content;
}

nlohmann::json completionLogprobs(const std::vector<hearth::TokenLogprob> & tokens, size_t & textOffset) {
    nlohmann::json out = {{"tokens", nlohmann::json::array()},
                          {"token_logprobs", nlohmann::json::array()},
                          {"top_logprobs", nlohmann::json::array()},
                          {"text_offset", nlohmann::json::array()}};
    for (const hearth::TokenLogprob & t : tokens) {
        out["tokens"].push_back(t.piece);
        out["token_logprobs"].push_back(t.logprob);
        nlohmann::json top = nlohmann::json::object();
        for (const hearth::TokenLogprob::Alternative & a : t.top)
            if (!top.contains(a.piece)) top[a.piece] = a.logprob;  // two tokens can share a text
        out["top_logprobs"].push_back(std::move(top));
        out["text_offset"].push_back(textOffset);
        textOffset += t.piece.size();
    }
    return out;
}

}  // namespace Hearth::Server
