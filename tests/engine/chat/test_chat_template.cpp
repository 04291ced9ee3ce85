// Chat formatting: the GGUF's own template, the ChatML fallback, an override
// file, the struct API and the OpenAI-style JSON API.
#include <QTemporaryDir>
#include <QTest>
#include <fstream>

#include "common/fixtures.h"
#include "fixed_clock.h"
#include "hearth/chat_template.h"
#include "hearth/gguf.h"

namespace {

// jinja2's renders of tests/engine/chat/data.
std::string dataRender(const std::string & tmpl, const std::string & name) {
    return hearth_test::read_text(std::string(HEARTH_TEMPLATES_TEST_DATA) + "/expected/" + tmpl + "/" + name + ".txt");
}

hearth::ChatRequest conversation() {
    hearth::ChatRequest r;
    r.messages.push_back({"system", "You are terse.", "", {}, "", ""});
    r.messages.push_back({"user", "Hi!", "", {}, "", ""});
    return r;
}

}  // namespace

class ChatTemplateTest : public QObject {
    Q_OBJECT

private slots:
    void ggufTemplateIsUsed() {
        // The qwen2 vocab carries Qwen3's template, byte for byte the fixture's.
        auto gguf = hearth::GgufFile::open(HEARTH_FIXTURE("vocab/ggml-vocab-qwen2.gguf"));
        auto chat = hearth::ChatTemplate::from_gguf(gguf);
        QVERIFY(!chat.is_fallback());
        QCOMPARE(
            QString::fromStdString(chat.source()),
            QString::fromStdString(hearth_test::read_text(HEARTH_FIXTURE("templates/source/Qwen-Qwen3-0.6B.jinja"))));
        hearth::ChatRequest r;
        r.messages.push_back({"user", "Hello! Who are you?", "", {}, "", ""});
        QCOMPARE(QString::fromStdString(chat.apply(r, {"<|bos|>", "<|eos|>"})),
                 QString::fromStdString(
                     hearth_test::read_text(HEARTH_FIXTURE("templates/expected/Qwen-Qwen3-0.6B/single_user.txt"))));
    }

    void chatmlWhenTheModelHasNoTemplate() {
        auto gguf = hearth::GgufFile::open(HEARTH_FIXTURE("vocab/ggml-vocab-llama-spm.gguf"));
        QVERIFY(!gguf.has("tokenizer.chat_template"));
        auto chat = hearth::ChatTemplate::from_gguf(gguf);
        QVERIFY(chat.is_fallback());
        QCOMPARE(QString::fromStdString(chat.apply(conversation(), {"<s>", "</s>"})),
                 QStringLiteral("<|im_start|>system\nYou are "
                                "terse.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n"));
        auto noPrompt = conversation();
        noPrompt.add_generation_prompt = false;
        QCOMPARE(QString::fromStdString(hearth::ChatTemplate::chatml().apply(noPrompt, {})),
                 QStringLiteral("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n"));
    }

    void overrideFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("custom.jinja").toStdString();
        std::ofstream(path) << "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}"
                               "{% if add_generation_prompt %}[assistant]{% endif %}{{ eos_token if false }}";
        auto chat = hearth::ChatTemplate::from_file(path);
        QVERIFY(!chat.is_fallback());
        QCOMPARE(QString::fromStdString(chat.apply(conversation(), {"<s>", "</s>"})),
                 QStringLiteral("<s>[system] You are terse.\n[user] Hi!\n[assistant]"));
        QVERIFY_THROWS_EXCEPTION(hearth::Error,
                                 hearth::ChatTemplate::from_file(dir.filePath("missing.jinja").toStdString()));
        std::ofstream(dir.filePath("bad.jinja").toStdString()) << "{% if %}";
        QVERIFY_THROWS_EXCEPTION(hearth::JinjaError,
                                 hearth::ChatTemplate::from_file(dir.filePath("bad.jinja").toStdString()));
    }

    void toolsAndToolCallsReachTheTemplate() {
        auto chat = hearth::ChatTemplate::from_source(
            "{% for t in tools %}{{ t.function.name }};{% endfor %}"
            "{% for m in messages %}{{ m.role }}:{{ m.content }}"
            "{% for c in m.tool_calls | default([]) %}<{{ c.id }} {{ c.function.name }} {{ c.function.arguments.city }}"
            " {{ c.function.arguments | tojson }}>{% endfor %}"
            "{% if m.tool_call_id is defined %}({{ m.tool_call_id }} {{ m.name }}){% endif %}"
            "{% if m.reasoning_content is defined %}[{{ m.reasoning_content }}]{% endif %}|{% endfor %}");
        hearth::ChatRequest r;
        r.tools_json = R"([{"type":"function","function":{"name":"get_weather","parameters":{}}}])";
        r.messages.push_back({"user", "Weather?", "", {}, "", ""});
        r.messages.push_back(
            {"assistant", "", "thinking", {{"call_1", "get_weather", R"({"city": "Paris", "n": 1.5})"}}, "", ""});
        r.messages.push_back({"tool", "18C", "", {}, "call_1", "get_weather"});
        QCOMPARE(QString::fromStdString(chat.apply(r, {})),
                 QStringLiteral(
                     "get_weather;user:Weather?|assistant:<call_1 get_weather Paris {\"city\": \"Paris\", \"n\": 1.5}>"
                     "[thinking]|tool:18C(call_1 get_weather)|"));
        // No tools: the variable is absent, as transformers leaves it.
        auto probe = hearth::ChatTemplate::from_source("{{ tools is defined }}");
        QCOMPARE(QString::fromStdString(probe.apply(conversation(), {})), QStringLiteral("False"));
        hearth::ChatRequest bad = conversation();
        bad.tools_json = "{oops";
        QVERIFY_THROWS_EXCEPTION(hearth::Error, probe.apply(bad, {}));
    }

    void extraContext() {
        auto chat = hearth::ChatTemplate::from_source(
            "{{ 'think' if enable_thinking is not defined or enable_thinking else 'no' }}");
        auto r = conversation();
        QCOMPARE(QString::fromStdString(chat.apply(r, {})), QStringLiteral("think"));
        r.extra_context_json = R"({"enable_thinking": false})";
        QCOMPARE(QString::fromStdString(chat.apply(r, {})), QStringLiteral("no"));
    }

    void openAiJsonMessages() {
        auto chat = hearth::ChatTemplate::from_source(
            "{% for m in messages %}{{ m.role }}{% for c in m.tool_calls | default([]) %} {{ c.function.arguments.city "
            "}}{% endfor %}"
            "{% if m.content is none %} none{% endif %};{% endfor %}{{ tools | length }}");
        const char * messages =
            "[{\"role\":\"user\",\"content\":\"Weather?\"},"
            "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
            "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]}]";
        QCOMPARE(QString::fromStdString(
                     chat.apply_json(messages, R"([{"type":"function","function":{"name":"x"}}])", true, {})),
                 QStringLiteral("user;assistant Oslo none;1"));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, chat.apply_json("{}", "", true, {}));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, chat.apply_json("[1]", "", true, {}));
    }

    // Gemma 3 (its own template, not Gemma 2's): the system text opens the
    // first user turn, the assistant is `model`, <end_of_turn> closes turns.
    void gemma3Turns() {
        auto chat = hearth::ChatTemplate::from_file(std::string(HEARTH_TEMPLATES_TEST_DATA) +
                                                    "/source/google-gemma-3-it.jinja");
        hearth::ChatRequest r;
        r.messages.push_back({"system", "You are a concise assistant.", "", {}, "", ""});
        r.messages.push_back({"user", "What is 2+2?", "", {}, "", ""});
        r.messages.push_back({"assistant", "4.", "", {}, "", ""});
        r.messages.push_back({"user", "And 3+3?", "", {}, "", ""});
        const std::string out = chat.apply(r, {"<|bos|>", "<|eos|>"});
        QCOMPARE(QString::fromStdString(out),
                 QString::fromStdString(dataRender("google-gemma-3-it", "system_multi_turn")));
        QVERIFY(
            out.starts_with("<|bos|><start_of_turn>user\nYou are a concise assistant.\n\nWhat is 2+2?<end_of_turn>\n"));
        QVERIFY(out.find("<start_of_turn>model\n4.<end_of_turn>\n") != std::string::npos);
        QVERIFY(out.ends_with("<start_of_turn>model\n"));
    }

    // gpt-oss: reasoning_content reaches the template as `thinking`, and a
    // tool-call turn's content is left out (the template refuses both).
    void gptOssThinkingOnToolCallTurns() {
        auto chat = hearth::ChatTemplate::from_file(HEARTH_FIXTURE("templates/source/openai-gpt-oss-120b.jinja"));
        hearth::ChatRequest r;
        r.tools_json =
            R"([{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city",)"
            R"( "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}])";
        r.messages.push_back({"user", "What's the weather in Paris?", "", {}, "", ""});
        r.messages.push_back({"assistant",
                              "Let me check.",
                              "I should look it up.",
                              {{"call_1", "get_weather", R"({"city": "Paris"})"}},
                              "",
                              ""});
        r.messages.push_back({"tool", "{\"temperature\": 18}", "", {}, "call_1", "get_weather"});
        const std::string out = chat.apply(r, {"<|bos|>", "<|eos|>"}, hearth_test::fixed_clock());
        QCOMPARE(QString::fromStdString(out),
                 QString::fromStdString(dataRender("openai-gpt-oss-120b", "thinking_tool_round_trip")));
        QVERIFY(out.find("<|start|>assistant<|channel|>analysis<|message|>I should look it up.<|end|>") !=
                std::string::npos);
        QVERIFY(out.ends_with("<|start|>assistant"));
    }

    void templateFailuresSurface() {
        auto gemma = hearth::ChatTemplate::from_file(HEARTH_FIXTURE("templates/source/google-gemma-2-2b-it.jinja"));
        try {
            gemma.apply(conversation(), {"<bos>", "<eos>"});
            QFAIL("gemma 2 accepted a system message");
        } catch (const hearth::JinjaError & e) {
            QCOMPARE(QString::fromStdString(e.reason()), QStringLiteral("System role not supported"));
            QCOMPARE(e.code(), hearth::ErrorCode_template);
        }
    }
};

QTEST_APPLESS_MAIN(ChatTemplateTest)
#include "test_chat_template.moc"
