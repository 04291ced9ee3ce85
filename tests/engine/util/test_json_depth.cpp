// hearth::json_depth and the engine's JSON parsers over hostile nesting: a
// chat template's messages, tools and tool-call arguments, a Jinja render
// context, and tool calls a model writes, each 20,000 levels deep (a 40 KB
// text whose recursive copy or dump would overflow the stack). Each must be
// refused (an Error, or text left as text), never crash.
#include <QtTest>
#include <string>

#include "hearth/chat_template.h"
#include "hearth/error.h"
#include "hearth/jinja.h"
#include "hearth/json_depth.h"
#include "hearth/output_parser.h"

namespace {

constexpr int kBomb = 20000;

std::string nested(int depth, char open = '[', char close = ']', const std::string & inner = "") {
    return std::string(size_t(depth), open) + inner + std::string(size_t(depth), close);
}

// {"a":{"a":...{}...}}
std::string nestedObjects(int depth) {
    std::string s;
    for (int i = 0; i < depth; ++i) s += "{\"a\":";
    s += "{}";
    s += std::string(size_t(depth), '}');
    return s;
}

}  // namespace

class TestJsonDepth : public QObject {
    Q_OBJECT
private slots:
    void depthCounts() {
        QCOMPARE(hearth::json_depth("", 10), 0);
        QCOMPARE(hearth::json_depth("42", 10), 0);
        QCOMPARE(hearth::json_depth("[]", 10), 1);
        QCOMPARE(hearth::json_depth("{\"a\": [1, {\"b\": []}]}", 10), 4);
        QCOMPARE(hearth::json_depth("[[],[[]],[]]", 10), 3);
        // Brackets inside strings, escaped quotes included, do not count.
        QCOMPARE(hearth::json_depth("[\"[[[{{{\"]", 10), 1);
        QCOMPARE(hearth::json_depth("[\"a\\\"[[[\", \"\\\\\", [\"]]\"]]", 10), 2);
        // Past the limit it stops, whatever follows.
        QCOMPARE(hearth::json_depth(nested(kBomb), 64), 65);
        QCOMPARE(hearth::json_depth(nestedObjects(kBomb), 128), 129);
        QVERIFY(hearth::json_depth_within(nested(128)));
        QVERIFY(!hearth::json_depth_within(nested(129)));
        QVERIFY(hearth::json_depth_within(nested(64), 64));
        QVERIFY(!hearth::json_depth_within(nested(65), 64));
    }

    void chatTemplateRefusesDeepInput() {
        const hearth::ChatTemplate t = hearth::ChatTemplate::chatml();
        const hearth::ChatSpecialTokens tokens{"", "<|im_end|>"};
        const std::string user = "{\"role\": \"user\", \"content\": \"hi\"}";
        // messages: an extra field nested deep.
        const std::string deepMessage = "[{\"role\": \"user\", \"content\": \"hi\", \"extra\": " + nested(kBomb) + "}]";
        QVERIFY_THROWS_EXCEPTION(hearth::Error, t.apply_json(deepMessage, "", true, tokens));
        // tools: a parameters schema nested deep.
        const std::string deepTools =
            "[{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": " + nestedObjects(kBomb) + "}}]";
        QVERIFY_THROWS_EXCEPTION(hearth::Error, t.apply_json("[" + user + "]", deepTools, true, tokens));
        // Arguments given as a JSON string too deep to decode stay a string.
        checkDeepArgumentsStayText(t, tokens);
        // At the bound it still renders.
        const std::string okMessage = "[{\"role\": \"user\", \"content\": \"hi\", \"extra\": " + nested(100) + "}]";
        QVERIFY(t.apply_json(okMessage, "", true, tokens).find("hi") != std::string::npos);
    }

    void jinjaContextRefusesDeepInput() {
        const hearth::JinjaTemplate t("{{ x | length }}");
        QCOMPARE(t.render("{\"x\": " + nested(50) + "}"), std::string("1"));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, t.render("{\"x\": " + nested(kBomb) + "}"));
    }

    void deepToolCallsFromTheModelStayText() {
        const std::string call =
            "<tool_call>{\"name\": \"f\", \"arguments\": " + nestedObjects(kBomb) + "}</tool_call>";
        hearth::OutputParserConfig config;
        config.tool_call_format = hearth::ToolCallFormat_hermes;
        const hearth::ParsedOutput out = hearth::parse_output(call, config);
        QVERIFY(out.tool_calls.empty());
        QVERIFY(out.tool_call_parse_error);
        QCOMPARE(out.content.size(), call.size());

        // Llama 3's bare JSON form and a GLM argument value.
        config.tool_call_format = hearth::ToolCallFormat_llama3;
        const std::string bare = "{\"name\": \"f\", \"parameters\": " + nested(kBomb) + "}";
        QVERIFY(hearth::parse_output(bare, config).tool_calls.empty());
        config.tool_call_format = hearth::ToolCallFormat_hermes;
        const std::string glm =
            "<tool_call>f<arg_key>k</arg_key><arg_value>" + nested(kBomb) + "</arg_value></tool_call>";
        const hearth::ParsedOutput g = hearth::parse_output(glm, config);
        QCOMPARE(g.tool_calls.size(), size_t(1));  // the value is kept as a string, not parsed
        QVERIFY(g.tool_calls[0].arguments.find("\"k\":\"[[[") != std::string::npos);
    }

private:
    static void checkDeepArgumentsStayText(const hearth::ChatTemplate & t, const hearth::ChatSpecialTokens & tokens) {
        std::string args;
        for (int i = 0; i < kBomb; ++i) args += "{\\\"a\\\":";
        args += "1" + std::string(size_t(kBomb), '}');
        const std::string messages =
            "[{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": "
            "[{\"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"" +
            args + "\"}}]}]";
        // ChatML ignores tool calls; what matters is that decoding them did not recurse 20,000 deep.
        QVERIFY(t.apply_json(messages, "", true, tokens).find("<|im_start|>assistant") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestJsonDepth)
#include "test_json_depth.moc"
