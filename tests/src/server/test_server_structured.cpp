// Structured output through `hearth-cli serve` on random-weight models: the
// replies of response_format json_object / json_schema, of forced tool calls
// (tool_choice "required" and a named function) and of a GBNF "grammar" parse
// and validate, streamed or not, because the grammar forces the shape;
// schemas that cannot be compiled are a 400 naming the field and the problem.
#include <httplib.h>

#include <QtTest>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/fixtures.h"
#include "schema_validator.h"
#include "server_process.h"
#include "sse.h"

using nlohmann::json;
using server_test::ServerProcess;

namespace {

json weatherTools() {
    const json weather = {{"type", "object"},
                          {"properties",
                           {{"city", {{"type", "string"}, {"maxLength", 24}}},
                            {"unit", {{"enum", json::array({"celsius", "fahrenheit"})}}}}},
                          {"required", json::array({"city", "unit"})},
                          {"additionalProperties", false}};
    const json time = {{"type", "object"},
                       {"properties", {{"offset", {{"type", "integer"}, {"minimum", -12}, {"maximum", 14}}}}},
                       {"required", json::array({"offset"})}};
    return json::array(
        {{{"type", "function"},
          {"function", {{"name", "get_weather"}, {"description", "Weather"}, {"parameters", weather}}}},
         {{"type", "function"}, {"function", {{"name", "get_time"}, {"description", "Time"}, {"parameters", time}}}}});
}

std::vector<json> schemas() {
    return {
        json::parse("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":20},\"age\":{"
                    "\"type\":\"integer\","
                    "            "
                    "\"minimum\":0,\"maximum\":120},\"email\":{\"type\":\"string\",\"format\":\"email\"}},\"required\":"
                    "[\"name\",\"age\",\"email\"],"
                    "            \"additionalProperties\":false}"),
        json::parse("{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":3,"
                    "            "
                    "\"items\":{\"$ref\":\"#/$defs/item\"}}},\"required\":[\"items\"],\"additionalProperties\":false,"
                    "            "
                    "\"$defs\":{\"item\":{\"type\":\"object\",\"properties\":{\"kind\":{\"enum\":[\"a\",\"b\"]},"
                    "\"score\":{\"type\":\"number\","
                    "            "
                    "\"exclusiveMinimum\":0,\"maximum\":1},\"when\":{\"type\":\"string\",\"format\":\"date\"}},"
                    "\"required\":[\"kind\",\"score\"],"
                    "            \"additionalProperties\":false}}}"),
        json::parse(
            "{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"array\",\"items\":{\"type\":\"boolean\"},\"maxItems\":4}]}"),
    };
}

json chatWith(const json & extra, uint64_t seed, bool stream = false) {
    json body = {{"messages", json::array({{{"role", "user"}, {"content", "Answer in JSON."}}})},
                 {"temperature", 1.0},
                 {"seed", seed},
                 {"stream", stream}};
    body.update(extra);
    return body;
}

}  // namespace

class TestServerStructured : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerProcess> m_stories;  // stories260K, ChatML fallback, ctx 512
    std::unique_ptr<ServerProcess> m_qwen;     // synthetic qwen3 + Qwen3's template (Hermes tool calls)

    static httplib::Result post(const ServerProcess & s, const std::string & path, const json & body) {
        httplib::Client c("127.0.0.1", s.port());
        c.set_read_timeout(120, 0);
        return c.Post(path.c_str(), body.dump(), "application/json");
    }

    // The assistant message of a non-streaming chat completion.
    static json message(const ServerProcess & s, const json & body) {
        auto r = post(s, "/v1/chat/completions", body);
        if (!r || r->status != 200) {
            qWarning("HTTP %d: %s", r ? r->status : -1, r ? r->body.c_str() : "no response");
            return json();
        }
        return json::parse(r->body)["choices"][0];
    }

    std::vector<ServerProcess *> servers() { return {m_stories.get(), m_qwen.get()}; }

private slots:
    void initTestCase() {
        m_stories = std::make_unique<ServerProcess>(
            HEARTH_CLI,
            QStringList{"-m", QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")), "--threads", "1"});
        QVERIFY2(m_stories->waitReady(), qPrintable(m_stories->error()));
        m_qwen = std::make_unique<ServerProcess>(
            HEARTH_CLI, QStringList{"-m", QString::fromStdString(HEARTH_FIXTURE("models/synthetic/qwen3-Q8_0.gguf")),
                                    "--chat-template-file",
                                    QString::fromStdString(HEARTH_FIXTURE("templates/source/Qwen-Qwen3-0.6B.jinja")),
                                    "--ctx", "1024", "--threads", "1"});
        QVERIFY2(m_qwen->waitReady(), qPrintable(m_qwen->error()));
    }

    void jsonObjectMode() {
        for (ServerProcess * s : servers())
            for (uint64_t seed = 1; seed <= 3; ++seed) {
                const json choice = message(*s, chatWith({{"response_format", {{"type", "json_object"}}}}, seed));
                QVERIFY(choice.is_object());
                const std::string content = choice["message"]["content"];
                QVERIFY2(json::parse(content, nullptr, false).is_object(), content.c_str());
                QCOMPARE(choice["finish_reason"], "stop");
            }
    }

    void jsonSchemaReplies() {
        for (ServerProcess * s : servers())
            for (const json & schema : schemas())
                for (uint64_t seed = 1; seed <= 3; ++seed) {
                    const json rf = {{"type", "json_schema"},
                                     {"json_schema", {{"name", "reply"}, {"schema", schema}, {"strict", true}}}};
                    const json choice = message(*s, chatWith({{"response_format", rf}}, seed));
                    QVERIFY(choice.is_object());
                    const std::string content = choice["message"]["content"];
                    const json value = json::parse(content, nullptr, false);
                    QVERIFY2(!value.is_discarded(), content.c_str());
                    const std::string why = grammar_test::validate(value, schema);
                    QVERIFY2(why.empty(), qPrintable(QString::fromStdString(why + " in " + content)));
                }
    }

    void propertiesComeInSchemaOrder() {
        // Keys the parsed body would sort ("alpha" < "zeta") come out as written.
        const std::string body =
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":1,\"seed\":2,"
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"o\",\"schema\":"
            "{\"type\":\"object\",\"properties\":{\"zeta\":{\"type\":\"boolean\"},\"alpha\":{\"type\":\"null\"}},"
            "\"required\":[\"zeta\",\"alpha\"],\"additionalProperties\":false}}}}";
        httplib::Client c("127.0.0.1", m_stories->port());
        c.set_read_timeout(60, 0);
        auto r = c.Post("/v1/chat/completions", body, "application/json");
        QVERIFY(r && r->status == 200);
        const std::string content = json::parse(r->body)["choices"][0]["message"]["content"];
        QVERIFY2(content.find("zeta") < content.find("alpha"), content.c_str());
    }

    void jsonSchemaStreamsAndFitsMaxTokens() {
        const json schema = schemas()[0];
        const json rf = {{"type", "json_schema"}, {"json_schema", {{"name", "person"}, {"schema", schema}}}};
        for (uint64_t seed = 1; seed <= 3; ++seed) {
            // 40 tokens are enough for the shortest document, not for a long one:
            // the grammar closes it in time.
            json body = chatWith({{"response_format", rf}, {"max_tokens", 40}}, seed, true);
            auto r = post(*m_stories, "/v1/chat/completions", body);
            QVERIFY(r && r->status == 200);
            const server_test::SseStream sse = server_test::parseSse(r->body);
            QVERIFY(sse.done && sse.wellFormed);
            const std::string content = sse.content;
            const json value = json::parse(content, nullptr, false);
            QVERIFY2(!value.is_discarded(), content.c_str());
            QVERIFY2(grammar_test::validate(value, schema).empty(), content.c_str());
        }
    }

    void forcedToolCalls() {
        const json tools = weatherTools();
        const json named = {{"type", "function"}, {"function", {{"name", "get_time"}}}};
        for (ServerProcess * s : servers())
            for (const json & choiceField : {json("required"), named})
                for (uint64_t seed = 1; seed <= 3; ++seed) {
                    const json choice = message(*s, chatWith({{"tools", tools}, {"tool_choice", choiceField}}, seed));
                    QVERIFY(choice.is_object());
                    QCOMPARE(choice["finish_reason"], "tool_calls");
                    const json & calls = choice["message"]["tool_calls"];
                    QVERIFY2(calls.is_array() && calls.size() == 1, choice.dump().c_str());
                    const std::string name = calls[0]["function"]["name"];
                    if (choiceField.is_object()) QCOMPARE(name, std::string("get_time"));
                    const json & fn = name == "get_weather" ? tools[0] : tools[1];
                    QCOMPARE(fn["function"]["name"].get<std::string>(), name);
                    const json args = json::parse(calls[0]["function"]["arguments"].get<std::string>(), nullptr, false);
                    const std::string why = grammar_test::validate(args, fn["function"]["parameters"]);
                    QVERIFY2(why.empty(), qPrintable(QString::fromStdString(why + " in " + args.dump())));
                }
    }

    void parallelToolCallsWhenAsked() {
        int most = 0;
        for (uint64_t seed = 1; seed <= 6; ++seed) {
            const json choice = message(
                *m_qwen,
                chatWith({{"tools", weatherTools()}, {"tool_choice", "required"}, {"parallel_tool_calls", true}},
                         seed));
            QVERIFY(choice.is_object());
            const json & calls = choice["message"]["tool_calls"];
            QVERIFY(calls.is_array() && !calls.empty() && calls.size() <= 8);
            most = std::max(most, int(calls.size()));
        }
        qInfo("most parallel calls in one reply: %d", most);
    }

    void grammarFieldAndCompletions() {
        const json choice = message(*m_stories, chatWith({{"grammar", "root ::= \"yes\" | \"no\"\n"}}, 1));
        QVERIFY(choice.is_object());
        const std::string content = choice["message"]["content"];
        QVERIFY2(content == "yes" || content == "no", content.c_str());

        const json body = {{"prompt", "Once upon a time"},
                           {"temperature", 1.0},
                           {"seed", 5},
                           {"max_tokens", 60},
                           {"response_format", {{"type", "json_object"}}}};
        auto r = post(*m_stories, "/v1/completions", body);
        QVERIFY(r && r->status == 200);
        const std::string text = json::parse(r->body)["choices"][0]["text"];
        QVERIFY2(json::parse(text, nullptr, false).is_object(), text.c_str());
    }

    void invalidSchemasAre400() {
        auto expect400 = [&](const json & extra, const std::string & param, const std::string & words) {
            auto r = post(*m_stories, "/v1/chat/completions", chatWith(extra, 1));
            QVERIFY(r);
            QCOMPARE(r->status, 400);
            const json e = json::parse(r->body)["error"];
            if (param.empty())
                QVERIFY(e["param"].is_null());
            else
                QCOMPARE(e["param"].get<std::string>(), param);
            QVERIFY2(e["message"].get<std::string>().find(words) != std::string::npos, r->body.c_str());
        };
        const auto rf = [](const json & schema) {
            return json{
                {"response_format", {{"type", "json_schema"}, {"json_schema", {{"name", "x"}, {"schema", schema}}}}}};
        };
        expect400(rf({{"type", "strin"}}), "response_format.json_schema.schema", "unknown type \"strin\"");
        expect400(rf({{"type", "object"}, {"properties", {{"a", {{"$ref", "#/$defs/none"}}}}}}),
                  "response_format.json_schema.schema", "does not resolve");
        json deep = json::object();
        for (int i = 0; i < 100; ++i) deep = {{"type", "array"}, {"items", deep}};
        // The request's own depth bound (64 levels) refuses it before the
        // schema compiler sees it.
        expect400(rf(deep), "", "deeper than");
        json tools = weatherTools();
        tools[1]["function"]["parameters"]["properties"]["offset"]["type"] = "int";
        expect400({{"tools", tools}, {"tool_choice", "required"}}, "tools[1].function.parameters",
                  "unknown type \"int\"");
        expect400({{"grammar", "root ::= missing\n"}}, "grammar", "not defined");
        // The server is still serving.
        QVERIFY(message(*m_stories, chatWith({{"max_tokens", 4}}, 1)).is_object());
    }

    void templatesAndToolCallFormats_data() {
        QTest::addColumn<QString>("templateFile");
        QTest::addColumn<QString>("format");
        QTest::newRow("QwQ, reasoning open") << "Qwen-QwQ-32B.jinja"
                                             << "hermes";
        QTest::newRow("Llama 3.1") << "meta-llama-Llama-3.1-8B-Instruct.jinja"
                                   << "llama3";
        QTest::newRow("Mistral Nemo") << "mistralai-Mistral-Nemo-Instruct-2407.jinja"
                                      << "mistral";
    }

    // Each template's own syntax: the forced call comes back as tool_calls
    // through that format's parser, and a JSON reply comes back as the
    // content, after the reasoning block the prompt opened, if any.
    void templatesAndToolCallFormats() {
        QFETCH(QString, templateFile);
        QFETCH(QString, format);
        ServerProcess s(
            HEARTH_CLI,
            {"-m", QString::fromStdString(HEARTH_FIXTURE("models/synthetic/qwen3-Q8_0.gguf")), "--chat-template-file",
             QString::fromStdString(HEARTH_FIXTURE("templates/source/" + templateFile.toStdString())), "--ctx", "4096",
             "--threads", "1"});
        QVERIFY2(s.waitReady(), qPrintable(s.error()));
        httplib::Client c("127.0.0.1", s.port());
        auto props = c.Get("/props");
        QVERIFY(props && props->status == 200);
        QCOMPARE(json::parse(props->body)["tool_call_format"].get<std::string>(), format.toStdString());

        const json tools = weatherTools();
        for (uint64_t seed = 1; seed <= 2; ++seed) {
            const json choice = message(s, chatWith({{"tools", tools}, {"tool_choice", "required"}}, seed));
            QVERIFY(choice.is_object());
            QCOMPARE(choice["finish_reason"], "tool_calls");
            const json & calls = choice["message"]["tool_calls"];
            QVERIFY2(calls.is_array() && calls.size() == 1, choice.dump().c_str());
            const std::string name = calls[0]["function"]["name"];
            const json & fn = name == "get_weather" ? tools[0] : tools[1];
            QCOMPARE(fn["function"]["name"].get<std::string>(), name);
            const json args = json::parse(calls[0]["function"]["arguments"].get<std::string>(), nullptr, false);
            QVERIFY2(grammar_test::validate(args, fn["function"]["parameters"]).empty(), args.dump().c_str());

            const json schema = schemas()[0];
            const json rf = {{"type", "json_schema"}, {"json_schema", {{"name", "p"}, {"schema", schema}}}};
            const json reply = message(s, chatWith({{"response_format", rf}}, seed));
            QVERIFY(reply.is_object());
            const std::string content = reply["message"]["content"];
            const json value = json::parse(content, nullptr, false);
            QVERIFY2(!value.is_discarded() && grammar_test::validate(value, schema).empty(), content.c_str());
        }
        QCOMPARE(s.stop(), 0);
    }

    void cleanupTestCase() {
        QCOMPARE(m_stories->stop(), 0);
        QCOMPARE(m_qwen->stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestServerStructured)
#include "test_server_structured.moc"
