// A scripted OpenAI-compatible endpoint on 127.0.0.1 (a free port) for the
// remote engine's tests: POST /v1/chat/completions streams the script named
// by the request's "model", GET /v1/models lists two models. Scripts: good
// streams (reasoning, content, tool calls in pieces, lines split across
// writes), and broken ones (malformed JSON, a dropped connection, an
// oversized line, deep nesting, an error event, an endless slow stream for
// cancel). "auth" wants "Authorization: Bearer right" and answers 401
// otherwise. Each request's body and Authorization header are recorded.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace remote_test {

class ScriptedSseServer {
public:
    ScriptedSseServer();
    ~ScriptedSseServer();

    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    std::string lastBody();
    std::string lastAuthorization();
    // Whether the slow stream noticed its client left.
    bool slowStreamAbandoned() const { return m_slowAbandoned; }

private:
    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    int m_port = 0;
    std::mutex m_mutex;
    std::string m_lastBody;
    std::string m_lastAuth;
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_slowAbandoned{false};
};

}  // namespace remote_test
