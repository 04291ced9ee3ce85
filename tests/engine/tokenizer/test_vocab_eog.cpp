// The end-of-generation set and the rendering of chat-format tokens for the
// new model families, on small vocabularies built in memory with the special
// tokens of the real ones (llama_vocab::impl::load at 3f545bec):
//  - gpt-oss (o200k_harmony): <|return|> and <|call|> end the generation,
//    <|end|> only ends a message, so it is dropped from EOG and, like
//    <|channel|>, <|message|>, <|start|> and <|constrain|>, rendered as text
//    (the output parser needs them);
//  - Gemma 3: <end_of_turn> and <eos>;
//  - Qwen3.5: <|im_end|>, <|endoftext|> and the GGUF's EOS.
#include <QtTest>

#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"
#include "hearth/tokenizer.h"

namespace {

struct Special {
    std::string text;
    int32_t type;  // tokenizer.ggml.token_type: 1 normal, 3 control, 4 user-defined
};

// A byte-level BPE vocab: "a" "b" "c", then the special tokens (ids 3...).
hearth::Tokenizer bpeVocab(const std::vector<Special> & specials, const std::string & eos) {
    std::vector<std::string> tokens = {"a", "b", "c"};
    std::vector<int32_t> types = {1, 1, 1};
    for (const Special & s : specials) {
        tokens.push_back(s.text);
        types.push_back(s.type);
    }
    hearth::GgufWriter w;
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", "gpt-4o");
    w.add_string_array("tokenizer.ggml.tokens", tokens);
    w.add_i32_array("tokenizer.ggml.token_type", types);
    w.add_string_array("tokenizer.ggml.merges", {"a b"});
    for (size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i] == eos) w.add_u32("tokenizer.ggml.eos_token_id", uint32_t(i));
    const hearth::GgufFile f = hearth::GgufFile::parse(hearth::own_bytes(w.to_bytes()), "memory.gguf");
    return hearth::Tokenizer::from_gguf(f);
}

int32_t id(const hearth::Tokenizer & t, const char * text) {
    const int32_t i = t.vocab().find(text);
    if (i < 0) QTest::qFail((std::string("no token ") + text).c_str(), __FILE__, __LINE__);
    return i;
}

const std::vector<Special> k_harmony = {
    {"<|endoftext|>", 3}, {"<|startoftext|>", 3}, {"<|return|>", 3},  {"<|constrain|>", 3}, {"<|channel|>", 3},
    {"<|start|>", 3},     {"<|end|>", 3},         {"<|message|>", 3}, {"<|call|>", 3},
};

}  // namespace

class TestVocabEog : public QObject {
    Q_OBJECT

private slots:
    void gptOssStopsOnReturnAndCallNotEnd() {
        const hearth::Tokenizer t = bpeVocab(k_harmony, "<|return|>");
        const hearth::Vocab & v = t.vocab();
        QVERIFY(v.is_eog(id(t, "<|return|>")));
        QVERIFY(v.is_eog(id(t, "<|call|>")));
        QVERIFY(v.is_eog(id(t, "<|endoftext|>")));
        QVERIFY(!v.is_eog(id(t, "<|end|>")));
        QCOMPARE(v.eog_ids(), (std::vector<int32_t>{id(t, "<|endoftext|>"), id(t, "<|return|>"), id(t, "<|call|>")}));
        for (const char * structural : {"<|end|>", "<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"}) {
            QVERIFY2(v.is_user_defined(id(t, structural)), structural);
            QVERIFY2(!v.is_eog(id(t, structural)), structural);
            // Streamed as text (token_to_piece without `special`), for the harmony parser.
            QCOMPARE(t.token_to_piece(id(t, structural)), std::string(structural));
        }
        QCOMPARE(t.token_to_piece(id(t, "<|return|>")), std::string());
        // A model's harmony output tokenizes to the structural tokens and streams back verbatim.
        const std::string out = "<|channel|>a<|message|>b<|end|><|start|>a<|channel|>c<|message|>c";
        const std::vector<int32_t> ids = t.tokenize(out, false, true);
        QCOMPARE(ids.size(), size_t(11));
        std::string streamed;
        for (int32_t i : ids) streamed += t.token_to_piece(i);
        QCOMPARE(streamed, out);
    }

    // As llama.cpp: <|end|> leaves EOG when the vocab also stops on a call
    // (<|call|> or <|calls|>) and on <|return|> or <|flush|>.
    void endLeavesEogOnlyWithCallAndReturnOrFlush() {
        auto endIsEog = [](std::vector<Special> s) {
            s.push_back({"<|end|>", 3});
            const hearth::Tokenizer t = bpeVocab(s, "");
            return t.vocab().is_eog(t.vocab().find("<|end|>"));
        };
        QVERIFY(!endIsEog({{"<|calls|>", 3}, {"<|flush|>", 3}}));  // solar-open
        QVERIFY(!endIsEog({{"<|return|>", 3}, {"<|calls|>", 3}}));
        QVERIFY(!endIsEog({{"<|call|>", 3}, {"<|flush|>", 3}}));
        QVERIFY(endIsEog({{"<|return|>", 3}}));  // Phi-3 style: <|end|> ends the turn
        QVERIFY(endIsEog({{"<|call|>", 3}}));
        QVERIFY(endIsEog({}));
    }

    void gemma3EndOfTurn() {
        // SentencePiece, Gemma's leading ids: <pad> <eos> <bos> <unk>, then the turn markers.
        std::vector<std::string> tokens = {"<pad>",         "<eos>",        "<bos>", "<unk>", "<start_of_turn>",
                                           "<end_of_turn>", "\xE2\x96\x81", "a",     "model"};
        hearth::GgufWriter w;
        w.add_string("tokenizer.ggml.model", "llama");
        w.add_string_array("tokenizer.ggml.tokens", tokens);
        w.add_f32_array("tokenizer.ggml.scores", std::vector<float>(tokens.size(), -1.0f));
        w.add_i32_array("tokenizer.ggml.token_type", {3, 3, 3, 2, 3, 3, 1, 1, 1});
        w.add_u32("tokenizer.ggml.eos_token_id", 1);
        w.add_u32("tokenizer.ggml.bos_token_id", 2);
        const hearth::GgufFile f = hearth::GgufFile::parse(hearth::own_bytes(w.to_bytes()), "gemma.gguf");
        const hearth::Tokenizer t = hearth::Tokenizer::from_gguf(f);
        QCOMPARE(t.vocab().eog_ids(), (std::vector<int32_t>{1, 5}));
        QVERIFY(!t.vocab().is_eog(4));
        QCOMPARE(t.vocab().token_eot(), 5);
        // The prompt's turn markers are split out as single tokens.
        const std::vector<int32_t> ids = t.tokenize("<start_of_turn>model\na<end_of_turn>", false, true);
        QCOMPARE(ids.front(), 4);
        QCOMPARE(ids.back(), 5);
    }

    void qwen35ImEnd() {
        const hearth::Tokenizer t = bpeVocab({{"<|endoftext|>", 3},
                                              {"<|im_start|>", 3},
                                              {"<|im_end|>", 3},
                                              {"<think>", 4},
                                              {"</think>", 4},
                                              {"<tool_call>", 4},
                                              {"</tool_call>", 4}},
                                             "<|im_end|>");
        QCOMPARE(t.vocab().eog_ids(), (std::vector<int32_t>{id(t, "<|endoftext|>"), id(t, "<|im_end|>")}));
        for (const char * text : {"<|im_start|>", "<think>", "</think>", "<tool_call>", "</tool_call>"})
            QVERIFY2(!t.vocab().is_eog(id(t, text)), text);
        QCOMPARE(t.token_to_piece(id(t, "<tool_call>")), std::string("<tool_call>"));
    }
};

QTEST_APPLESS_MAIN(TestVocabEog)
#include "test_vocab_eog.moc"
