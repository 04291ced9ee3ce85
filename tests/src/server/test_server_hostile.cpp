// The local server against hostile requests (issue 19, items 1, 4, 6, 7), in
// process over a scripted engine, so that a crash fails the test: JSON
// nested 20,000 and 100,000 levels deep in every field, other media types
// than JSON, NUL bytes, foreign Host headers (DNS rebinding), paths in
// /props and /v1/models, the Bearer scheme's case, Retry-After, logit_bias
// outside the vocabulary, tool_choice without tools, and tool calls to
// functions the request never offered. Every refusal must be a 4xx error
// object, nothing may reach the engine, and the server must stay alive.
#include <QtTest>
#include <set>
#include <thread>

#include "hostile_requests.h"
#include "in_process_server.h"
#include "server/request_checks.h"
#include "sse.h"

using nlohmann::json;
using server_test::chatBody;
using server_test::errorOf;
using server_test::InProcessServer;

namespace {

json weatherTools() {
    return json::array({{{"type", "function"},
                         {"function",
                          {{"name", "get_weather"},
                           {"parameters", {{"type", "object"}, {"properties", {{"city", {{"type", "string"}}}}}}}}}}});
}

// A raw request: the status and body the server answers.
std::string rawExchange(int port, const std::string & request) {
    const int fd = server_test::connectLoopback(port);
    if (fd < 0) return {};
    server_test::sendAll(fd, request);
    std::string response = server_test::readResponse(fd, 5000);
    ::close(fd);
    return response;
}

std::string rawPost(int port, const std::string & contentTypeLine, const std::string & body) {
    return rawExchange(port, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n" + contentTypeLine +
                                 "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

}  // namespace

class TestServerHostile : public QObject {
    Q_OBJECT
private slots:
    void depthBombsAre400_data() {
        QTest::addColumn<int>("depth");
        QTest::newRow("20000") << 20000;
        QTest::newRow("100000") << 100000;
    }
    void depthBombsAre400() {
        QFETCH(int, depth);
        Hearth::Server::ServerConfig config;
        config.maxBodyBytes = 4u << 20;
        InProcessServer s(config);
        s.engine->setScript({"x"});
        for (const server_test::HostileRequest & bomb : server_test::depthBombs(depth)) {
            auto r = s.client->Post(bomb.path.c_str(), bomb.body, "application/json");
            QVERIFY2(r, bomb.name.c_str());
            QVERIFY2(r->status == 400, (bomb.name + ": " + std::to_string(r->status) + " " + r->body).c_str());
            const json e = errorOf(r);
            QVERIFY2(e.is_object(), bomb.name.c_str());
            if (!bomb.param.empty()) QCOMPARE(e["param"].get<std::string>(), bomb.param);
            QCOMPARE(s.client->Get("/health")->status, 200);
        }
        QVERIFY(s.engine->requests().empty());
        // At a depth real schemas use, the same fields still work.
        json body = chatBody("hi");
        json schema = {{"type", "object"}};
        for (int i = 0; i < 20; ++i) schema = {{"type", "object"}, {"properties", {{"a", schema}}}};
        body["response_format"] = {{"type", "json_schema"}, {"json_schema", {{"name", "s"}, {"schema", schema}}}};
        QCOMPARE(s.post("/v1/chat/completions", body)->status, 200);
    }

    void jsonEndpointsNeedJsonContentType() {
        InProcessServer s;
        s.engine->setScript({"ok"});
        const std::string body = chatBody("hi").dump();
        // A page's cross-origin text/plain POST needs no preflight: it must not reach the parser.
        for (const std::string & type :
             std::vector<std::string>{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
            const std::string r = rawPost(s.port(), "Content-Type: " + type + "\r\n", body);
            QCOMPARE(server_test::statusOf(r), 415);
            QCOMPARE(json::parse(server_test::bodyOf(r))["error"]["code"], "unsupported_media_type");
        }
        QCOMPARE(server_test::statusOf(rawPost(s.port(), "", body)), 415);
        QVERIFY(s.engine->requests().empty());
        QCOMPARE(server_test::statusOf(rawPost(s.port(), "Content-Type: application/json; charset=utf-8\r\n", body)),
                 200);
        QCOMPARE(server_test::statusOf(rawPost(s.port(), "Content-Type: Application/JSON\r\n", body)), 200);
        auto r = s.client->Post("/v1/completions", json{{"prompt", "hi"}}.dump(), "text/plain");
        QCOMPARE(r->status, 415);
    }

    void nulBytesAreRefused() {
        InProcessServer s;
        s.engine->setScript({"ok"});
        std::string body = chatBody("hi").dump();
        body.insert(body.size() - 1, std::string(" \0 ", 3));
        auto r = s.client->Post("/v1/chat/completions", body, "application/json");
        QCOMPARE(r->status, 400);
        QVERIFY(errorOf(r)["message"].get<std::string>().find("NUL") != std::string::npos);
        json named = chatBody("hi");
        named["model"] = std::string("scripted\0", 9);
        r = s.post("/v1/chat/completions", named);
        QCOMPARE(r->status, 400);
        QCOMPARE(errorOf(r)["param"], "model");
        QVERIFY(s.engine->requests().empty());
    }

    void logitBiasKeysMustBeTokens() {
        InProcessServer s;
        s.engine->setScript({"ok"});
        for (const std::string & key :
             std::vector<std::string>{"4294967296", "2147483648", "-1", "abc", "1e3", " 5", ""}) {
            json body = chatBody("hi");
            body["logit_bias"] = {{key, 5}};
            auto r = s.post("/v1/chat/completions", body);
            QVERIFY2(r->status == 400, key.c_str());
            QCOMPARE(errorOf(r)["param"], "logit_bias");
        }
        QVERIFY(s.engine->requests().empty());
        json body = chatBody("hi");
        body["logit_bias"] = {{"15", -100}, {"7", 2.5}};
        QCOMPARE(s.post("/v1/chat/completions", body)->status, 200);
        const auto bias = s.engine->requests().back().sampling.logit_bias;
        QCOMPARE(bias.size(), size_t(2));
        QCOMPARE(bias[0].first + bias[1].first, 22);
    }

    void toolChoiceNeedsTools() {
        InProcessServer s;
        s.engine->setScript({"ok"});
        for (const json & choice :
             {json("required"), json("auto"), json{{"type", "function"}, {"function", {{"name", "get_weather"}}}}}) {
            json body = chatBody("hi");
            body["tool_choice"] = choice;
            auto r = s.post("/v1/chat/completions", body);
            QCOMPARE(r->status, 400);
            QCOMPARE(errorOf(r)["param"], "tool_choice");
            body["tools"] = json::array();
            QCOMPARE(s.post("/v1/chat/completions", body)->status, 400);
        }
        QVERIFY(s.engine->requests().empty());
        json body = chatBody("hi");
        body["tool_choice"] = "none";
        QCOMPARE(s.post("/v1/chat/completions", body)->status, 200);
    }

    void foreignHostIsRefused() {
        InProcessServer s;
        s.engine->setScript({"ok"});
        const std::string port = std::to_string(s.port());
        for (const std::string & host : std::vector<std::string>{
                 "evil.example.com", "evil.example.com:" + port, "127.0.0.1.evil.example",
                 "localhost.evil.example:" + port, "192.168.1.20:" + port, "[::2]:" + port, "127.0.0.1:80x", "[::1"}) {
            auto r = s.client->Get("/v1/models", {{"Host", host}});
            QVERIFY2(r && r->status == 403, host.c_str());
            QCOMPARE(errorOf(r)["code"], "host_not_allowed");
            r = s.post("/v1/chat/completions", chatBody("hi"), {{"Host", host}});
            QCOMPARE(r->status, 403);
        }
        QVERIFY(s.engine->requests().empty());
        for (const std::string & host :
             std::vector<std::string>{"127.0.0.1:" + port, "127.0.0.1", "localhost:" + port, "LocalHost",
                                      "[::1]:" + port, "[::1]", "127.8.9.10:" + port, "app.localhost:" + port}) {
            auto r = s.client->Get("/v1/models", {{"Host", host}});
            QVERIFY2(r && r->status == 200, host.c_str());
        }
        // HTTP/1.0 may leave Host out.
        QCOMPARE(server_test::statusOf(rawExchange(s.port(), "GET /health HTTP/1.0\r\n\r\n")), 200);

        // Listening on every interface, the Host can be any name the machine has.
        Hearth::Server::ServerConfig open;
        open.host = "0.0.0.0";
        InProcessServer wide(open);
        QCOMPARE(wide.client->Get("/v1/models", {{"Host", "evil.example.com"}})->status, 200);
    }

    void loopbackChecks() {
        using namespace Hearth::Server;
        for (const char * h : {"127.0.0.1", "127.1.2.3", "localhost", "::1", "LOCALHOST"})
            QVERIFY2(isLoopbackAddress(h), h);
        for (const char * h : {"", "0.0.0.0", "::", "192.168.1.2", "example.com", "128.0.0.1"})
            QVERIFY2(!isLoopbackAddress(h), h);
        QCOMPARE(bearerToken("Bearer abc"), std::optional<std::string>("abc"));
        QCOMPARE(bearerToken("bearer   abc "), std::optional<std::string>("abc"));
        QCOMPARE(bearerToken("BEARER abc"), std::optional<std::string>("abc"));
        QVERIFY(!bearerToken("Bearerabc"));
        QVERIFY(!bearerToken("Basic abc"));
        QVERIFY(!bearerToken("Bearer "));
        QCOMPARE(fileName("/home/u/models/x.gguf"), std::string("x.gguf"));
    }

    void namesNotPaths() {
        Hearth::Server::ServerConfig config;
        config.library = {{"other", "/home/someone/private/models/other.gguf", 1700000000, 1234}};
        InProcessServer s(config);
        for (const char * path : {"/props", "/v1/models", "/models"}) {
            auto r = s.client->Get(path);
            QCOMPARE(r->status, 200);
            QVERIFY2(r->body.find("/models/") == std::string::npos, r->body.c_str());
            QVERIFY2(r->body.find("/home/") == std::string::npos, r->body.c_str());
        }
        QCOMPARE(json::parse(s.client->Get("/props")->body)["model_path"], "scripted.gguf");
    }

    void bearerSchemeInAnyCase() {
        Hearth::Server::ServerConfig config;
        config.apiKey = "k-123";
        InProcessServer s(config);
        for (const char * auth : {"Bearer k-123", "bearer k-123", "BEARER  k-123"})
            QVERIFY2(s.client->Get("/v1/models", {{"Authorization", auth}})->status == 200, auth);
        for (const char * auth : {"Basic k-123", "Bearer k-12", "k-123"})
            QVERIFY2(s.client->Get("/v1/models", {{"Authorization", auth}})->status == 401, auth);
    }

    void busyAnswerSaysWhenToRetry() {
        Hearth::Server::ServerConfig config;
        config.maxPending = 1;
        InProcessServer s(config);
        s.engine->setScript(std::vector<std::string>(40, "x"), 25);
        std::thread first([&] {
            httplib::Client c("127.0.0.1", s.port());
            c.Post("/v1/chat/completions", chatBody("first").dump(), "application/json");
        });
        QTRY_VERIFY_WITH_TIMEOUT(!s.engine->requests().empty(), 5000);
        auto r = s.post("/v1/chat/completions", chatBody("second"));
        first.join();
        QCOMPARE(r->status, 503);
        QVERIFY(!r->get_header_value("Retry-After").empty());
        QVERIFY(std::stoi(r->get_header_value("Retry-After")) > 0);
    }

    void toolCallsOnlyForOfferedFunctions_data() {
        QTest::addColumn<bool>("stream");
        QTest::newRow("whole") << false;
        QTest::newRow("stream") << true;
    }
    void toolCallsOnlyForOfferedFunctions() {
        QFETCH(bool, stream);
        InProcessServer s;
        json body = chatBody("Weather in Paris?", stream);
        body["tools"] = weatherTools();
        const auto contentOf = [&](const httplib::Result & r, json & calls) {
            calls = json::array();
            if (!stream) {
                const json m = json::parse(r->body)["choices"][0]["message"];
                if (m.contains("tool_calls")) calls = m["tool_calls"];
                return m["content"].is_string() ? m["content"].get<std::string>() : std::string();
            }
            const server_test::SseStream sse = server_test::parseSse(r->body);
            for (const json & e : sse.events)
                if (!e["choices"].empty() && e["choices"][0]["delta"].contains("tool_calls"))
                    calls.push_back(e["choices"][0]["delta"]["tool_calls"][0]);
            return sse.content;
        };
        json calls;
        // A malformed block whose text looks like a GLM call to "Paris".
        s.engine->setScript({"<tool_call>Paris</tool_call>"});
        std::string content = contentOf(s.post("/v1/chat/completions", body), calls);
        QVERIFY(calls.empty());
        QCOMPARE(content, "<tool_call>Paris</tool_call>");
        // A well-formed call to a function the request did not offer.
        const std::string undeclared =
            "<tool_call>{\"name\": \"delete_files\", \"arguments\": {\"path\": \"/\"}}</tool_call>";
        s.engine->setScript({undeclared});
        content = contentOf(s.post("/v1/chat/completions", body), calls);
        QVERIFY(calls.empty());
        QCOMPARE(content, undeclared);
        // The offered one is a call.
        s.engine->setScript(
            {"<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>"});
        contentOf(s.post("/v1/chat/completions", body), calls);
        QCOMPARE(calls.size(), size_t(1));
        QCOMPARE(calls[0]["function"]["name"], "get_weather");
    }

    void toolCallIdsAreUnique() {
        InProcessServer s;
        json body = chatBody("Weather in Paris and Oslo?");
        body["tools"] = weatherTools();
        const std::string call = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"X\"}}</tool_call>";
        s.engine->setScript({call, call});
        std::set<std::string> ids;
        for (int i = 0; i < 3; ++i) {
            const json calls =
                json::parse(s.post("/v1/chat/completions", body)->body)["choices"][0]["message"]["tool_calls"];
            QCOMPARE(calls.size(), size_t(2));
            for (const json & c : calls) {
                const std::string id = c["id"];
                QVERIFY(id.rfind("call_", 0) == 0);
                QVERIFY2(ids.insert(id).second, id.c_str());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestServerHostile)
#include "test_server_hostile.moc"
