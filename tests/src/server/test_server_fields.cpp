// Request fields clients send beyond the basics (issue 19, part 3), in
// process over a scripted engine with Qwen3's template: chat_template_kwargs
// and a top-level enable_thinking reach the template; logprobs and
// top_logprobs come back in OpenAI's chat and completions shapes, streamed
// and whole. (test_server_cli checks the real engine's probabilities.)
#include <QtTest>
#include <cmath>

#include "common/fixtures.h"
#include "in_process_server.h"
#include "server/chat_messages.h"
#include "server/completion_request.h"
#include "sse.h"

using nlohmann::json;
using server_test::chatBody;
using server_test::errorOf;
using server_test::InProcessServer;

namespace {

Hearth::Server::ServedModel qwen3() {
    Hearth::Server::ServedModel m = server_test::chatmlModel();
    m.chatTemplate = std::make_shared<const hearth::ChatTemplate>(
        hearth::ChatTemplate::from_file(hearth_test::fixture("templates/source/Qwen-Qwen3-0.6B.jinja")));
    return m;
}

}  // namespace

class TestServerFields : public QObject {
    Q_OBJECT
private slots:
    // Cherry Studio's chat_template_kwargs and Qwen's top-level enable_thinking
    // reach the template: Qwen3's renders an empty think block for "off".
    void templateKwargsReachTheTemplate() {
        InProcessServer h({}, qwen3());
        h.engine->setScript({"ok"});
        const std::string emptyThink = "<|im_start|>assistant\n<think>\n\n</think>\n\n";
        QCOMPARE(h.post("/v1/chat/completions", chatBody("hi"))->status, 200);
        QVERIFY(h.engine->requests().back().prompt.find(emptyThink) == std::string::npos);
        json body = chatBody("hi");
        body["chat_template_kwargs"] = {{"enable_thinking", false}};
        QCOMPARE(h.post("/v1/chat/completions", body)->status, 200);
        QVERIFY(h.engine->requests().back().prompt.find(emptyThink) != std::string::npos);
        body = chatBody("hi");
        body["enable_thinking"] = false;
        QCOMPARE(h.post("/v1/chat/completions", body)->status, 200);
        QVERIFY(h.engine->requests().back().prompt.find(emptyThink) != std::string::npos);
        body["chat_template_kwargs"] = {{"enable_thinking", true}};  // the explicit kwargs win
        QCOMPARE(h.post("/v1/chat/completions", body)->status, 200);
        QVERIFY(h.engine->requests().back().prompt.find(emptyThink) == std::string::npos);
        const size_t before = h.engine->requests().size();
        for (const json & bad : {json("yes"), json{{"messages", json::array()}}}) {
            body = chatBody("hi");
            body["chat_template_kwargs"] = bad;
            auto r = h.post("/v1/chat/completions", body);
            QCOMPARE(r->status, 400);
            QCOMPARE(errorOf(r)["param"], "chat_template_kwargs");
        }
        body = chatBody("hi");
        body["enable_thinking"] = "no";
        QCOMPARE(h.post("/v1/chat/completions", body)->status, 400);
        QCOMPARE(h.engine->requests().size(), before);
    }

    void logprobsInOpenAIsShape() {
        InProcessServer h({}, qwen3());
        h.engine->setScript({"Hel", "lo", "!"});
        json body = chatBody("hi");
        body["logprobs"] = true;
        body["top_logprobs"] = 2;
        auto r = h.post("/v1/chat/completions", body);
        QCOMPARE(r->status, 200);
        QCOMPARE(h.engine->requests().back().sampling.n_probs, 2);
        const json lp = json::parse(r->body)["choices"][0]["logprobs"];
        QCOMPARE(lp["content"].size(), size_t(3));
        QCOMPARE(lp["content"][0]["token"], "Hel");
        QVERIFY(std::fabs(lp["content"][1]["logprob"].get<double>() + 0.2) < 1e-6);
        QCOMPARE(lp["content"][1]["bytes"], json::array({'l', 'o'}));
        QCOMPARE(lp["content"][2]["top_logprobs"].size(), size_t(2));
        QCOMPARE(lp["content"][2]["top_logprobs"][1]["token"], "alt1");
        // Streamed: each chunk carries the tokens behind it, all of them once.
        body["stream"] = true;
        auto s = server_test::parseSse(h.post("/v1/chat/completions", body)->body);
        std::string tokens;
        for (const json & e : s.events)
            if (!e["choices"].empty() && e["choices"][0]["logprobs"].is_object())
                for (const json & t : e["choices"][0]["logprobs"]["content"]) tokens += t["token"].get<std::string>();
        QCOMPARE(tokens, "Hello!");
        // Not asked for: null, and the engine is not asked to compute them.
        r = h.post("/v1/chat/completions", chatBody("hi"));
        QVERIFY(json::parse(r->body)["choices"][0]["logprobs"].is_null());
        QCOMPARE(h.engine->requests().back().sampling.n_probs, -1);
        // Completions' legacy shape.
        r = h.post("/v1/completions", {{"prompt", "x"}, {"logprobs", 1}});
        const json legacy = json::parse(r->body)["choices"][0]["logprobs"];
        QCOMPARE(legacy["tokens"], json::array({"Hel", "lo", "!"}));
        QCOMPARE(legacy["text_offset"], json::array({0, 3, 5}));
        QCOMPARE(legacy["top_logprobs"][0].size(), size_t(1));
        QVERIFY(legacy["top_logprobs"][0].contains("alt0"));
        // top_logprobs without logprobs, or past 20, is refused.
        body = chatBody("hi");
        body["top_logprobs"] = 2;
        QCOMPARE(h.post("/v1/chat/completions", body)->status, 400);
        body["logprobs"] = true;
        body["top_logprobs"] = 21;
        QCOMPARE(h.post("/v1/chat/completions", body)->status, 400);
    }

    // What the reply must be reaches the engine as a grammar: response_format
    // (json_object, json_schema), tool_choice "required" or a named function;
    // nothing else constrains the reply.
    void outputConstraintBecomesAGrammar() {
        const Hearth::Server::ServedModel model = qwen3();
        const json tools = json::array({{{"type", "function"}, {"function", {{"name", "f"}}}},
                                        {{"type", "function"}, {"function", {{"name", "g"}}}}});
        auto grammar = [&](const json & body) {
            return Hearth::Server::parseChatCompletion(body, model).generate.grammar;
        };
        json body = chatBody("hi");
        QVERIFY(grammar(body) == nullptr);
        body["response_format"] = {{"type", "json_object"}};
        QVERIFY(grammar(body) != nullptr);
        const json schema = {{"type", "object"}, {"properties", {{"a", {{"type", "integer"}}}}}, {"required", {"a"}}};
        body["response_format"] = {{"type", "json_schema"}, {"json_schema", {{"name", "s"}, {"schema", schema}}}};
        QVERIFY(grammar(body) != nullptr);
        body = chatBody("hi");
        body["tools"] = tools;
        body["tool_choice"] = "auto";
        QVERIFY(grammar(body) == nullptr);
        body["tool_choice"] = "required";
        QVERIFY(grammar(body) != nullptr);
        body["tool_choice"] = {{"type", "function"}, {"function", {{"name", "g"}}}};
        QVERIFY(grammar(body) != nullptr);
        // A grammar that forces a call follows ChatInput::toolRequired.
        auto required = [&](const json & choice) {
            json b = chatBody("hi");
            b["tools"] = tools;
            if (!choice.is_null()) b["tool_choice"] = choice;
            return Hearth::Server::readChatInput(b).toolRequired;
        };
        QVERIFY(!required(nullptr));
        QVERIFY(!required("auto"));
        QVERIFY(!required("none"));
        QVERIFY(required("required"));
        QVERIFY(required(json{{"type", "function"}, {"function", {{"name", "f"}}}}));
        const json completion = {{"prompt", "x"}, {"response_format", {{"type", "json_object"}}}};
        QVERIFY(Hearth::Server::parseTextCompletion(completion, model).generate.grammar != nullptr);
        QVERIFY(Hearth::Server::parseTextCompletion({{"prompt", "x"}}, model).generate.grammar == nullptr);
    }
};

QTEST_GUILESS_MAIN(TestServerFields)
#include "test_server_fields.moc"
