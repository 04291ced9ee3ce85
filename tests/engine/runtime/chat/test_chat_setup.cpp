// read_chat_setup: what the app, the server and hearth-cli take from a model
// file to chat with it, on the real vocabulary fixtures and edited copies.
#include <QTemporaryDir>
#include <QtTest>

#include "common/fixtures.h"
#include "hearth/chat_setup.h"
#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"

using namespace hearth;

namespace {

// The fixture's metadata with tokenizer.chat_template replaced (or removed when empty).
std::string with_template(const QTemporaryDir & dir, const std::string & rel, const std::string & tmpl) {
    const GgufFile f = GgufFile::open(hearth_test::fixture(rel));
    GgufWriter w;
    for (const GgufKv & kv : f.metadata())
        if (kv.key != "tokenizer.chat_template") w.add(kv.key, kv.value);
    if (!tmpl.empty()) w.add_string("tokenizer.chat_template", tmpl);
    const std::string path = dir.filePath("edited.gguf").toStdString();
    w.write_file(path);
    return path;
}

ChatRequest one_turn(const std::string & text) {
    ChatRequest r;
    r.messages.push_back({"user", text, {}, {}, {}, {}});
    return r;
}

}  // namespace

class TestChatSetup : public QObject {
    Q_OBJECT

private slots:
    // Llama 3's template writes bos_token, which the session adds itself: the
    // rendered prompt must not carry a second one.
    void llama3TemplateLosesItsBos() {
        const ChatSetup s = read_chat_setup(GgufFile::open(hearth_test::fixture("vocab/ggml-vocab-llama-bpe.gguf")), 0);
        QVERIFY(s.template_from_model);
        QCOMPARE(s.special.bos, std::string("<|begin_of_text|>"));
        QVERIFY(s.strip_bos);
        const std::string prompt = s.render(one_turn("hi"));
        QVERIFY2(prompt.rfind("<|start_header_id|>user", 0) == 0, prompt.c_str());
        QVERIFY(prompt.find("<|begin_of_text|>") == std::string::npos);
    }

    void qwenTemplateAndToolFormat() {
        const ChatSetup s = read_chat_setup(GgufFile::open(hearth_test::fixture("vocab/ggml-vocab-qwen2.gguf")), 1024);
        QVERIFY(s.template_from_model);
        QCOMPARE(s.tool_format, ToolCallFormat_hermes);
        QCOMPARE(s.n_ctx, 1024);
        QVERIFY(s.render(one_turn("hi")).find("<|im_start|>user\nhi<|im_end|>") != std::string::npos);
    }

    // No template: ChatML, and it says it is the fallback.
    void noTemplateFallsBackToChatml() {
        QTemporaryDir dir;
        const ChatSetup s = read_chat_setup(GgufFile::open(with_template(dir, "models/stories260K.gguf", "")), 0);
        QVERIFY(!s.template_from_model);
        QVERIFY(s.template_note.empty());
        QVERIFY(s.render(one_turn("hi")).find("<|im_start|>user") != std::string::npos);
    }

    // A template that does not parse: ChatML with a note saying why, not a failed load.
    void brokenTemplateFallsBackWithANote() {
        QTemporaryDir dir;
        const ChatSetup s =
            read_chat_setup(GgufFile::open(with_template(dir, "models/stories260K.gguf", "{% if %}")), 0);
        QVERIFY(!s.template_from_model);
        QVERIFY2(s.template_note.find("does not parse") != std::string::npos, s.template_note.c_str());
        QVERIFY(s.render(one_turn("hi")).find("<|im_start|>") != std::string::npos);
    }

    // An override file wins over the model's template; a missing one is an error.
    void overrideFile() {
        const std::string seed = hearth_test::fixture("templates/source/seed-QwQ-32B.jinja");
        const ChatSetup s =
            read_chat_setup(GgufFile::open(hearth_test::fixture("vocab/ggml-vocab-llama-bpe.gguf")), 0, seed);
        QVERIFY(!s.template_from_model);
        QVERIFY(s.render(one_turn("hi")).find("<|im_start|>") != std::string::npos);
        try {
            read_chat_setup(GgufFile::open(hearth_test::fixture("vocab/ggml-vocab-qwen2.gguf")), 0,
                            "/nonexistent.jinja");
            QFAIL("a missing template file must be an error");
        } catch (const Error & e) {
            QCOMPARE(e.code(), ErrorCode_io);
        }
    }

    void contextSizes() {
        QCOMPARE(choose_context_size(2048, 0), 2048);
        QCOMPARE(choose_context_size(131072, 0), kDefaultContextSize);
        std::string warning;
        QCOMPARE(choose_context_size(2048, 1024, &warning), 1024);
        QVERIFY(warning.empty());
        QCOMPARE(choose_context_size(2048, 8192, &warning), 8192);
        QVERIFY2(warning.find("2048") != std::string::npos, warning.c_str());
    }
};

QTEST_APPLESS_MAIN(TestChatSetup)
#include "test_chat_setup.moc"
