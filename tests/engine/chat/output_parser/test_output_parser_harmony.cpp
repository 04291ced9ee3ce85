// hearth::OutputParser on OpenAI harmony (gpt-oss): what the model writes
// after the generation prompt `<|start|>assistant`. Channels, recipients in
// the role or the channel header, constraints, end markers present or cut
// off by the end of generation; every case also split at every byte, byte by
// byte and in random chunks (output_parser_harness).
#include <QTest>
#include <random>

#include "hearth/output_parser.h"
#include "output_parser_harness.h"

using hearth::OutputParserConfig;
using hearth::ParsedOutput;
using hearth::ToolCall;

namespace {

OutputParserConfig harmony(hearth::ToolCallFormat format = hearth::ToolCallFormat_harmony) {
    OutputParserConfig c;
    c.tool_call_format = format;
    c.harmony = true;
    return c;
}

ParsedOutput expect(std::string reasoning, std::string content, std::vector<ToolCall> calls = {},
                    bool parse_error = false) {
    ParsedOutput out;
    out.reasoning = std::move(reasoning);
    out.content = std::move(content);
    out.tool_calls = std::move(calls);
    out.tool_call_parse_error = parse_error;
    return out;
}

ToolCall call(std::string name, std::string arguments, int index = 0) {
    return ToolCall{"call_" + std::to_string(index), std::move(name), std::move(arguments)};
}

const std::string k_analysis = "<|channel|>analysis<|message|>User asks 2+2. Simple.<|end|>";

}  // namespace

class TestOutputParserHarmony : public QObject {
    Q_OBJECT

private slots:
    void analysis_then_final() {
        const std::string text = k_analysis + "<|start|>assistant<|channel|>final<|message|>2 + 2 = **4**.";
        CHECK_SPLITS(text, harmony(), expect("User asks 2+2. Simple.", "2 + 2 = **4**."));
        // <|return|> ends generation, so it is usually not in the text; when it is, it ends the message.
        CHECK_SPLITS(text + "<|return|>", harmony(), expect("User asks 2+2. Simple.", "2 + 2 = **4**."));
        // Whitespace between messages is no content.
        CHECK_SPLITS("<|channel|>analysis<|message|>a<|end|>\n<|start|>assistant<|channel|>final<|message|> b \n",
                     harmony(), expect("a", " b \n"));
    }

    void tool_call_recipient_in_role_header() {
        const std::string text =
            k_analysis +
            "<|start|>assistant to=functions.get_weather<|channel|>commentary json<|message|>{\"city\": \"Paris\"}";
        const ParsedOutput want = expect("User asks 2+2. Simple.", "", {call("get_weather", "{\"city\":\"Paris\"}")});
        CHECK_SPLITS(text, harmony(), want);
        CHECK_SPLITS(text + "<|call|>", harmony(), want);
        // Right after the prompt's <|start|>assistant, the recipient opens the output.
        CHECK_SPLITS(" to=functions.get_weather<|channel|>commentary json<|message|>{\"city\": \"Paris\"}", harmony(),
                     expect("", "", {call("get_weather", "{\"city\":\"Paris\"}")}));
    }

    void tool_call_recipient_in_channel_header() {
        CHECK_SPLITS(
            "<|channel|>commentary to=functions.get_weather "
            "<|constrain|>json<|message|>{\"city\":\"Paris\",\"days\":[1,2]}<|call|>",
            harmony(), expect("", "", {call("get_weather", "{\"city\":\"Paris\",\"days\":[1,2]}")}));
        // In the analysis channel too (llama.cpp accepts both).
        CHECK_SPLITS("<|channel|>analysis to=functions.f<|message|>{}", harmony(), expect("", "", {call("f", "{}")}));
    }

    void preamble_and_several_calls() {
        const std::string text =
            "<|channel|>commentary<|message|>Let me check both.<|end|>"
            "<|start|>assistant to=functions.get_weather<|channel|>commentary json<|message|>{\"city\": "
            "\"Paris\"}<|call|>"
            "<|start|>assistant to=functions.get_time<|channel|>commentary json<|message|>{\"tz\": \"Europe/Paris\"}";
        CHECK_SPLITS(
            text, harmony(),
            expect("", "Let me check both.",
                   {call("get_weather", "{\"city\":\"Paris\"}", 0), call("get_time", "{\"tz\":\"Europe/Paris\"}", 1)}));
    }

    void several_analysis_messages_and_stray_commentary() {
        const std::string text =
            "<|channel|>commentary<|channel|>analysis<|message|>First.<|end|>"
            "<|start|>assistant<|channel|>analysis<|message|>Second.<|end|>"
            "<|start|>assistant<|channel|>commentary to=assistant<|channel|>final<|message|>Done.";
        CHECK_SPLITS(text, harmony(), expect("First.\n\nSecond.", "Done."));
    }

    void builtin_recipient_is_a_call_by_its_name() {
        CHECK_SPLITS("<|channel|>analysis to=browser.search code<|message|>{\"query\": \"gpt-oss\"}<|call|>", harmony(),
                     expect("", "", {call("browser.search", "{\"query\":\"gpt-oss\"}")}));
    }

    void invalid_arguments_stay_content() {
        CHECK_SPLITS("<|channel|>commentary to=functions.f json<|message|>{\"a\": ", harmony(),
                     expect("", "{\"a\": ", {}, true));
        CHECK_SPLITS(
            "<|channel|>analysis<|message|>x<|end|><|start|>assistant "
            "to=python<|channel|>analysis<|message|>print(1)<|call|>",
            harmony(), expect("x", "print(1)", {}, true));
    }

    void tool_calls_off_or_reasoning_off() {
        const std::string text =
            k_analysis + "<|start|>assistant to=functions.f<|channel|>commentary json<|message|>{}";
        CHECK_SPLITS(text, harmony(hearth::ToolCallFormat_none), expect("User asks 2+2. Simple.", "{}"));
        OutputParserConfig no_reasoning = harmony();
        no_reasoning.reasoning_enabled = false;
        CHECK_SPLITS(k_analysis + "<|start|>assistant<|channel|>final<|message|>4", no_reasoning,
                     expect("", "User asks 2+2. Simple.4"));
        // The format alone turns harmony on.
        OutputParserConfig by_format;
        by_format.tool_call_format = hearth::ToolCallFormat_harmony;
        CHECK_SPLITS(text, by_format, expect("User asks 2+2. Simple.", "", {call("f", "{}")}));
    }

    void text_outside_messages_is_content() {
        CHECK_SPLITS("Hello <b>world</b> <|fake|> 1 < 2", harmony(), expect("", "Hello <b>world</b> <|fake|> 1 < 2"));
        // A header that never reaches <|message|>, or meets an end marker first.
        CHECK_SPLITS("<|channel|>final and then prose", harmony(), expect("", "<|channel|>final and then prose"));
        CHECK_SPLITS("<|channel|>final<|end|>tail", harmony(), expect("", "<|channel|>finaltail"));
        const std::string long_header = "<|channel|>" + std::string(600, 'x') + "<|message|>body";
        CHECK_SPLITS(long_header, harmony(), expect("", long_header));
        // Markers' look-alikes inside a body are text.
        CHECK_SPLITS("<|channel|>final<|message|>a <| b <|en d <|return", harmony(),
                     expect("", "a <| b <|en d <|return"));
    }

    void utf8_is_never_split() {
        CHECK_SPLITS("<|channel|>analysis<|message|>héllo ✓<|end|><|start|>assistant<|channel|>final<|message|>😀 ok",
                     harmony(), expect("héllo ✓", "😀 ok"));
        // A header given up on at 512 bytes, with a two-byte character across byte 512.
        CHECK_SPLITS("<|channel|>" + std::string(500, 'y') + "é" + std::string(20, 'z'), harmony(),
                     expect("", "<|channel|>" + std::string(500, 'y') + "é" + std::string(20, 'z')));
    }

    void streams_promptly() {
        hearth::OutputParser p(harmony());
        QVERIFY(p.feed("<|channel|>analysis<|mess").empty());
        hearth::OutputDelta d = p.feed("age|>Think");
        QCOMPARE(d.reasoning, std::string("Think"));
        QVERIFY(p.in_reasoning());
        QCOMPARE(p.feed(" more<|en").reasoning, std::string(" more"));
        QVERIFY(p.feed("d|><|start|>assistant<|channel|>final<|message|>").empty());
        QVERIFY(!p.in_reasoning());
        QCOMPARE(p.feed("Answer").content, std::string("Answer"));
        // A tool call is released whole, once generation ends at <|call|>.
        hearth::OutputParser t(harmony());
        QVERIFY(t.feed(" to=functions.f<|channel|>commentary json<|message|>{\"a\":").empty());
        QVERIFY(t.feed("1}").empty());
        hearth::OutputDelta end = t.finish();
        QCOMPARE(end.tool_calls.size(), size_t(1));
        QCOMPARE(end.tool_calls[0].arguments, std::string("{\"a\":1}"));
    }

    // Random harmony-ish text: whatever it holds, every split parses as the whole does.
    void random_fragments_split_invariant() {
        static const char * fragments[] = {
            "<|start|>",
            "<|channel|>",
            "<|message|>",
            "<|end|>",
            "<|call|>",
            "<|return|>",
            "<|constrain|>",
            "assistant",
            " to=",
            "functions.f",
            "analysis",
            "final",
            "commentary",
            " json",
            "{",
            "}",
            "\"a\"",
            ":",
            "1",
            " ",
            "\n",
            "<|",
            "<|ch",
            "|>",
            "x",
            "é",
            "\xE2\x82\xAC",
            "<think>",
            "<tool_call>",
        };
        std::mt19937 rng(4321);
        std::uniform_int_distribution<std::size_t> pick(0, std::size(fragments) - 1);
        std::uniform_int_distribution<int> length(1, 30);
        for (int iter = 0; iter < 300; ++iter) {
            std::string text;
            for (int n = length(rng); n > 0; --n) text += fragments[pick(rng)];
            OutputParserConfig cfg =
                harmony(iter % 3 == 0 ? hearth::ToolCallFormat_none : hearth::ToolCallFormat_harmony);
            cfg.reasoning_enabled = iter % 4 != 0;
            ParsedOutput whole = hearth::parse_output(text, cfg);
            QVERIFY2(output_parser_test::utf8_valid(whole.content) && output_parser_test::utf8_valid(whole.reasoning),
                     text.c_str());
            std::string err = output_parser_test::check_all_splits(text, cfg, whole);
            QVERIFY2(err.empty(), (text + ": " + err).c_str());
        }
    }

    void format_name() {
        QCOMPARE(std::string(hearth::tool_call_format_name(hearth::ToolCallFormat_harmony)), std::string("harmony"));
        QCOMPARE(hearth::tool_call_format_for_template("{{ '<|start|>assistant<|channel|>final<|message|>' }}"),
                 hearth::ToolCallFormat_harmony);
    }
};

QTEST_APPLESS_MAIN(TestOutputParserHarmony)
#include "test_output_parser_harmony.moc"
