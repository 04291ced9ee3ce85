// The server's protocol layer in-process, over a scripted engine that emits
// fixed text through the real output parser: tool calls, reasoning, json
// mode, parameter mapping, error objects, CORS and API keys, queueing order,
// and that a client's disconnect cancels its generation. (Random-weight
// fixture models never write a <tool_call>; the process tests cover the
// real engine.)
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QtTest>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/fixtures.h"
#include "hostile_requests.h"
#include "scripted_engine.h"
#include "server/api_server.h"
#include "sse.h"

using nlohmann::json;
using server_test::ScriptedEngine;

namespace {

const char * kToolCall = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";

json weatherTools() {
    return json::parse(R"([{"type":"function","function":{"name":"get_weather","description":"Weather in a city",
        "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}])");
}

struct Harness {
    std::unique_ptr<ScriptedEngine> engine;
    std::unique_ptr<Hearth::Server::ApiServer> server;
    std::unique_ptr<httplib::Client> client;

    explicit Harness(Hearth::Server::ServerConfig config = {},
                     const std::string & templateFile = "templates/source/Qwen-Qwen3-0.6B.jinja") {
        Hearth::Server::ServedModel m;
        m.id = "scripted";
        m.path = "/models/scripted.gguf";
        m.nCtx = 4096;
        m.chatTemplate = std::make_shared<const hearth::ChatTemplate>(
            hearth::ChatTemplate::from_file(hearth_test::fixture(templateFile)));
        m.toolFormat = hearth::tool_call_format_for_template(m.chatTemplate->source());
        m.special = {"", "<|im_end|>"};
        engine = std::make_unique<ScriptedEngine>(m);
        config.port = 0;
        server = std::make_unique<Hearth::Server::ApiServer>(*engine, config);
        const int port = server->start();
        client = std::make_unique<httplib::Client>("127.0.0.1", port);
        client->set_read_timeout(30, 0);
    }
    httplib::Result post(const std::string & path, const json & body, const httplib::Headers & headers = {}) {
        return client->Post(path.c_str(), headers, body.dump(), "application/json");
    }
};

json chatBody(const std::string & text, bool stream = false) {
    return {
        {"model", "scripted"}, {"stream", stream}, {"messages", json::array({{{"role", "user"}, {"content", text}}})}};
}

json errorOf(const httplib::Result & r) {
    json j = json::parse(r->body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"] : json();
}

}  // namespace

class TestServerProtocol : public QObject {
    Q_OBJECT
private slots:
    void toolCallNonStreaming() {
        Harness h;
        h.engine->setScript({"Let me check.", "\n", kToolCall});
        json body = chatBody("What is the weather in Paris?");
        body["tools"] = weatherTools();
        auto r = h.post("/v1/chat/completions", body);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const json j = json::parse(r->body);
        QCOMPARE(j["object"], "chat.completion");
        const json & choice = j["choices"][0];
        QCOMPARE(choice["finish_reason"], "tool_calls");
        QCOMPARE(choice["message"]["content"], "Let me check.\n");
        QCOMPARE(choice["message"]["tool_calls"].size(), size_t(1));
        const json & call = choice["message"]["tool_calls"][0];
        QCOMPARE(call["type"], "function");
        QCOMPARE(call["function"]["name"], "get_weather");
        QCOMPARE(json::parse(call["function"]["arguments"].get<std::string>()), json({{"city", "Paris"}}));
        QVERIFY(call["id"].get<std::string>().size() > 0);
        QCOMPARE(j["usage"]["completion_tokens"], 3);
        // The tools reached the template: Qwen3 lists them in the system turn.
        const std::string prompt = h.engine->requests().back().prompt;
        QVERIFY(prompt.find("get_weather") != std::string::npos);
        QVERIFY(prompt.find("<tools>") != std::string::npos);
    }

    void toolCallStreaming() {
        Harness h;
        // The tag split across pieces, as a tokenizer would cut it.
        h.engine->setScript({"<tool", "_call>\n{\"name\": \"get_weather\", ", "\"arguments\": {\"city\": \"Oslo\"}}",
                             "\n</tool_call>"});
        json body = chatBody("Weather in Oslo?", true);
        body["tools"] = weatherTools();
        body["stream_options"] = {{"include_usage", true}};
        auto r = h.post("/v1/chat/completions", body);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(r->get_header_value("Content-Type").find("text/event-stream") == 0);
        const auto s = server_test::parseSse(r->body);
        QVERIFY(s.wellFormed);
        QVERIFY(s.done);
        QCOMPARE(s.finishReason, "tool_calls");
        QCOMPARE(s.content, "");
        QCOMPARE(s.events.front()["choices"][0]["delta"]["role"], "assistant");
        int calls = 0;
        for (const json & e : s.events) {
            if (e["choices"].empty()) continue;
            const json & d = e["choices"][0]["delta"];
            if (!d.contains("tool_calls")) continue;
            ++calls;
            QCOMPARE(d["tool_calls"][0]["index"], 0);
            QCOMPARE(d["tool_calls"][0]["function"]["name"], "get_weather");
            QCOMPARE(d["tool_calls"][0]["function"]["arguments"], "{\"city\":\"Oslo\"}");
        }
        QCOMPARE(calls, 1);
        // include_usage: a last chunk with no choices and the counts.
        const json & last = s.events.back();
        QVERIFY(last["choices"].empty());
        QCOMPARE(last["usage"]["completion_tokens"], 4);
    }

    void toolChoiceNoneDisablesParsing() {
        Harness h;
        h.engine->setScript({kToolCall});
        json body = chatBody("Weather?");
        body["tools"] = weatherTools();
        body["tool_choice"] = "none";
        auto r = h.post("/v1/chat/completions", body);
        QCOMPARE(r->status, 200);
        const json j = json::parse(r->body);
        QCOMPARE(j["choices"][0]["finish_reason"], "stop");
        QVERIFY(!j["choices"][0]["message"].contains("tool_calls"));
        QVERIFY(j["choices"][0]["message"]["content"].get<std::string>().find("<tool_call>") != std::string::npos);
    }

    void reasoningIsSeparate() {
        Harness h;
        h.engine->setScript({"<think>", "\nThe user greets me.\n", "</think>", "\n\nHello", " there!"});
        auto r = h.post("/v1/chat/completions", chatBody("Hi"));
        QCOMPARE(r->status, 200);
        const json m = json::parse(r->body)["choices"][0]["message"];
        QCOMPARE(m["reasoning_content"], "The user greets me.");
        QCOMPARE(m["content"], "Hello there!");

        auto rs = h.post("/v1/chat/completions", chatBody("Hi", true));
        const auto s = server_test::parseSse(rs->body);
        QVERIFY(s.done && s.wellFormed);
        QCOMPARE(s.reasoning, "The user greets me.");
        QCOMPARE(s.content, "Hello there!");
        QCOMPARE(s.finishReason, "stop");
    }

    void parametersReachTheEngine() {
        Harness h;
        h.engine->setScript({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
        json body = chatBody("Count");
        body.update({{"temperature", 0.25},
                     {"top_p", 0.5},
                     {"seed", 1234},
                     {"presence_penalty", 0.5},
                     {"frequency_penalty", -0.75},
                     {"stop", json::array({"END", "STOP"})},
                     {"max_tokens", 9},
                     {"max_completion_tokens", 7}});
        auto r = h.post("/v1/chat/completions", body);
        QCOMPARE(r->status, 200);
        const hearth::GenerateRequest g = h.engine->requests().back();
        QCOMPARE(g.sampling.temperature, 0.25f);
        QCOMPARE(g.sampling.top_p, 0.5f);
        QCOMPARE(g.sampling.seed, uint64_t(1234));
        QCOMPARE(g.sampling.presence_penalty, 0.5f);
        QCOMPARE(g.sampling.frequency_penalty, -0.75f);
        QCOMPARE(g.stop, (std::vector<std::string>{"END", "STOP"}));
        QCOMPARE(g.n_predict, 7);  // max_completion_tokens wins
        QVERIFY(g.prompt.find("<|im_start|>user\nCount<|im_end|>\n<|im_start|>assistant\n") != std::string::npos);
        const json j = json::parse(r->body);
        QCOMPARE(j["choices"][0]["finish_reason"], "length");
        QCOMPARE(j["choices"][0]["message"]["content"], "abcdefg");
        QCOMPARE(j["usage"]["completion_tokens"], 7);
    }

    void jsonModeInstructsAndExtracts() {
        Harness h;
        h.engine->setScript({"Sure:\n```json\n", "{\"ok\": true, \"n\": [1, 2]}", "\n```"});
        json body = chatBody("Give me a status object");
        body["response_format"] = {{"type", "json_object"}};
        auto r = h.post("/v1/chat/completions", body);
        QCOMPARE(r->status, 200);
        const std::string content = json::parse(r->body)["choices"][0]["message"]["content"];
        QCOMPARE(json::parse(content), json::parse(R"({"ok": true, "n": [1, 2]})"));
        QVERIFY(h.engine->requests().back().prompt.find("Respond only with a valid JSON object") != std::string::npos);

        body["response_format"] = {{"type", "json_schema"},
                                   {"json_schema", {{"name", "s"}, {"schema", {{"type", "object"}}}}}};
        r = h.post("/v1/chat/completions", body);
        QCOMPARE(r->status, 200);
        QVERIFY(h.engine->requests().back().prompt.find("{\"type\":\"object\"}") != std::string::npos);
    }

    void textCompletions() {
        Harness h;
        h.engine->setScript({"Once", " upon", " a time"});
        auto r = h.post("/v1/completions", {{"model", "scripted"}, {"prompt", "Tell me"}, {"max_tokens", 16}});
        QCOMPARE(r->status, 200);
        const json j = json::parse(r->body);
        QCOMPARE(j["object"], "text_completion");
        QCOMPARE(j["choices"][0]["text"], "Once upon a time");
        QCOMPARE(h.engine->requests().back().prompt, "Tell me");
        auto rs = h.post("/v1/completions", {{"prompt", "Tell me"}, {"stream", true}});
        const auto s = server_test::parseSse(rs->body);
        QVERIFY(s.done && s.wellFormed);
        QCOMPARE(s.content, "Once upon a time");
        QCOMPARE(s.events.front()["object"], "text_completion");
    }

    void badRequestsGetErrorObjects_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("param");
        const QString chat = "/v1/chat/completions";
        QTest::newRow("malformed json") << chat << "{\"messages\": [" << 400 << "";
        QTest::newRow("not an object") << chat << "[1, 2]" << 400 << "";
        QTest::newRow("no messages") << chat << "{\"model\": \"scripted\"}" << 400 << "messages";
        QTest::newRow("empty messages") << chat << "{\"messages\": []}" << 400 << "messages";
        QTest::newRow("messages wrong type") << chat << "{\"messages\": \"hi\"}" << 400 << "messages";
        QTest::newRow("role missing") << chat << "{\"messages\": [{\"content\": \"hi\"}]}" << 400 << "messages[0].role";
        QTest::newRow("bad role") << chat << "{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}" << 400
                                  << "messages[0].role";
        QTest::newRow("content number") << chat << "{\"messages\": [{\"role\": \"user\", \"content\": 5}]}" << 400
                                        << "messages[0].content";
        QTest::newRow("image part")
            << chat
            << "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {}}]}]}"
            << 400 << "messages[0].content[0]";
        const QString hi = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        QTest::newRow("temperature string") << chat << "{" + hi + ", \"temperature\": \"hot\"}" << 400 << "temperature";
        QTest::newRow("temperature range") << chat << "{" + hi + ", \"temperature\": 7}" << 400 << "temperature";
        QTest::newRow("n=2") << chat << "{" + hi + ", \"n\": 2}" << 400 << "n";
        QTest::newRow("max_tokens 0") << chat << "{" + hi + ", \"max_tokens\": 0}" << 400 << "max_tokens";
        QTest::newRow("max_tokens float") << chat << "{" + hi + ", \"max_tokens\": 1.5}" << 400 << "max_tokens";
        QTest::newRow("stream string") << chat << "{" + hi + ", \"stream\": \"yes\"}" << 400 << "stream";
        QTest::newRow("stop number") << chat << "{" + hi + ", \"stop\": 3}" << 400 << "stop";
        QTest::newRow("seed string") << chat << "{" + hi + ", \"seed\": \"x\"}" << 400 << "seed";
        QTest::newRow("bad format") << chat << "{" + hi + ", \"response_format\": {\"type\": \"xml\"}}" << 400
                                    << "response_format.type";
        QTest::newRow("tools object") << chat << "{" + hi + ", \"tools\": {}}" << 400 << "tools";
        QTest::newRow("unknown tool choice")
            << chat
            << "{" + hi +
                   ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}], "
                   "\"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"g\"}}}"
            << 400 << "tool_choice";
        QTest::newRow("bad tool args")
            << chat
            << "{\"messages\": [{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"1\", "
               "\"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{oops\"}}]}]}"
            << 400 << "messages[0].tool_calls[0].function.arguments";
        QTest::newRow("unknown model") << chat << "{" + hi + ", \"model\": \"gpt-4o\"}" << 404 << "model";
        QTest::newRow("model number") << chat << "{" + hi + ", \"model\": 4}" << 400 << "model";
        QTest::newRow("prompt missing") << "/v1/completions"
                                        << "{\"max_tokens\": 3}" << 400 << "prompt";
        QTest::newRow("prompt object") << "/v1/completions"
                                       << "{\"prompt\": {}}" << 400 << "prompt";
        QTest::newRow("echo") << "/v1/completions"
                              << "{\"prompt\": \"a\", \"echo\": true}" << 400 << "echo";
        QTest::newRow("unknown endpoint") << "/v1/embeddings"
                                          << "{}" << 404 << "";
    }
    void badRequestsGetErrorObjects() {
        QFETCH(QString, path);
        QFETCH(QString, body);
        QFETCH(int, status);
        QFETCH(QString, param);
        Harness h;
        h.engine->setScript({"x"});
        auto r = h.client->Post(path.toStdString().c_str(), body.toStdString(), "application/json");
        QVERIFY(r);
        QCOMPARE(r->status, status);
        const json e = errorOf(r);
        QVERIFY2(e.is_object(), r->body.c_str());
        QVERIFY(e["message"].is_string() && !e["message"].get<std::string>().empty());
        QVERIFY(e["type"].is_string());
        if (!param.isEmpty()) QCOMPARE(QString::fromStdString(e["param"].get<std::string>()), param);
        if (status == 404 && param == "model") QCOMPARE(e["code"], "model_not_found");
        QVERIFY(h.engine->requests().empty());  // refused before reaching the engine
    }

    void templateRefusalIs400() {
        // Mistral's template raises unless user and assistant turns alternate.
        Harness h({}, "templates/source/mistralai-Mistral-Nemo-Instruct-2407.jinja");
        h.engine->setScript({"x"});
        json body = chatBody("one");
        body["messages"].push_back({{"role", "user"}, {"content", "two"}});
        auto r = h.post("/v1/chat/completions", body);
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        QVERIFY2(errorOf(r)["message"].get<std::string>().find("alternate") != std::string::npos, r->body.c_str());
        QVERIFY(h.engine->requests().empty());
        // A well-formed conversation renders with the same template.
        QCOMPARE(h.post("/v1/chat/completions", chatBody("one"))->status, 200);
        QVERIFY(h.engine->requests().back().prompt.find("[INST]one[/INST]") != std::string::npos);
    }

    void engineErrorIsServerError() {
        Harness h;
        h.engine->setError(hearth::ErrorCode_io, "the disk went away");
        auto r = h.post("/v1/chat/completions", chatBody("hi"));
        QCOMPARE(r->status, 500);
        QCOMPARE(errorOf(r)["message"], "the disk went away");
        auto rs = h.post("/v1/chat/completions", chatBody("hi", true));
        const auto s = server_test::parseSse(rs->body);
        QVERIFY(!s.done);
        QVERIFY(s.events.back().contains("error"));
    }

    void oversizeBodyIs413() {
        Hearth::Server::ServerConfig config;
        config.maxBodyBytes = 4096;
        Harness h(config);
        h.engine->setScript({"x"});
        json body = chatBody(std::string(10000, 'a'));
        auto r = h.post("/v1/chat/completions", body);
        QVERIFY(r);
        QCOMPARE(r->status, 413);
        QCOMPARE(errorOf(r)["code"], "request_too_large");
        QVERIFY(h.engine->requests().empty());
    }

    void apiKeyAndCors() {
        Hearth::Server::ServerConfig config;
        config.apiKey = "sekrit-key";
        config.corsOrigins = {"http://app.example"};
        Harness h(config);
        h.engine->setScript({"ok"});
        const httplib::Headers origin = {{"Origin", "http://app.example"}};

        auto r = h.client->Get("/v1/models", origin);
        QCOMPARE(r->status, 401);
        QCOMPARE(errorOf(r)["code"], "invalid_api_key");
        QCOMPARE(r->get_header_value("Access-Control-Allow-Origin"), "http://app.example");
        r = h.client->Get("/v1/models", {{"Authorization", "Bearer wrong-key!"}});
        QCOMPARE(r->status, 401);
        r = h.client->Get("/v1/models", {{"Authorization", "sekrit-key"}});
        QCOMPARE(r->status, 401);
        r = h.post("/v1/chat/completions", chatBody("hi"));
        QCOMPARE(r->status, 401);
        QVERIFY(h.engine->requests().empty());

        r = h.client->Get("/v1/models", {{"Authorization", "Bearer sekrit-key"}, {"Origin", "http://app.example"}});
        QCOMPARE(r->status, 200);
        QCOMPARE(json::parse(r->body)["data"][0]["id"], "scripted");
        QCOMPARE(r->get_header_value("Access-Control-Allow-Origin"), "http://app.example");
        r = h.post("/v1/chat/completions", chatBody("hi"), {{"Authorization", "Bearer sekrit-key"}});
        QCOMPARE(r->status, 200);

        // Health stays open for probes; other origins get no CORS grant.
        r = h.client->Get("/health", {{"Origin", "http://evil.example"}});
        QCOMPARE(r->status, 200);
        QVERIFY(!r->has_header("Access-Control-Allow-Origin"));
        // Preflight: no credentials, 204, the methods and headers allowed.
        r = h.client->Options("/v1/chat/completions",
                              {{"Origin", "http://app.example"}, {"Access-Control-Request-Method", "POST"}});
        QCOMPARE(r->status, 204);
        QVERIFY(r->get_header_value("Access-Control-Allow-Headers").find("Authorization") != std::string::npos);
        QVERIFY(r->get_header_value("Access-Control-Allow-Methods").find("POST") != std::string::npos);
    }

    void noCorsByDefault() {
        Harness h;
        auto r = h.client->Get("/v1/models", {{"Origin", "http://app.example"}});
        QCOMPARE(r->status, 200);
        QVERIFY(!r->has_header("Access-Control-Allow-Origin"));
    }

    void streamDisconnectCancels() {
        Harness h;
        h.engine->setScript(std::vector<std::string>(2000, "tok "), 5);  // 10 s if never cancelled
        QElapsedTimer clock;
        // A client that reads the first bytes and hangs up.
        const int fd = server_test::connectLoopback(h.server->port());
        QVERIFY(fd >= 0);
        const std::string body = chatBody("go", true).dump();
        const std::string request =
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            "application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body;
        QCOMPARE(::send(fd, request.data(), request.size(), 0), ssize_t(request.size()));
        char buf[512];
        QVERIFY(::recv(fd, buf, sizeof buf, 0) > 0);
        clock.start();
        ::close(fd);
        QTRY_COMPARE_WITH_TIMEOUT(h.engine->cancelledCount(), 1, 5000);
        QVERIFY(clock.elapsed() < 5000);
        QCOMPARE(h.engine->finishedCount(), 1);
    }

    void wholeReplyDisconnectCancels() {
        Harness h;
        h.engine->setScript(std::vector<std::string>(2000, "tok "), 5);
        const int fd = server_test::connectLoopback(h.server->port());
        QVERIFY(fd >= 0);
        const std::string body = chatBody("go").dump();
        const std::string request =
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            "application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body;
        QCOMPARE(::send(fd, request.data(), request.size(), 0), ssize_t(request.size()));
        QTRY_COMPARE(h.engine->requests().size(), size_t(1));  // the engine is generating it
        ::close(fd);
        QTRY_COMPARE_WITH_TIMEOUT(h.engine->cancelledCount(), 1, 6000);
    }

    void slowWholeReplyStillParses() {
        Harness h;
        h.engine->setScript(std::vector<std::string>(30, "word "), 60);  // ~1.8 s: past the plain-reply wait
        auto r = h.post("/v1/chat/completions", chatBody("talk"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const json j = json::parse(r->body);  // whitespace before the object is fine for JSON
        std::string expected;
        for (int i = 0; i < 30; ++i) expected += "word ";
        QCOMPARE(j["choices"][0]["message"]["content"].get<std::string>(), expected);
    }

    void queueFullIs503() {
        Hearth::Server::ServerConfig config;
        config.maxPending = 1;
        Harness h(config);
        h.engine->setScript(std::vector<std::string>(40, "x"), 25);  // ~1 s
        std::thread first([&] {
            httplib::Client c("127.0.0.1", h.server->port());
            c.Post("/v1/chat/completions", chatBody("first").dump(), "application/json");
        });
        QTRY_VERIFY_WITH_TIMEOUT(!h.engine->requests().empty(), 5000);
        auto r = h.post("/v1/chat/completions", chatBody("second"));
        first.join();
        QCOMPARE(r->status, 503);
        QCOMPARE(errorOf(r)["code"], "server_busy");
        r = h.post("/v1/chat/completions", chatBody("third"));
        QCOMPARE(r->status, 200);
    }

    void requestsRunInArrivalOrder() {
        Harness h;
        h.engine->setScript({"a", "b"}, 40);
        std::vector<std::thread> clients;
        std::vector<std::string> contents(8);
        for (int i = 0; i < 8; ++i) {
            clients.emplace_back([&, i] {
                httplib::Client c("127.0.0.1", h.server->port());
                auto r =
                    c.Post("/v1/chat/completions", chatBody("client " + std::to_string(i)).dump(), "application/json");
                if (r && r->status == 200)
                    contents[size_t(i)] = json::parse(r->body)["choices"][0]["message"]["content"];
            });
            QTRY_COMPARE_WITH_TIMEOUT(int(h.engine->requests().size()), i + 1, 5000);
        }
        for (auto & t : clients) t.join();
        const auto reqs = h.engine->requests();
        for (int i = 0; i < 8; ++i) {
            QVERIFY(reqs[size_t(i)].prompt.find("client " + std::to_string(i) + "<|im_end|>") != std::string::npos);
            QCOMPARE(contents[size_t(i)], "ab");
        }
    }

    void healthModelsProps() {
        Harness h;
        auto r = h.client->Get("/health");
        QCOMPARE(r->status, 200);
        QCOMPARE(json::parse(r->body)["status"], "ok");
        r = h.client->Get("/v1/models");
        const json models = json::parse(r->body);
        QCOMPARE(models["object"], "list");
        QCOMPARE(models["data"][0]["object"], "model");
        QCOMPARE(models["data"][0]["meta"]["n_ctx"], 4096);
        r = h.client->Get("/props");
        const json props = json::parse(r->body);
        QCOMPARE(props["n_ctx"], 4096);
        QVERIFY(props["chat_template"].get<std::string>().find("<|im_start|>") != std::string::npos);
        QCOMPARE(props["tool_call_format"], "hermes");
    }
};

QTEST_GUILESS_MAIN(TestServerProtocol)
#include "test_server_protocol.moc"
