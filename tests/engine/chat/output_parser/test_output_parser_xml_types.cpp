// XML tool-call parameters (Qwen3-Coder, Qwen3.5, GLM) typed by the tools'
// JSON schemas given in OutputParserConfig::tools_json, as llama.cpp types
// them; without a schema, by whether the text parses as JSON. Every case is
// also checked at every split (output_parser_harness).
#include <QTest>

#include "hearth/output_parser.h"
#include "output_parser_harness.h"

using hearth::OutputParserConfig;
using hearth::ParsedOutput;

namespace {

const char * const k_tools = R"([
 {"type": "function", "function": {"name": "search", "parameters": {"type": "object",
  "$defs": {"Zip": {"type": "string", "pattern": "^[0-9]{5}$"}, "Loop": {"$ref": "#/$defs/Loop"}},
  "properties": {
   "zip": {"type": "string"},
   "count": {"type": ["integer", "null"]},
   "nullable_text": {"type": ["string", "null"]},
   "flag": {"type": "boolean"},
   "filters": {"type": "object"},
   "tags": {"type": "array", "items": {"type": "string"}},
   "when": {"format": "date-time"},
   "code": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
   "ids": {"oneOf": [{"type": "integer"}, {"type": "array"}]},
   "ref": {"$ref": "#/$defs/Zip"},
   "loop": {"$ref": "#/$defs/Loop"},
   "missing_ref": {"$ref": "#/$defs/Nope"},
   "kind": {"enum": ["a", "b"]},
   "level": {"enum": [1, 2]},
   "label": {"allOf": [{"type": "string"}, {"maxLength": 4}]},
   "mixed": {"allOf": [{"type": "string"}, {"type": "integer"}]}
  }}}},
 {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object",
  "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}}}}
])";

OutputParserConfig withTools(const std::string & tools = k_tools) {
    OutputParserConfig c;
    c.tool_call_format = hearth::ToolCallFormat_hermes;
    c.tools_json = tools;
    return c;
}

std::string qwenCall(const std::string & name, const std::vector<std::pair<std::string, std::string>> & params) {
    std::string s = "<tool_call>\n<function=" + name + ">\n";
    for (const auto & [k, v] : params) s += "<parameter=" + k + ">\n" + v + "\n</parameter>\n";
    return s + "</function>\n</tool_call>";
}

ParsedOutput calls(const std::string & name, const std::string & arguments) {
    ParsedOutput out;
    out.tool_calls.push_back({"call_0", name, arguments});
    return out;
}

}  // namespace

class TestOutputParserXmlTypes : public QObject {
    Q_OBJECT

private slots:
    void string_parameters_keep_their_text() {
        const std::string text = qwenCall("search", {{"zip", "02139"},
                                                     {"nullable_text", "null"},
                                                     {"when", "2026-01-15"},
                                                     {"code", "42"},
                                                     {"ref", "12345"},
                                                     {"kind", "\"a\""},
                                                     {"label", "true"}});
        CHECK_SPLITS(text, withTools(),
                     calls("search", R"({"zip":"02139","nullable_text":"null","when":"2026-01-15","code":"42",)"
                                     "\"ref\":\"12345\",\"kind\":\"\\\"a\\\"\",\"label\":\"true\"}"));
    }

    void other_parameters_are_json() {
        const std::string text = qwenCall("search", {{"count", "5"},
                                                     {"flag", "true"},
                                                     {"filters", "{\"vram\": [24, 48]}"},
                                                     {"tags", "[\"x\", \"y\"]"},
                                                     {"ids", "[1, 2]"},
                                                     {"level", "2"},
                                                     {"mixed", "7"},
                                                     {"loop", "3"},
                                                     {"missing_ref", "4"}});
        CHECK_SPLITS(
            text, withTools(),
            calls("search", R"({"count":5,"flag":true,"filters":{"vram":[24,48]},"tags":["x","y"],"ids":[1,2],)"
                            R"("level":2,"mixed":7,"loop":3,"missing_ref":4})"));
        // Python-style literals (Qwen's templates print them so) where a string is ruled out;
        // text that is no JSON stays a string.
        CHECK_SPLITS(qwenCall("search", {{"flag", "False"}, {"count", "None"}, {"level", "many"}}), withTools(),
                     calls("search", R"({"flag":false,"count":null,"level":"many"})"));
    }

    void multiline_and_markup_values() {
        CHECK_SPLITS(qwenCall("get_weather", {{"city", "São Paulo\n<b>centre</b>\n"}, {"days", "3"}}), withTools(),
                     calls("get_weather", "{\"city\":\"São Paulo\\n<b>centre</b>\\n\",\"days\":3}"));
    }

    void without_a_schema_text_is_guessed() {
        // Another function, a parameter the schema lacks, or no tools at all.
        const std::string text = qwenCall("other", {{"zip", "02139"}, {"n", "123"}, {"s", "\"q\""}, {"b", "True"}});
        const ParsedOutput guessed = calls("other", R"({"zip":"02139","n":123,"s":"q","b":"True"})");
        CHECK_SPLITS(text, withTools(), guessed);
        CHECK_SPLITS(text, withTools(""), guessed);
        CHECK_SPLITS(text, withTools("[{\"type\": \"function\", \"function\": "), guessed);  // malformed: ignored
        CHECK_SPLITS(text, withTools(std::string(100000, '[')), guessed);                    // too deep: ignored
        CHECK_SPLITS(qwenCall("get_weather", {{"city", "7"}, {"extra", "7"}}), withTools(),
                     calls("get_weather", R"({"city":"7","extra":7})"));
    }

    void glm_form_is_typed_too() {
        CHECK_SPLITS(
            "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>1984</arg_value>\n"
            "<arg_key>days</arg_key>\n<arg_value>2</arg_value>\n</tool_call>",
            withTools(), calls("get_weather", R"({"city":"1984","days":2})"));
    }

    void deep_values_are_not_parsed() {
        const std::string deep = std::string(2000, '[') + std::string(2000, ']');
        CHECK_SPLITS(qwenCall("search", {{"filters", deep}}), withTools(),
                     calls("search", "{\"filters\":\"" + deep + "\"}"));
    }
};

QTEST_APPLESS_MAIN(TestOutputParserXmlTypes)
#include "test_output_parser_xml_types.moc"
