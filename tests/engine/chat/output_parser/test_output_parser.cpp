// hearth::OutputParser: reasoning, Hermes, Llama 3 and Mistral tool calls.
// Every case is checked one-shot, split at every byte boundary, byte by byte
// and in random chunk sizes (output_parser_harness).
#include <QTest>
#include <random>

#include "hearth/output_parser.h"
#include "output_parser_harness.h"

using hearth::OutputParserConfig;
using hearth::ParsedOutput;
using hearth::ToolCall;
using hearth::ToolCallFormat;

namespace {

OutputParserConfig config(ToolCallFormat format, bool reasoning_open = false) {
    OutputParserConfig c;
    c.tool_call_format = format;
    c.reasoning_open = reasoning_open;
    return c;
}

ParsedOutput expect(std::string reasoning, std::string content, std::vector<ToolCall> calls = {},
                    bool unterminated = false, bool parse_error = false) {
    ParsedOutput out;
    out.reasoning = std::move(reasoning);
    out.content = std::move(content);
    out.tool_calls = std::move(calls);
    out.reasoning_unterminated = unterminated;
    out.tool_call_parse_error = parse_error;
    return out;
}

ToolCall call(std::string id, std::string name, std::string arguments) {
    return ToolCall{std::move(id), std::move(name), std::move(arguments)};
}

const std::string k_weather_hermes =
    "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 3}}\n</tool_call>";
const ToolCall k_weather_call = {"call_0", "get_weather", "{\"city\":\"Paris\",\"days\":3}"};

}  // namespace

class TestOutputParser : public QObject {
    Q_OBJECT

private slots:
    void reasoning_then_content() {
        CHECK_SPLITS("<think>\nLet me add: 2 + 2.\n\n</think>\n\nThe answer is **4**.\n",
                     config(hearth::ToolCallFormat_none), expect("Let me add: 2 + 2.", "The answer is **4**.\n"));
        // The same with tool-call detection on: nothing changes.
        CHECK_SPLITS("<think>x</think>y", config(hearth::ToolCallFormat_auto), expect("x", "y"));
    }

    void prompt_opened_reasoning() {
        // QwQ / DeepSeek-R1: the prompt ends with <think>, the output holds only </think>.
        CHECK_SPLITS("Okay, the user asks 2+2.\nThat is 4.\n</think>\n\n4", config(hearth::ToolCallFormat_auto, true),
                     expect("Okay, the user asks 2+2.\nThat is 4.", "4"));
        // Some models repeat the opening tag anyway.
        CHECK_SPLITS("<think>\nhmm\n</think>ok", config(hearth::ToolCallFormat_auto, true), expect("hmm", "ok"));
        // Tool-call markup inside the open block is reasoning.
        CHECK_SPLITS(
            "{\"name\": \"f\", \"parameters\": {}} " + k_weather_hermes + "</think>[TOOL_CALLS]f[ARGS]{}",
            config(hearth::ToolCallFormat_auto, true),
            expect("{\"name\": \"f\", \"parameters\": {}} " + k_weather_hermes, "", {call("call_0", "f", "{}")}));
        // An empty block.
        CHECK_SPLITS("</think>\n\nDirect answer.", config(hearth::ToolCallFormat_hermes, true),
                     expect("", "Direct answer."));
    }

    void unterminated_reasoning() {
        CHECK_SPLITS("<think>\nI am still thinking about </thi", config(hearth::ToolCallFormat_auto),
                     expect("I am still thinking about </thi", "", {}, true));
        CHECK_SPLITS("still going \n", config(hearth::ToolCallFormat_auto, true), expect("still going", "", {}, true));
        CHECK_SPLITS("", config(hearth::ToolCallFormat_auto, true), expect("", "", {}, true));
    }

    void reasoning_only_at_start() {
        // A <think> inside the answer is content, and so is a </think> after the block.
        CHECK_SPLITS("Use the <think> tag like <think>this</think>.", config(hearth::ToolCallFormat_auto),
                     expect("", "Use the <think> tag like <think>this</think>."));
        CHECK_SPLITS("<think>a</think>b</think>c", config(hearth::ToolCallFormat_auto), expect("a", "b</think>c"));
        OutputParserConfig off = config(hearth::ToolCallFormat_auto);
        off.reasoning_enabled = false;
        CHECK_SPLITS("<think>a</think>b", off, expect("", "<think>a</think>b"));
    }

    void several_reasoning_blocks() {
        CHECK_SPLITS("\n<think>first</think>\n<think>\nsecond\n</think>\nanswer", config(hearth::ToolCallFormat_auto),
                     expect("first\n\nsecond", "answer"));
    }

    void whitespace_handling() {
        // Without a reasoning block, content is verbatim, leading whitespace included.
        CHECK_SPLITS("  \n Hello\n", config(hearth::ToolCallFormat_auto), expect("", "  \n Hello\n"));
        CHECK_SPLITS("\n\n", config(hearth::ToolCallFormat_auto), expect("", "\n\n"));
        CHECK_SPLITS("", config(hearth::ToolCallFormat_auto), expect("", ""));
        // Whitespace inside reasoning is kept; only its ends are stripped.
        CHECK_SPLITS("<think>  a \n\n b  </think>   \n c ", config(hearth::ToolCallFormat_auto),
                     expect("a \n\n b", "c "));
    }

    void hermes_single() {
        CHECK_SPLITS(k_weather_hermes, config(hearth::ToolCallFormat_hermes), expect("", "", {k_weather_call}));
        CHECK_SPLITS(k_weather_hermes, config(hearth::ToolCallFormat_auto), expect("", "", {k_weather_call}));
        // Arguments double-encoded as a string, and the OpenAI nested form.
        CHECK_SPLITS("<tool_call>{\"name\":\"f\",\"arguments\":\"{\\\"a\\\": 1}\"}</tool_call>",
                     config(hearth::ToolCallFormat_hermes), expect("", "", {call("call_0", "f", "{\"a\":1}")}));
        CHECK_SPLITS("<tool_call>{\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":{}}}</tool_call>",
                     config(hearth::ToolCallFormat_hermes), expect("", "", {call("call_0", "g", "{}")}));
    }

    void hermes_xml_bodies() {
        // Qwen3-Coder / Qwen3.5: values are typed when they parse as JSON.
        std::string qwen =
            "<tool_call>\n<function=search>\n<parameter=query>\nbest GPU for 32B models\n</parameter>\n"
            "<parameter=limit>\n5\n</parameter>\n<parameter=filters>\n{\"vram\": [24, 48]}\n</parameter>\n"
            "</function>\n</tool_call>";
        CHECK_SPLITS(
            "<think>\n\n</think>\n\n" + qwen, config(hearth::ToolCallFormat_hermes),
            expect("", "",
                   {call("call_0", "search",
                         "{\"query\":\"best GPU for 32B models\",\"limit\":5,\"filters\":{\"vram\":[24,48]}}")}));
        // GLM 4.5+.
        CHECK_SPLITS("<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Zürich</arg_value>\n</tool_call>",
                     config(hearth::ToolCallFormat_auto),
                     expect("", "", {call("call_0", "get_weather", "{\"city\":\"Zürich\"}")}));
        // Malformed XML stays content.
        std::string bad = "<tool_call>\n<function=f>\n<parameter=x>\n1\n</function>\n</tool_call>";
        CHECK_SPLITS(bad, config(hearth::ToolCallFormat_hermes), expect("", bad, {}, false, true));
        std::string prose = "<tool_call>not a call</tool_call>";
        CHECK_SPLITS(prose, config(hearth::ToolCallFormat_hermes), expect("", prose, {}, false, true));
    }

    void hermes_call_ends_open_reasoning() {
        // Qwen3.5's prompt opens <think>; it may call a tool before closing it.
        const std::string xml =
            "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>";
        const ToolCall weather = call("call_0", "get_weather", "{\"city\":\"Paris\"}");
        CHECK_SPLITS("Need the weather.\n" + xml, config(hearth::ToolCallFormat_hermes, true),
                     expect("Need the weather.", "", {weather}));
        CHECK_SPLITS(xml + "\nDone.", config(hearth::ToolCallFormat_hermes, true), expect("", "Done.", {weather}));
        CHECK_SPLITS("<think>x " + xml, config(hearth::ToolCallFormat_hermes), expect("x", "", {weather}));
        // Other formats leave the tag inside reasoning alone.
        CHECK_SPLITS("<think>x " + xml + "</think>y", config(hearth::ToolCallFormat_auto), expect("x " + xml, "y"));
    }

    void hermes_multiple_with_content_around() {
        std::string text =
            "Let me check both.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": "
            "\"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"tz\": "
            "\"Europe/Paris\"}}\n</tool_call>\nDone.";
        CHECK_SPLITS(text, config(hearth::ToolCallFormat_hermes),
                     expect("", "Let me check both.\nDone.",
                            {call("call_0", "get_weather", "{\"city\":\"Paris\"}"),
                             call("call_1", "get_time", "{\"tz\":\"Europe/Paris\"}")}));
    }

    void tool_call_after_reasoning() {
        CHECK_SPLITS("<think>\nThe user wants the weather.\n</think>\n\n" + k_weather_hermes + "\n",
                     config(hearth::ToolCallFormat_auto), expect("The user wants the weather.", "", {k_weather_call}));
        CHECK_SPLITS("Need weather.</think>\n" + k_weather_hermes, config(hearth::ToolCallFormat_hermes, true),
                     expect("Need weather.", "", {k_weather_call}));
    }

    void hermes_malformed_stays_content() {
        std::string bad_json = "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"x\": }\n</tool_call>";
        CHECK_SPLITS("Before " + bad_json + " after", config(hearth::ToolCallFormat_hermes),
                     expect("", "Before " + bad_json + " after", {}, false, true));
        std::string no_name = "<tool_call>{\"foo\": 1}</tool_call>";
        CHECK_SPLITS(no_name, config(hearth::ToolCallFormat_auto), expect("", no_name, {}, false, true));
        // A malformed call does not stop the next one.
        CHECK_SPLITS(no_name + k_weather_hermes, config(hearth::ToolCallFormat_hermes),
                     expect("", no_name, {k_weather_call}, false, true));
    }

    void hermes_cut_off() {
        // Generation stopped before </tool_call>: a whole JSON object still counts.
        CHECK_SPLITS("<tool_call>{\"name\":\"f\",\"arguments\":{}}\n", config(hearth::ToolCallFormat_hermes),
                     expect("", "", {call("call_0", "f", "{}")}));
        CHECK_SPLITS("<tool_call>{\"name\":\"f\",\"argu", config(hearth::ToolCallFormat_hermes),
                     expect("", "<tool_call>{\"name\":\"f\",\"argu", {}, false, true));
        // A tag prefix left at the very end is content.
        CHECK_SPLITS("see <tool_ca", config(hearth::ToolCallFormat_hermes), expect("", "see <tool_ca"));
    }

    void llama3_json() {
        std::string obj = "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", \"days\": 3}}";
        CHECK_SPLITS(obj, config(hearth::ToolCallFormat_llama3), expect("", "", {k_weather_call}));
        CHECK_SPLITS("<|python_tag|>" + obj, config(hearth::ToolCallFormat_llama3), expect("", "", {k_weather_call}));
        CHECK_SPLITS("\n " + obj + "\n", config(hearth::ToolCallFormat_auto), expect("", "", {k_weather_call}));
        // Two calls in a row.
        CHECK_SPLITS(obj + "\n{\"name\": \"b\", \"parameters\": {}}", config(hearth::ToolCallFormat_llama3),
                     expect("", "", {k_weather_call, call("call_1", "b", "{}")}));
        // Braces and escaped quotes inside strings do not end the object.
        CHECK_SPLITS("{\"name\": \"echo\", \"parameters\": {\"text\": \"a } b { \\\" ] c\"}}",
                     config(hearth::ToolCallFormat_llama3),
                     expect("", "", {call("call_0", "echo", "{\"text\":\"a } b { \\\" ] c\"}")}));
        // After reasoning.
        CHECK_SPLITS("<think>x</think>\n" + obj, config(hearth::ToolCallFormat_llama3),
                     expect("x", "", {k_weather_call}));
    }

    void llama3_not_a_call() {
        // Content that is not a JSON object at the start is plain text.
        CHECK_SPLITS("Sure! {\"name\": \"x\", \"parameters\": {}}", config(hearth::ToolCallFormat_llama3),
                     expect("", "Sure! {\"name\": \"x\", \"parameters\": {}}"));
        // A JSON answer (no "parameters") is content, not an error.
        CHECK_SPLITS("{\"name\": \"Bob\", \"age\": 3} is the record.", config(hearth::ToolCallFormat_llama3),
                     expect("", "{\"name\": \"Bob\", \"age\": 3} is the record."));
        // Malformed or unclosed call-shaped JSON: content, flagged.
        CHECK_SPLITS("{\"name\": \"f\", \"parameters\": {\"a\": 1}", config(hearth::ToolCallFormat_llama3),
                     expect("", "{\"name\": \"f\", \"parameters\": {\"a\": 1}", {}, false, true));
        CHECK_SPLITS("{\"name\": \"f\", \"parameters\": {\"a\": 1,}}", config(hearth::ToolCallFormat_auto),
                     expect("", "{\"name\": \"f\", \"parameters\": {\"a\": 1,}}", {}, false, true));
        CHECK_SPLITS("<|python_tag|>print(1)", config(hearth::ToolCallFormat_llama3),
                     expect("", "<|python_tag|>print(1)", {}, false, true));
    }

    void mistral_array() {
        std::string text =
            "[TOOL_CALLS][{\"name\": \"a\", \"arguments\": {\"x\": 1}, \"id\": \"abc123XYZ\"}, "
            "{\"name\": \"b\", \"arguments\": {}}]";
        ParsedOutput want = expect("", "", {call("abc123XYZ", "a", "{\"x\":1}"), call("call_1", "b", "{}")});
        CHECK_SPLITS(text, config(hearth::ToolCallFormat_mistral), want);
        CHECK_SPLITS(text, config(hearth::ToolCallFormat_auto), want);
        CHECK_SPLITS("Checking. [TOOL_CALLS] [{\"name\": \"a\", \"arguments\": {}}]\nThen more.",
                     config(hearth::ToolCallFormat_mistral),
                     expect("", "Checking. Then more.", {call("call_0", "a", "{}")}));
    }

    void mistral_args_form() {
        CHECK_SPLITS("[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\", \"days\": 3}",
                     config(hearth::ToolCallFormat_mistral), expect("", "", {k_weather_call}));
        CHECK_SPLITS("[TOOL_CALLS]a[CALL_ID]id1[ARGS]{}[TOOL_CALLS]b.c-d[ARGS] {\"k\": [1, 2]}",
                     config(hearth::ToolCallFormat_auto),
                     expect("", "", {call("id1", "a", "{}"), call("call_1", "b.c-d", "{\"k\":[1,2]}")}));
    }

    void mistral_malformed() {
        CHECK_SPLITS("[TOOL_CALLS][{\"name\": oops}] rest", config(hearth::ToolCallFormat_mistral),
                     expect("", "[TOOL_CALLS][{\"name\": oops}] rest", {}, false, true));
        CHECK_SPLITS("[TOOL_CALLS]f[ARGS][1]", config(hearth::ToolCallFormat_mistral),
                     expect("", "[TOOL_CALLS]f[ARGS][1]", {}, false, true));
        CHECK_SPLITS("[TOOL_CALLS] !", config(hearth::ToolCallFormat_mistral),
                     expect("", "[TOOL_CALLS] !", {}, false, true));
        CHECK_SPLITS("[TOOL_CALLS]f[ARG", config(hearth::ToolCallFormat_mistral),
                     expect("", "[TOOL_CALLS]f[ARG", {}, false, true));
    }

    void only_offered_functions_are_calls() {
        OutputParserConfig c = config(hearth::ToolCallFormat_auto);
        c.tool_names = {"get_weather", "b"};
        CHECK_SPLITS(k_weather_hermes, c, expect("", "", {k_weather_call}));
        // A malformed block that reads as a GLM call to "Paris", and a real
        // call to a function nobody offered: both stay text.
        CHECK_SPLITS("<tool_call>Paris</tool_call>", c, expect("", "<tool_call>Paris</tool_call>", {}, false, true));
        const std::string rm = "<tool_call>{\"name\": \"rm\", \"arguments\": {\"path\": \"/\"}}</tool_call>";
        CHECK_SPLITS(rm + k_weather_hermes, c, expect("", rm, {k_weather_call}, false, true));
        CHECK_SPLITS("{\"name\": \"rm\", \"parameters\": {}}", c,
                     expect("", "{\"name\": \"rm\", \"parameters\": {}}", {}, false, true));
        // One unoffered call in a Mistral array keeps the whole array text.
        const std::string array =
            "[TOOL_CALLS][{\"name\": \"b\", \"arguments\": {}}, {\"name\": \"rm\", \"arguments\": {}}]";
        CHECK_SPLITS(array, c, expect("", array, {}, false, true));
        CHECK_SPLITS("[TOOL_CALLS]rm[ARGS]{}", c, expect("", "[TOOL_CALLS]rm[ARGS]{}", {}, false, true));
        CHECK_SPLITS("[TOOL_CALLS]b[ARGS]{}", c, expect("", "", {call("call_0", "b", "{}")}));
        // Without a list every name is accepted, as before.
        CHECK_SPLITS("<tool_call>Paris</tool_call>", config(hearth::ToolCallFormat_hermes),
                     expect("", "", {call("call_0", "Paris", "{}")}));
    }

    void angle_brackets_pass_through() {
        std::string text = "if a < b and b > c: <thinking>x</thinking> <tool> <tool_calls> <|python|> [TOOL] [x]";
        for (ToolCallFormat f :
             {hearth::ToolCallFormat_none, hearth::ToolCallFormat_auto, hearth::ToolCallFormat_hermes,
              hearth::ToolCallFormat_llama3, hearth::ToolCallFormat_mistral}) {
            CHECK_SPLITS(text, config(f), expect("", text));
            CHECK_SPLITS("<thinking> is not a tag", config(f), expect("", "<thinking> is not a tag"));
            CHECK_SPLITS("<", config(f), expect("", "<"));
        }
        // Format "none" leaves tool-call markup alone, without a flag.
        CHECK_SPLITS(k_weather_hermes, config(hearth::ToolCallFormat_none), expect("", k_weather_hermes));
    }

    void utf8_content() {
        CHECK_SPLITS("<think>思考中…</think>Привет, мир! 👋 ünïcödé", config(hearth::ToolCallFormat_auto),
                     expect("思考中…", "Привет, мир! 👋 ünïcödé"));
        CHECK_SPLITS("天気: <tool_call>{\"name\": \"w\", \"arguments\": {\"city\": \"Zürich 🌧\"}}</tool_call>",
                     config(hearth::ToolCallFormat_hermes),
                     expect("", "天気: ", {call("call_0", "w", "{\"city\":\"Zürich 🌧\"}")}));
        // Output cut inside a sequence: the broken tail becomes U+FFFD.
        CHECK_SPLITS("abc\xE4\xB8", config(hearth::ToolCallFormat_auto), expect("", "abc\xEF\xBF\xBD"));
    }

    void reasoning_state_is_reported() {
        hearth::OutputParser open(config(hearth::ToolCallFormat_auto, true));
        QVERIFY(open.in_reasoning());  // before any text: the prompt opened the block
        QCOMPARE(open.feed("a</think>").reasoning, std::string("a"));
        QVERIFY(!open.in_reasoning());
        hearth::OutputParser closed(config(hearth::ToolCallFormat_auto));
        QVERIFY(!closed.in_reasoning());
        closed.feed("<think>");
        QVERIFY(closed.in_reasoning());
        closed.finish();
        QVERIFY(closed.result().reasoning_unterminated);
    }

    void streams_with_minimal_delay() {
        hearth::OutputParser p(config(hearth::ToolCallFormat_auto));
        QCOMPARE(p.feed("<thi").reasoning, std::string());
        QCOMPARE(p.feed("nk>Step one").reasoning, std::string("Step one"));
        QVERIFY(p.in_reasoning());
        QCOMPARE(p.feed(" and </thi").reasoning, std::string(" and"));  // trailing space waits
        hearth::OutputDelta d = p.feed("nk>\n\nHello <");
        QCOMPARE(d.reasoning, std::string());
        QCOMPARE(d.content, std::string("Hello "));
        QCOMPARE(p.feed("b> and a < b").content, std::string("<b> and a < b"));
        QCOMPARE(p.feed("\xF0\x9F").content, std::string());  // half an emoji waits
        QCOMPARE(p.feed("\x91\x8B<tool_").content, std::string("\xF0\x9F\x91\x8B"));
        d = p.feed("call>{\"name\": \"f\", \"arguments\": {}}</tool_call>");
        QCOMPARE(d.content, std::string());
        QCOMPARE(d.tool_calls.size(), std::size_t(1));
        QCOMPARE(d.tool_calls[0].name, std::string("f"));
        QVERIFY(p.finish().empty());
        QVERIFY(p.finished());
        QVERIFY(!p.result().tool_call_parse_error);
    }

    void prompt_detection() {
        QVERIFY(hearth::prompt_opens_reasoning("<|im_start|>assistant\n<think>\n"));
        QVERIFY(hearth::prompt_opens_reasoning("<｜Assistant｜><think>"));
        QVERIFY(!hearth::prompt_opens_reasoning("<|im_start|>assistant\n<think>\n\n</think>\n\n"));
        QVERIFY(!hearth::prompt_opens_reasoning("<|im_start|>assistant\n"));
        QVERIFY(!hearth::prompt_opens_reasoning(""));
    }

    void format_from_template() {
        QCOMPARE(hearth::tool_call_format_for_template("{{- '<tool_call>\\n' }}"), hearth::ToolCallFormat_hermes);
        QCOMPARE(hearth::tool_call_format_for_template("{{ '[TOOL_CALLS]' }}"), hearth::ToolCallFormat_mistral);
        QCOMPARE(hearth::tool_call_format_for_template("<|start_header_id|>ipython<|end_header_id|>"),
                 hearth::ToolCallFormat_llama3);
        QCOMPARE(hearth::tool_call_format_for_template("{{ messages }}"), hearth::ToolCallFormat_auto);
        QCOMPARE(std::string(hearth::tool_call_format_name(hearth::ToolCallFormat_mistral)), std::string("mistral"));
    }

    // Random texts built from tag fragments: whatever they mean, every split
    // must agree with the one-shot parse, and nothing may crash.
    void random_fragments_split_invariant() {
        static const char * fragments[] = {
            "<function=f>",
            "<parameter=k>",
            "</parameter>",
            "</function>",
            "<arg_key>",
            "</arg_value>",
            "1",
            "<think>",
            "</think>",
            "<tool_call>",
            "</tool_call>",
            "[TOOL_CALLS]",
            "[ARGS]",
            "[CALL_ID]",
            "<|python_tag|>",
            "{",
            "}",
            "[",
            "]",
            "\"name\"",
            "\"arguments\"",
            "\"parameters\"",
            ":",
            ",",
            "\"f\"",
            " ",
            "\n",
            "<",
            "</",
            "<tool",
            "think",
            "x",
            "é",
            "\\",
            "\"",
            "{}",
            "\xE2\x82\xAC",
        };
        std::mt19937 rng(1234);
        std::uniform_int_distribution<std::size_t> pick(0, std::size(fragments) - 1);
        std::uniform_int_distribution<int> length(1, 24);
        for (int iter = 0; iter < 300; ++iter) {
            std::string text;
            for (int n = length(rng); n > 0; --n) {
                text += fragments[pick(rng)];
            }
            OutputParserConfig cfg = config(static_cast<ToolCallFormat>(iter % 5), iter % 7 == 0);
            ParsedOutput whole = hearth::parse_output(text, cfg);
            QVERIFY2(output_parser_test::utf8_valid(whole.content) && output_parser_test::utf8_valid(whole.reasoning),
                     text.c_str());
            std::string err = output_parser_test::check_all_splits(text, cfg, whole);
            QVERIFY2(err.empty(), (text + ": " + err).c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestOutputParser)
#include "test_output_parser.moc"
