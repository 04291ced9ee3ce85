// Special tokens, BOS/EOS, byte fallback, the EOG set and special-token
// rendering, on the real vocab fixtures.
#include <QtTest>
#include <algorithm>

#include "common/fixtures.h"
#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"
#include "tokenizer_fixtures.h"

using namespace hearth_test;

namespace {

bool contains(const std::vector<int32_t> & ids, int32_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The fixture's metadata with one boolean key set, re-parsed from memory.
hearth::Tokenizer with_flag(const std::string & vocab, const char * key, bool value) {
    const hearth::GgufFile src = hearth::GgufFile::open(vocab_path(vocab));
    hearth::GgufWriter w;
    for (const hearth::GgufKv & kv : src.metadata())
        if (kv.key != key) w.add(kv.key, kv.value);
    w.add_bool(key, value);
    const hearth::GgufFile f = hearth::GgufFile::parse(hearth::own_bytes(w.to_bytes()), "memory");
    return hearth::Tokenizer::from_gguf(f);
}

}  // namespace

class TestTokenizerSpecial : public QObject {
    Q_OBJECT

private slots:
    void spmAddsBosByDefault() {
        const hearth::Tokenizer & tok = vocab_tokenizer("llama-spm");
        QCOMPARE(tok.vocab().type(), hearth::VocabType_spm);
        QVERIFY(tok.vocab().add_bos());
        QVERIFY(!tok.vocab().add_eos());
        QCOMPARE(tok.vocab().token_bos(), 1);
        QCOMPARE(tok.vocab().token_eos(), 2);
        QCOMPARE(tok.tokenize("Hello", true), (std::vector<int32_t>{1, 15043}));
        QCOMPARE(tok.tokenize("Hello", false), (std::vector<int32_t>{15043}));
        QCOMPARE(tok.tokenize("", true), (std::vector<int32_t>{1}));
        QVERIFY(tok.tokenize("", false).empty());
    }

    void addEosFromMetadata() {
        const hearth::Tokenizer tok = with_flag("llama-spm", "tokenizer.ggml.add_eos_token", true);
        QCOMPARE(tok.tokenize("Hello", true), (std::vector<int32_t>{1, 15043, 2}));
        // llama.cpp keeps the SentencePiece space when it strips the BOS.
        QCOMPARE(tok.detokenize(tok.tokenize("Hello", true), true), std::string(" Hello"));
        QCOMPARE(tok.detokenize(tok.tokenize("Hello", true), false, true), std::string("<s> Hello</s>"));
        const hearth::Tokenizer no_bos = with_flag("llama-spm", "tokenizer.ggml.add_bos_token", false);
        QCOMPARE(no_bos.tokenize("Hello", true), (std::vector<int32_t>{15043}));
    }

    void spmParseSpecial() {
        const hearth::Tokenizer & tok = vocab_tokenizer("llama-spm");
        // After a special token the next text gets the SentencePiece space prefix again.
        QCOMPARE(tok.tokenize("<s>Hello</s>", false, true), (std::vector<int32_t>{1, 15043, 2}));
        const std::vector<int32_t> plain = tok.tokenize("<s>Hello</s>", false, false);
        QVERIFY(!contains(plain, 1) && !contains(plain, 2));
        QCOMPARE(tok.detokenize(plain), std::string("<s>Hello</s>"));
    }

    void spmByteFallback() {
        const hearth::Tokenizer & tok = vocab_tokenizer("llama-spm");
        // U+1F999 has no token: its four UTF-8 bytes become <0xF0> <0x9F> <0xA6> <0x99> (id = 3 + byte).
        const std::vector<int32_t> ids = tok.tokenize("\xF0\x9F\xA6\x99", false);
        QCOMPARE(ids, (std::vector<int32_t>{29871, 3 + 0xF0, 3 + 0x9F, 3 + 0xA6, 3 + 0x99}));
        for (size_t i = 1; i < ids.size(); ++i) QVERIFY(tok.vocab().is_byte(ids[i]));
        QCOMPARE(tok.token_to_piece(3 + 0xF0), std::string("\xF0"));
        QCOMPARE(tok.detokenize(ids), std::string("\xF0\x9F\xA6\x99"));
        // Invalid UTF-8 survives as bytes too.
        const std::vector<int32_t> bad = tok.tokenize("a\xFF", false);
        QCOMPARE(bad.back(), 3 + 0xFF);
        QCOMPARE(tok.detokenize(bad), std::string("a\xFF"));
    }

    void qwenUserDefinedAlwaysSplit() {
        const hearth::Tokenizer & tok = vocab_tokenizer("qwen2");
        const hearth::Vocab & v = tok.vocab();
        const int32_t think = v.find("<think>");
        const int32_t think_end = v.find("</think>");
        const int32_t tool_call = v.find("<tool_call>");
        QCOMPARE(think, 151667);
        QCOMPARE(think_end, 151668);
        QCOMPARE(tool_call, 151657);
        QVERIFY(v.is_user_defined(think) && !v.is_control(think));

        const std::vector<int32_t> ids = tok.tokenize("<think>\nhmm\n</think>\n\n<tool_call>\n{}", false, false);
        QCOMPARE(ids.front(), think);
        QVERIFY(contains(ids, think_end));
        QVERIFY(contains(ids, tool_call));
        // The text between them is tokenized on its own, as llama.cpp does.
        std::vector<int32_t> inner = tok.tokenize("\nhmm\n", false);
        QVERIFY(std::search(ids.begin(), ids.end(), inner.begin(), inner.end()) == ids.begin() + 1);
        // User-defined tokens render even without `special`.
        QCOMPARE(tok.token_to_piece(think), std::string("<think>"));
        QCOMPARE(tok.detokenize(ids), std::string("<think>\nhmm\n</think>\n\n<tool_call>\n{}"));
    }

    void qwenControlOnlyWithParseSpecial() {
        const hearth::Tokenizer & tok = vocab_tokenizer("qwen2");
        const int32_t im_start = tok.vocab().find("<|im_start|>");
        QCOMPARE(im_start, 151644);
        QVERIFY(tok.vocab().is_control(im_start));
        const std::string text = "<|im_start|>user\nHi<|im_end|>";
        const std::vector<int32_t> parsed = tok.tokenize(text, false, true);
        QCOMPARE(parsed.front(), im_start);
        QCOMPARE(parsed.back(), 151645);
        const std::vector<int32_t> plain = tok.tokenize(text, false, false);
        QVERIFY(!contains(plain, im_start) && !contains(plain, 151645));
        QVERIFY(plain.size() > parsed.size());
        // Control tokens render only when asked.
        QCOMPARE(tok.token_to_piece(im_start), std::string());
        QCOMPARE(tok.token_to_piece(im_start, true), std::string("<|im_start|>"));
        QCOMPARE(tok.detokenize(parsed), std::string("user\nHi"));
        QCOMPARE(tok.detokenize(parsed, false, true), text);
        QCOMPARE(tok.detokenize(plain), text);
        // Qwen adds no BOS.
        QVERIFY(!tok.vocab().add_bos());
        QCOMPARE(tok.tokenize("Hi", true), tok.tokenize("Hi", false));
    }

    void eogQwen() {
        const hearth::Vocab & v = vocab_tokenizer("qwen2").vocab();
        // <|endoftext|> <|im_end|> and FIM pad / repo_name / file_sep, as llama.cpp collects them,
        // plus the vocab's ordinary "</s>" (128247), which llama.cpp's name list catches too.
        QCOMPARE(v.eog_ids(), (std::vector<int32_t>{128247, 151643, 151645, 151662, 151663, 151664}));
        QCOMPARE(v.text(128247), std::string("</s>"));
        QVERIFY(v.is_control(128247));
        QCOMPARE(v.token_eos(), 151645);
        QCOMPARE(v.token_eot(), 151645);
        QVERIFY(v.is_eog(151645));
        QVERIFY(!v.is_eog(151644));
        QVERIFY(!v.is_eog(151667));
        QVERIFY(!v.is_eog(-1));
        QCOMPARE(v.token_pad(), 151643);
        QCOMPARE(v.token_fim_pre(), 151659);
    }

    void eogLlama3() {
        const hearth::Tokenizer & tok = vocab_tokenizer("llama-bpe");
        const hearth::Vocab & v = tok.vocab();
        QCOMPARE(v.eog_ids(), (std::vector<int32_t>{128001, 128009}));
        QCOMPARE(v.token_eot(), 128009);
        QCOMPARE(v.token_bos(), 128000);
        QVERIFY(v.add_bos());
        QVERIFY(v.ignore_merges());
        QCOMPARE(tok.tokenize("Hello", true).front(), 128000);
        QCOMPARE(tok.tokenize("<|begin_of_text|>Hello", false, true).front(), 128000);
        QCOMPARE(tok.detokenize(tok.tokenize("Hello", true), true), std::string("Hello"));
    }

    void eogGpt2AndSpm() {
        QCOMPARE(vocab_tokenizer("gpt-2").vocab().eog_ids(), (std::vector<int32_t>{50256}));
        QCOMPARE(vocab_tokenizer("llama-spm").vocab().eog_ids(), (std::vector<int32_t>{2}));
    }

    void specialTokensLongestFirst() {
        const hearth::Vocab & v = vocab_tokenizer("qwen2").vocab();
        const std::vector<int32_t> & s = v.special_tokens();
        QVERIFY(s.size() >= 26);
        for (size_t i = 1; i < s.size(); ++i) QVERIFY(v.text(s[i - 1]).size() >= v.text(s[i]).size());
        // Unused padding tokens are never split out of text.
        QVERIFY(std::find(s.begin(), s.end(), v.find("[PAD151669]")) == s.end());
    }

    void invalidIds() {
        const hearth::Tokenizer & tok = vocab_tokenizer("gpt-2");
        QCOMPARE(tok.token_to_piece(-5), std::string());
        QCOMPARE(tok.token_to_piece(tok.vocab().n_tokens()), std::string());
        const std::vector<int32_t> ids = {-1, 15496, 1 << 30};
        QCOMPARE(tok.detokenize(ids), std::string("Hello"));
    }
};

QTEST_APPLESS_MAIN(TestTokenizerSpecial)
#include "test_tokenizer_special.moc"
