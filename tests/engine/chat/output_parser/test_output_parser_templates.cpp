// hearth::OutputParser against real chat templates (fixtures/templates): the
// assistant turns that jinja2 rendered for tool calls and reasoning must parse
// back to the messages they came from, the format guessed from each template's
// source must be the one its turns use, and the generation prompts that leave
// <think> open must be detected.
#include <QTest>
#include <nlohmann/json.hpp>
#include <set>

#include "common/fixtures.h"
#include "hearth/output_parser.h"
#include "output_parser_harness.h"

namespace {

struct Turn {
    const char * tmpl;
    const char * header;  // opens the assistant turn after the user's question
    const char * end;     // closes it
};

// The assistant turn that follows `question` in a rendered conversation.
std::string assistant_turn(const std::string & rendered, const std::string & question, const Turn & t) {
    std::size_t q = rendered.find(question);
    if (q == std::string::npos) {
        return "<question not found>";
    }
    std::size_t start = rendered.find(t.header, q);
    if (start == std::string::npos) {
        return "<header not found>";
    }
    start += std::string(t.header).size();
    std::size_t end = rendered.find(t.end, start);
    return rendered.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

const Turn k_chatml = {nullptr, "<|im_start|>assistant\n", "<|im_end|>"};
const Turn k_llama3 = {nullptr, "<|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>"};
const Turn k_mistral = {nullptr, "[/INST]", "<|eos|>"};

Turn with(const Turn & t, const char * tmpl) {
    return Turn{tmpl, t.header, t.end};
}

// jinja2 renders of the extra conversations (tests/engine/chat/data).
std::string dataRender(const std::string & tmpl, const std::string & name) {
    return hearth_test::read_text(std::string(HEARTH_TEMPLATES_TEST_DATA) + "/expected/" + tmpl + "/" + name + ".txt");
}

std::string extraCaseTools(const std::string & name) {
    using Json = nlohmann::ordered_json;
    for (const Json & c :
         Json::parse(hearth_test::read_text(std::string(HEARTH_TEMPLATES_TEST_DATA) + "/cases_extra.json")))
        if (c["name"] == name) return c["tools"].dump();
    return {};
}

// gpt-oss: what follows the `<|start|>assistant` after `anchor`, up to the
// marker that ends generation (<|call|>, <|return|>) or the next non-assistant
// message; `ender` gets that marker when it is one of the two.
std::string harmonyTurn(const std::string & rendered, const std::string & anchor, std::string & ender) {
    std::size_t a = rendered.find(anchor);
    std::size_t start = a == std::string::npos ? a : rendered.find("<|start|>assistant", a);
    if (start == std::string::npos) return "<turn not found>";
    start += std::string("<|start|>assistant").size();
    std::size_t end = std::string::npos;
    ender.clear();
    for (const char * marker : {"<|call|>", "<|return|>", "<|start|>user", "<|start|>functions"}) {
        std::size_t pos = rendered.find(marker, start);
        if (pos < end) {
            end = pos;
            ender = marker[2] == 'c' || marker[2] == 'r' ? marker : "";
        }
    }
    return rendered.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

class TestOutputParserTemplates : public QObject {
    Q_OBJECT

private slots:
    void tool_round_trip_turns_parse_back() {
        const Turn turns[] = {
            with(k_chatml, "Qwen-Qwen2.5-7B-Instruct"),
            with(k_chatml, "Qwen-Qwen3-0.6B"),
            with(k_chatml, "Qwen-QwQ-32B"),
            with(k_chatml, "seed-QwQ-32B"),
            with(k_chatml, "NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use"),
            with(k_chatml, "NousResearch-Hermes-3-Llama-3.1-8B-tool_use"),
            with(k_chatml, "Qwen3-Coder"),
            with(k_chatml, "Qwen3.5-4B"),
            {"GLM-4.6", "<|assistant|>", "<|observation|>"},
            {"ibm-granite-granite-4.0", "<|start_of_role|>assistant<|end_of_role|>", "<|end_of_text|>"},
            with(k_llama3, "meta-llama-Llama-3.1-8B-Instruct"),
            with(k_llama3, "meta-llama-Llama-3.2-3B-Instruct"),
            with(k_llama3, "meta-llama-Llama-3.3-70B-Instruct"),
            with(k_mistral, "unsloth-mistral-Devstral-Small-2507"),
            with(k_mistral, "mistralai-Ministral-3-14B-Reasoning-2512"),
        };
        hearth::ParsedOutput want;
        want.tool_calls.push_back({"call_0", "get_weather", "{\"city\":\"Paris\"}"});
        for (const Turn & t : turns) {
            std::string dir = std::string("templates/expected/") + t.tmpl;
            std::string rendered = hearth_test::read_text(HEARTH_FIXTURE(dir + "/tool_round_trip.txt"));
            std::string source =
                hearth_test::read_text(HEARTH_FIXTURE(std::string("templates/source/") + t.tmpl + ".jinja"));
            std::string turn = assistant_turn(rendered, "What's the weather in Paris?", t);
            hearth::OutputParserConfig config;
            for (hearth::ToolCallFormat f :
                 {hearth::tool_call_format_for_template(source), hearth::ToolCallFormat_auto}) {
                config.tool_call_format = f;
                std::string err = output_parser_test::check_all_splits(turn, config, want);
                QVERIFY2(err.empty(), (std::string(t.tmpl) + " [" + hearth::tool_call_format_name(f) + "] turn \"" +
                                       turn + "\": " + err)
                                          .c_str());
            }
        }
    }

    // gpt-oss's template renders the harmony a model writes; each assistant
    // turn parses back, with or without the marker that ended generation.
    void harmony_turns_parse_back() {
        struct Case {
            std::string rendered;
            const char * anchor;
            hearth::ParsedOutput want;
        };
        auto out = [](const char * reasoning, const char * content, std::vector<hearth::ToolCall> calls) {
            hearth::ParsedOutput o;
            o.reasoning = reasoning;
            o.content = content;
            o.tool_calls = std::move(calls);
            return o;
        };
        const std::string fx = "templates/expected/openai-gpt-oss-120b/";
        const Case cases[] = {
            {hearth_test::read_text(HEARTH_FIXTURE(fx + "tool_round_trip.txt")), "What's the weather in Paris?",
             out("", "", {{"call_0", "get_weather", "{\"city\":\"Paris\"}"}})},
            {hearth_test::read_text(HEARTH_FIXTURE(fx + "full_no_prompt.txt")), "Say hi.", out("", "Hi!", {})},
            {dataRender("openai-gpt-oss-120b", "thinking_tool_round_trip"), "What's the weather in Paris?",
             out("I should look it up.", "", {{"call_0", "get_weather", "{\"city\":\"Paris\"}"}})},
            {dataRender("openai-gpt-oss-120b", "multi_tool_calls"), "\"14:05\"<|end|>",
             out("", "It is 18 C and 14:05.", {})},
            {dataRender("openai-gpt-oss-120b", "nested_arguments"), "Find cats.",
             out("", "",
                 {{"call_0", "search",
                   "{\"query\":\"cats \\\"big\\\" & <small>\",\"limit\":5,\"ratio\":0.5,\"filters\":{\"safe\":true,"
                   "\"tags\":[\"a\",\"b\"]},\"exact\":false,\"tags\":[],\"note\":null}"}})},
        };
        const std::string source = hearth_test::read_text(HEARTH_FIXTURE("templates/source/openai-gpt-oss-120b.jinja"));
        hearth::OutputParserConfig config;
        config.tool_call_format = hearth::tool_call_format_for_template(source);
        QCOMPARE(config.tool_call_format, hearth::ToolCallFormat_harmony);
        for (const Case & c : cases) {
            std::string ender;
            const std::string turn = harmonyTurn(c.rendered, c.anchor, ender);
            for (const std::string & text : {turn, turn + ender}) {
                std::string err = output_parser_test::check_all_splits(text, config, c.want);
                QVERIFY2(err.empty(), ("turn \"" + text + "\": " + err).c_str());
            }
        }
    }

    // Qwen3.5 / Qwen3-Coder print each argument as text; with the request's
    // tools the parser restores the JSON types (True/False/None included)
    // and keeps string parameters verbatim.
    void qwen_xml_arguments_typed_by_schema() {
        hearth::OutputParserConfig config;
        config.tool_call_format = hearth::ToolCallFormat_hermes;
        config.tools_json = extraCaseTools("nested_arguments");
        QVERIFY(!config.tools_json.empty());
        // `note` is not in the schema: its None stays text.
        hearth::ParsedOutput want;
        want.tool_calls.push_back(
            {"call_0", "search",
             "{\"query\":\"cats \\\"big\\\" & <small>\",\"limit\":5,\"ratio\":0.5,\"filters\":{\"safe\":true,"
             "\"tags\":[\"a\",\"b\"]},\"exact\":false,\"tags\":[],\"note\":\"None\"}"});
        for (const char * tmpl : {"Qwen3.5-4B", "Qwen3-Coder"}) {
            std::string turn = assistant_turn(dataRender(tmpl, "nested_arguments"), "Find cats.", with(k_chatml, tmpl));
            std::string err = output_parser_test::check_all_splits(turn, config, want);
            QVERIFY2(err.empty(), (std::string(tmpl) + " turn \"" + turn + "\": " + err).c_str());
        }
    }

    void reasoning_history_turns_parse_back() {
        // Templates that keep the <think> block of an earlier turn verbatim.
        const Turn turns[] = {
            with(k_chatml, "Qwen-Qwen2.5-7B-Instruct"),
            with(k_chatml, "NousResearch-Hermes-3-Llama-3.1-8B-tool_use"),
            with(k_llama3, "meta-llama-Llama-3.1-8B-Instruct"),
            {"HuggingFaceTB-SmolLM3-3B", "<|im_start|>assistant\n", "<|im_end|>"},
        };
        hearth::ParsedOutput want;
        want.reasoning = "17 is not divisible by 2, 3 or 5, and 5*5 > 17.";
        want.content = "Yes, 17 is prime.";
        for (const Turn & t : turns) {
            std::string dir = std::string("templates/expected/") + t.tmpl;
            std::string rendered = hearth_test::read_text(HEARTH_FIXTURE(dir + "/reasoning_history.txt"));
            std::string turn = assistant_turn(rendered, "Is 17 prime?", t);
            std::string err = output_parser_test::check_all_splits(turn, hearth::OutputParserConfig{}, want);
            QVERIFY2(err.empty(), (std::string(t.tmpl) + " turn \"" + turn + "\": " + err).c_str());
        }
    }

    void format_guessed_from_template_source() {
        const std::pair<const char *, hearth::ToolCallFormat> cases[] = {
            {"Qwen-Qwen2.5-7B-Instruct", hearth::ToolCallFormat_hermes},
            {"Qwen-Qwen3-0.6B", hearth::ToolCallFormat_hermes},
            {"Qwen-QwQ-32B", hearth::ToolCallFormat_hermes},
            {"NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use", hearth::ToolCallFormat_hermes},
            {"Qwen3-Coder", hearth::ToolCallFormat_hermes},
            {"Qwen3.5-4B", hearth::ToolCallFormat_hermes},
            {"GLM-4.6", hearth::ToolCallFormat_hermes},
            {"meta-llama-Llama-3.1-8B-Instruct", hearth::ToolCallFormat_llama3},
            {"meta-llama-Llama-3.2-3B-Instruct", hearth::ToolCallFormat_llama3},
            {"meta-llama-Llama-3.3-70B-Instruct", hearth::ToolCallFormat_llama3},
            {"Mistral-Small-3.2-24B-Instruct-2506", hearth::ToolCallFormat_mistral},
            {"mistralai-Mistral-Nemo-Instruct-2407", hearth::ToolCallFormat_mistral},
            {"unsloth-mistral-Devstral-Small-2507", hearth::ToolCallFormat_mistral},
            {"google-gemma-2-2b-it", hearth::ToolCallFormat_auto},
            {"openai-gpt-oss-120b", hearth::ToolCallFormat_harmony},
            {"microsoft-Phi-3.5-mini-instruct", hearth::ToolCallFormat_auto},
        };
        for (const auto & [tmpl, format] : cases) {
            std::string source =
                hearth_test::read_text(HEARTH_FIXTURE(std::string("templates/source/") + tmpl + ".jinja"));
            QVERIFY2(hearth::tool_call_format_for_template(source) == format, tmpl);
        }
    }

    void open_reasoning_detected_in_generation_prompts() {
        // Checked by hand against the renders: these end with "<think>\n".
        const std::set<std::string> open = {
            "MiniMax-M2",
            "NVIDIA-Nemotron-Nano-v2",
            "Qwen3.5-4B",
            "deepseek-ai-DeepSeek-R1-Distill-Llama-8B",
            "llama-cpp-deepseek-r1",
            "seed-QwQ-32B",
        };
        const char * all[] = {
            "MiniMax-M2",
            "NVIDIA-Nemotron-Nano-v2",
            "Qwen3.5-4B",
            "deepseek-ai-DeepSeek-R1-Distill-Llama-8B",
            "llama-cpp-deepseek-r1",
            "seed-QwQ-32B",
            // QwQ-32B and R1-Distill-Qwen close the block in the prompt (enable_thinking unset), V3.1 too.
            "Qwen-QwQ-32B",
            "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B",
            "deepseek-ai-DeepSeek-V3.1",
            "Qwen-Qwen3-0.6B",
            "Qwen-Qwen2.5-7B-Instruct",
            "meta-llama-Llama-3.1-8B-Instruct",
            "unsloth-mistral-Devstral-Small-2507",
            "google-gemma-2-2b-it",
        };
        for (const char * tmpl : all) {
            std::string prompt =
                hearth_test::read_text(HEARTH_FIXTURE(std::string("templates/expected/") + tmpl + "/single_user.txt"));
            QVERIFY2(hearth::prompt_opens_reasoning(prompt) == (open.count(tmpl) > 0), tmpl);
        }
        // The parser configured from a real open prompt reads a bare </think>.
        std::string prompt = hearth_test::read_text(HEARTH_FIXTURE("templates/expected/seed-QwQ-32B/single_user.txt"));
        hearth::OutputParserConfig config;
        config.reasoning_open = hearth::prompt_opens_reasoning(prompt);
        hearth::ParsedOutput out = hearth::parse_output("I am QwQ.\n</think>\n\nHello! I am QwQ.", config);
        QCOMPARE(out.reasoning, std::string("I am QwQ."));
        QCOMPARE(out.content, std::string("Hello! I am QwQ."));
    }
};

QTEST_APPLESS_MAIN(TestOutputParserTemplates)
#include "test_output_parser_templates.moc"
