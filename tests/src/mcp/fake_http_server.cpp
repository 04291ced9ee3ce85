#include "fake_http_server.h"

#include <httplib.h>

using nlohmann::json;

namespace mcp_test {

namespace {

std::string event(const json & m) {
    return "event: message\ndata: " + m.dump() + "\n\n";
}

json response(const json & id, const json & result) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"result", result}};
}

json textResult(const std::string & t) {
    return {{"content", json::array({{{"type", "text"}, {"text", t}}})}};
}

}  // namespace

FakeHttpServer::FakeHttpServer() : m_server(std::make_unique<httplib::Server>()) {
    httplib::Server & s = *m_server;
    s.Post("/mcp", [this](const httplib::Request & req, httplib::Response & res) {
        RecordedRequest r{"POST",
                          req.path,
                          req.get_header_value("Mcp-Session-Id"),
                          req.get_header_value("MCP-Protocol-Version"),
                          req.get_header_value("Authorization"),
                          req.get_header_value("Accept"),
                          json::parse(req.body, nullptr, false)};
        const json m = r.body;
        record(r);
        if (r.authorization != kToken) {
            res.status = 401;
            res.set_content(R"({"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":null})",
                            "application/json");
            return;
        }
        const bool isInit = m.value("method", "") == "initialize";
        if (!isInit && m_expired && r.session == kSession) {
            res.status = 404;
            res.set_content("session not found", "text/plain");
            return;
        }
        if (!isInit && r.session != kSession) {
            res.status = 400;
            res.set_content(R"({"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: No valid session ID"}})",
                            "application/json");
            return;
        }
        if (!m.contains("method") || !m.contains("id")) {  // a notification, or an answer to our ping
            if (m.value("id", json()) == "srv-ping") {
                std::lock_guard lock(m_mutex);
                m_gotPong = m.contains("result");
                m_changed.notify_all();
            }
            res.status = 202;
            return;
        }
        const std::string method = m["method"];
        const std::string tool = method == "tools/call" ? m["params"].value("name", "") : "";
        const json id = m["id"];
        if (isInit) res.set_header("Mcp-Session-Id", kSession);
        if (method == "tools/list" || tool == "slow" || tool == "ping_then_answer" || tool == "drop" ||
            tool == "hang") {
            const json token =
                m.value("params", json::object()).value("_meta", json::object()).value("progressToken", json());
            res.set_chunked_content_provider(
                "text/event-stream", [this, m, id, tool, token](size_t, httplib::DataSink & sink) {
                    const auto write = [&](const std::string & text) { return sink.write(text.data(), text.size()); };
                    write(": opened\n\nid: e1\ndata:\n\n");  // a comment, then a priming event without data
                    if (tool == "slow") {
                        for (int i = 1; i <= 3; ++i) {
                            std::this_thread::sleep_for(std::chrono::milliseconds(50));
                            write(event({{"jsonrpc", "2.0"},
                                         {"method", "notifications/progress"},
                                         {"params", {{"progressToken", token}, {"progress", i}, {"total", 3}}}}));
                        }
                    } else if (tool == "ping_then_answer") {
                        write(event({{"jsonrpc", "2.0"}, {"id", "srv-ping"}, {"method", "ping"}}));
                        std::unique_lock lock(m_mutex);
                        m_changed.wait_for(lock, std::chrono::seconds(5), [this] { return m_gotPong; });
                        lock.unlock();  // answer() takes it again
                    } else if (tool == "drop") {
                        sink.done();
                        return true;
                    } else if (tool == "hang") {
                        for (int i = 0; i < 200 && !m_stopping && sink.is_writable(); ++i) {
                            std::this_thread::sleep_for(std::chrono::milliseconds(50));
                            if (!write(": waiting\n\n")) break;
                        }
                        sink.done();
                        return true;
                    }
                    write(event(response(id, answer(m))));
                    sink.done();
                    return true;
                });
            return;
        }
        res.set_content(response(id, answer(m)).dump(), "application/json");
    });

    s.Get("/mcp", [this](const httplib::Request & req, httplib::Response & res) {
        record({"GET", req.path, req.get_header_value("Mcp-Session-Id"), req.get_header_value("MCP-Protocol-Version"),
                req.get_header_value("Authorization"), req.get_header_value("Accept"), json()});
        if (m_refuseGet) {
            res.status = 405;
            return;
        }
        if (req.get_header_value("Mcp-Session-Id") != kSession) {
            res.status = 400;
            return;
        }
        res.set_chunked_content_provider("text/event-stream", [this](size_t, httplib::DataSink & sink) {
            streamPushed(sink);
            return true;
        });
    });

    s.Delete("/mcp", [this](const httplib::Request & req, httplib::Response & res) {
        record({"DELETE", req.path, req.get_header_value("Mcp-Session-Id"), "", req.get_header_value("Authorization"),
                "", json()});
        m_deleted = req.get_header_value("Mcp-Session-Id") == kSession;
        res.status = 200;
    });

    // The 2024-11-05 transport: an event stream that names where to POST, and carries every answer.
    s.Get("/sse", [this](const httplib::Request & req, httplib::Response & res) {
        record(
            {"GET", req.path, "", "", req.get_header_value("Authorization"), req.get_header_value("Accept"), json()});
        res.set_chunked_content_provider("text/event-stream", [this](size_t, httplib::DataSink & sink) {
            const std::string hello = "event: endpoint\ndata: /messages?sessionId=legacy\n\n";
            sink.write(hello.data(), hello.size());
            streamPushed(sink);
            return true;
        });
    });
    s.Post("/messages", [this](const httplib::Request & req, httplib::Response & res) {
        const json m = json::parse(req.body, nullptr, false);
        record({"POST", req.path + "?" + req.get_param_value("sessionId"), "", "",
                req.get_header_value("Authorization"), req.get_header_value("Accept"), m});
        if (m.contains("method") && m.contains("id")) push(response(m["id"], answer(m)));
        res.status = 202;
        res.set_content("Accepted", "text/plain");
    });

    m_port = s.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    while (!m_server->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeHttpServer::~FakeHttpServer() {
    m_stopping = true;
    m_changed.notify_all();
    m_server->stop();
    m_thread.join();
}

std::string FakeHttpServer::url() const {
    return "http://127.0.0.1:" + std::to_string(m_port) + "/mcp";
}
std::string FakeHttpServer::sseUrl() const {
    return "http://127.0.0.1:" + std::to_string(m_port) + "/sse";
}

void FakeHttpServer::record(RecordedRequest r) {
    std::lock_guard lock(m_mutex);
    m_requests.push_back(std::move(r));
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
}

int FakeHttpServer::count(const std::string & httpMethod, const std::string & rpcMethod) const {
    std::lock_guard lock(m_mutex);
    int n = 0;
    for (const RecordedRequest & r : m_requests)
        if (r.method == httpMethod &&
            (rpcMethod.empty() || (r.body.is_object() && r.body.value("method", "") == rpcMethod)))
            ++n;
    return n;
}

void FakeHttpServer::streamPushed(httplib::DataSink & sink) {
    ++m_listeners;
    while (!m_stopping && sink.is_writable()) {
        std::unique_lock lock(m_mutex);
        m_changed.wait_for(lock, std::chrono::milliseconds(50), [this] { return !m_toListener.empty(); });
        while (!m_toListener.empty()) {
            const std::string e = m_toListener.front();
            m_toListener.pop_front();
            sink.write(e.data(), e.size());
        }
    }
    --m_listeners;
    sink.done();
}

void FakeHttpServer::push(const json & message) {
    std::lock_guard lock(m_mutex);
    m_toListener.push_back(event(message));
    m_changed.notify_all();
}

json FakeHttpServer::answer(const json & m) {
    const std::string method = m.value("method", "");
    if (method == "initialize")
        return {{"protocolVersion", m["params"].value("protocolVersion", "")},
                {"capabilities", {{"tools", {{"listChanged", true}}}}},
                {"serverInfo", {{"name", "fake-http"}, {"version", "1"}}}};
    if (method == "ping") return json::object();
    if (method == "tools/list")
        return {{"tools", json::array({{{"name", "echo"}, {"inputSchema", {{"type", "object"}}}},
                                       {{"name", "slow"}, {"inputSchema", {{"type", "object"}}}}})}};
    const json params = m.value("params", json::object());
    const std::string tool = params.value("name", "");
    if (tool == "echo") return textResult("Echo: " + params.value("arguments", json::object()).value("message", ""));
    if (tool == "slow") return textResult("slow done");
    if (tool == "big") return textResult(std::string(200000, 'b'));
    if (tool == "ping_then_answer") {
        std::lock_guard lock(m_mutex);
        return textResult(m_gotPong ? "pong" : "no pong");
    }
    return {{"content", json::array()}, {"isError", true}};
}

}  // namespace mcp_test
