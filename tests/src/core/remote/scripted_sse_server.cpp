#include "scripted_sse_server.h"

#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>

namespace remote_test {

namespace {

using nlohmann::json;

std::string event(const json & chunk) {
    return "data: " + chunk.dump() + "\n\n";
}

json delta(const json & d, const json & finish = nullptr) {
    return {{"object", "chat.completion.chunk"},
            {"choices", json::array({{{"index", 0}, {"delta", d}, {"finish_reason", finish}}})}};
}

// The scripts: what the stream sends, as write() pieces; `drop` ends with a
// closed connection and no terminating chunk.
struct Script {
    std::vector<std::string> pieces;
    bool drop = false;
};

Script scriptFor(const std::string & model) {
    Script s;
    if (model == "pieces" || model == "auth") {
        const std::string all =
            ": a comment line\n\n" + event(delta({{"role", "assistant"}})) +
            event(delta({{"reasoning_content", "Let me "}})) + event(delta({{"reasoning", "think."}})) +
            event(delta({{"content", "Hel"}})) + "data: " + delta({{"content", "lo \u00e9"}}).dump() + "\r\n\r\n" +
            event(
                delta({{"tool_calls", json::array({{{"index", 0},
                                                    {"id", "call_a"},
                                                    {"type", "function"},
                                                    {"function", {{"name", "get_weather"}, {"arguments", ""}}}}})}})) +
            event(delta({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", "{\"ci"}}}}})}})) +
            event(delta({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", "ty\":\"Par"}}}}})}})) +
            event(delta({{"tool_calls", json::array({{{"index", 1},
                                                      {"id", "call_b"},
                                                      {"function", {{"name", "now"}, {"arguments", "{}"}}}}})}})) +
            event(delta({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", "is\"}"}}}}})}})) +
            event(delta(json::object(), "tool_calls")) +
            event({{"choices", json::array()}, {"usage", {{"prompt_tokens", 12}, {"completion_tokens", 7}}}}) +
            "data: [DONE]\n\n";
        // Cut into pieces of 7 bytes: lines, events and UTF-8 sequences split across writes.
        for (size_t i = 0; i < all.size(); i += 7) s.pieces.push_back(all.substr(i, 7));
    } else if (model == "malformed") {
        s.pieces = {event(delta({{"content", "Kept text"}})), "data: {\"choices\": [\n\n",
                    event(delta({{"content", "never"}}))};
    } else if (model == "drop") {
        s.pieces = {event(delta({{"content", "partial "}})), event(delta({{"content", "text"}}))};
        s.drop = true;
    } else if (model == "oversized") {
        s.pieces = {event(delta({{"content", "before"}})), "data: " + std::string(3 << 20, 'x')};
    } else if (model == "deep") {
        s.pieces = {event(delta({{"content", "shallow"}})),
                    "data: " + std::string(300, '[') + std::string(300, ']') + "\n\n"};
    } else if (model == "error") {
        s.pieces = {event(delta({{"content", "so far"}})), event({{"error", {{"message", "model overloaded"}}}})};
    } else if (model == "nodone") {
        s.pieces = {event(delta({{"content", "done"}})), event(delta(json::object(), "length"))};
    } else if (model == "badargs") {
        s.pieces = {
            event(delta(
                {{"tool_calls",
                  json::array({{{"index", 0}, {"id", "c"}, {"function", {{"name", "f"}, {"arguments", "{oops"}}}}})}})),
            event(delta(json::object(), "tool_calls")), "data: [DONE]\n\n"};
    } else if (model == "notsse") {
        s.pieces = {R"({"choices":[{"message":{"content":"hi"}}]})"};
    }
    return s;
}

}  // namespace

ScriptedSseServer::ScriptedSseServer() : m_server(std::make_unique<httplib::Server>()) {
    httplib::Server & srv = *m_server;
    srv.Get("/v1/models", [](const httplib::Request &, httplib::Response & res) {
        const json list = {{"object", "list"},
                           {"data", json::array({{{"id", "pieces"}, {"object", "model"}, {"max_model_len", 8192}},
                                                 {{"id", "slow"}, {"object", "model"}}})}};
        res.set_content(list.dump(), "application/json");
    });
    srv.Post("/v1/chat/completions", [this](const httplib::Request & req, httplib::Response & res) {
        {
            std::lock_guard lock(m_mutex);
            m_lastBody = req.body;
            m_lastAuth = req.get_header_value("Authorization");
        }
        const json body = json::parse(req.body, nullptr, false);
        const std::string model = body.is_object() ? body.value("model", "") : "";
        if (model == "auth" && req.get_header_value("Authorization") != "Bearer right") {
            res.status = 401;
            res.set_content(R"({"error":{"message":"Invalid API key.","type":"invalid_request_error"}})",
                            "application/json");
            return;
        }
        if (model == "slow") {
            res.set_chunked_content_provider("text/event-stream", [this](size_t, httplib::DataSink & sink) {
                for (int i = 0; i < 1000 && !m_stopping; ++i) {
                    const std::string e = event(delta({{"content", "tick "}}));
                    if (!sink.write(e.data(), e.size())) {
                        m_slowAbandoned = true;
                        return false;
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                }
                sink.done();
                return true;
            });
            return;
        }
        const Script script = scriptFor(model);
        res.set_chunked_content_provider("text/event-stream", [script](size_t, httplib::DataSink & sink) {
            for (const std::string & p : script.pieces) {
                sink.write(p.data(), p.size());
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            if (script.drop) return false;  // the connection closes without the last chunk
            sink.done();
            return true;
        });
    });
    m_port = srv.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    while (!m_server->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

ScriptedSseServer::~ScriptedSseServer() {
    m_stopping = true;
    m_server->stop();
    m_thread.join();
}

std::string ScriptedSseServer::lastBody() {
    std::lock_guard lock(m_mutex);
    return m_lastBody;
}

std::string ScriptedSseServer::lastAuthorization() {
    std::lock_guard lock(m_mutex);
    return m_lastAuth;
}

}  // namespace remote_test
