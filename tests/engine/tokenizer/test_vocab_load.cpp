// Vocab loading from small in-memory GGUF files: the merge rules of both
// tokenizer kinds on hand-checked vocabularies, and every load error.
#include <QtTest>
#include <functional>

#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"
#include "hearth/tokenizer.h"

namespace {

const char * const kSp = "\xE2\x96\x81";  // U+2581, SentencePiece's space

std::string sp(const std::string & s) {
    return kSp + s;
}

hearth::GgufFile parse(const hearth::GgufWriter & w) {
    return hearth::GgufFile::parse(hearth::own_bytes(w.to_bytes()), "memory.gguf");
}

// An SPM vocab: <unk> <s> </s>, then `pieces` with `scores`.
hearth::GgufWriter spm_writer(const std::vector<std::string> & pieces, const std::vector<float> & scores) {
    std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
    std::vector<float> all_scores = {0, 0, 0};
    std::vector<int32_t> types = {2, 3, 3};
    for (size_t i = 0; i < pieces.size(); ++i) {
        tokens.push_back(pieces[i]);
        all_scores.push_back(scores[i]);
        types.push_back(1);
    }
    hearth::GgufWriter w;
    w.add_string("tokenizer.ggml.model", "llama");
    w.add_string_array("tokenizer.ggml.tokens", tokens);
    w.add_f32_array("tokenizer.ggml.scores", all_scores);
    w.add_i32_array("tokenizer.ggml.token_type", types);
    return w;
}

// A byte-level BPE vocab over "a" "b" "c" with the given merges.
hearth::GgufWriter bpe_writer(const std::vector<std::string> & merges, const std::string & pre = "gpt-2") {
    hearth::GgufWriter w;
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", pre);
    w.add_string_array("tokenizer.ggml.tokens", {"a", "b", "c", "ab", "bc", "abc", "<|endoftext|>"});
    w.add_i32_array("tokenizer.ggml.token_type", {1, 1, 1, 1, 1, 1, 3});
    w.add_string_array("tokenizer.ggml.merges", merges);
    return w;
}

void expect_error(const hearth::GgufWriter & w, const char * needle) {
    try {
        const hearth::GgufFile f = parse(w);
        hearth::Tokenizer::from_gguf(f);
    } catch (const hearth::Error & e) {
        QCOMPARE(e.code(), hearth::ErrorCode_tokenizer);
        QVERIFY2(std::string(e.what()).find(needle) != std::string::npos, e.what());
        QVERIFY2(std::string(e.what()).find("memory.gguf") != std::string::npos, e.what());
        return;
    }
    QFAIL(("no error; expected one mentioning " + std::string(needle)).c_str());
}

}  // namespace

class TestVocabLoad : public QObject {
    Q_OBJECT

private slots:
    void spmHighestScoreMergesFirst() {
        // "ab" -> U+2581 a b. With "▁a" scoring higher, ▁+a merges first and "▁a"+"b" is no token.
        {
            const hearth::GgufFile f = parse(spm_writer({kSp, "a", "b", sp("a"), "ab"}, {-5, -5, -5, -1, -2}));
            const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(f);
            QCOMPARE(tok.tokenize("ab", false), (std::vector<int32_t>{6, 5}));
            QCOMPARE(tok.tokenize("ab", true), (std::vector<int32_t>{1, 6, 5}));
        }
        // With "ab" higher, a+b merges first and ▁ stays alone.
        {
            const hearth::GgufFile f = parse(spm_writer({kSp, "a", "b", sp("a"), "ab"}, {-5, -5, -5, -2, -1}));
            const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(f);
            QCOMPARE(tok.tokenize("ab", false), (std::vector<int32_t>{3, 7}));
            QCOMPARE(tok.detokenize(tok.tokenize("ab", false)), std::string("ab"));
        }
    }

    // A token with U+2581 inside ("a▁b") can join words, so the word-by-word
    // shortcut must not apply: the merges run over the whole text.
    void spmTokenAcrossWords() {
        const hearth::GgufFile f =
            parse(spm_writer({kSp, "a", "b", "a" + sp(""), "a" + sp("b")}, {-5, -5, -5, -2, -1}));
        const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(f);
        QCOMPARE(tok.tokenize("a b", false), (std::vector<int32_t>{3, 7}));
        QCOMPARE(tok.detokenize(tok.tokenize("a b", false)), std::string("a b"));
    }

    void spmNoByteTokensFallsBackToUnk() {
        const hearth::GgufFile f = parse(spm_writer({kSp, "a"}, {-1, -1}));
        const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(f);
        QCOMPARE(tok.tokenize("az", false), (std::vector<int32_t>{3, 4, 0}));
    }

    void spmAddSpacePrefixOff() {
        hearth::GgufWriter w = spm_writer({kSp, "a"}, {-1, -1});
        w.add_bool("tokenizer.ggml.add_space_prefix", false);
        const hearth::GgufFile f = parse(w);
        const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(f);
        QCOMPARE(tok.tokenize("a a", false), (std::vector<int32_t>{4, 3, 4}));
        QCOMPARE(tok.detokenize(tok.tokenize(" a", false)), std::string(" a"));
    }

    void bpeLowestRankMergesFirst() {
        {
            const hearth::GgufFile f = parse(bpe_writer({"b c", "a b", "a bc"}));
            const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(f);
            QCOMPARE(tok.tokenize("abc", false), (std::vector<int32_t>{5}));
            QCOMPARE(tok.tokenize("abca", false), (std::vector<int32_t>{5, 0}));  // bc, then a+bc
        }
        {
            const hearth::GgufFile f = parse(bpe_writer({"a b", "b c"}));
            const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(f);
            QCOMPARE(tok.tokenize("abc", false), (std::vector<int32_t>{3, 2}));
            // Bytes that are no token are dropped, as llama.cpp does.
            QCOMPARE(tok.tokenize("abz", false), (std::vector<int32_t>{3}));
            QCOMPARE(tok.tokenize("<|endoftext|>ab", false, true), (std::vector<int32_t>{6, 3}));
            QCOMPARE(tok.vocab().eog_ids(), (std::vector<int32_t>{6}));
        }
    }

    // Every pre-tokenizer family compiles and splits words at spaces.
    void everyPreTokenizerCompiles_data() {
        QTest::addColumn<QString>("pre");
        for (const char * p : {"default",          "gpt-2",        "llama-bpe",      "llama3",      "qwen2",
                               "deepseek-r1-qwen", "deepseek-llm", "deepseek-coder", "deepseek-v3", "starcoder",
                               "falcon",           "chatglm-bpe",  "gpt-4o",         "tekken",      "seed-coder",
                               "qwen35",           "dbrx",         "stablelm2",      "command-r",   "mpt"})
            QTest::newRow(p) << QString(p);
    }

    void everyPreTokenizerCompiles() {
        QFETCH(QString, pre);
        hearth::GgufWriter w = bpe_writer({"a b"}, pre.toStdString());
        w.add_u32("tokenizer.ggml.bos_token_id", 6);
        const hearth::GgufFile f = parse(w);
        const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(f);
        QCOMPARE(tok.vocab().pre_name(), pre.toStdString());
        // "Ġ" (the space) is no token here and is dropped, as llama.cpp drops it.
        QCOMPARE(tok.tokenize("ab ab", false), (std::vector<int32_t>{3, 3}));
        QVERIFY(!tok.tokenize(std::string(5000, 'a') + " \xE4\xBD\xA0 12345 \n\n  x", false).empty());
    }

    void unknownPreIsAnError() { expect_error(bpe_writer({"a b"}, "no-such-pre"), "'no-such-pre'"); }

    void missingPreMeansDefault() {
        hearth::GgufWriter w = bpe_writer({"a b"});
        w.remove("tokenizer.ggml.pre");
        const hearth::GgufFile f = parse(w);
        const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(f);
        QCOMPARE(tok.vocab().pre(), hearth::PreTokenizer_default);
        QCOMPARE(tok.tokenize("ab", false), (std::vector<int32_t>{3}));
    }

    void loadErrors() {
        {
            hearth::GgufWriter w = bpe_writer({"a b"});
            w.remove("tokenizer.ggml.model");
            expect_error(w, "tokenizer.ggml.model");
        }
        {
            hearth::GgufWriter w = bpe_writer({"a b"});
            w.remove("tokenizer.ggml.model");
            w.add_string("tokenizer.ggml.model", "bert");
            expect_error(w, "'bert'");
        }
        {
            hearth::GgufWriter w = bpe_writer({"a b"});
            w.remove("tokenizer.ggml.merges");
            expect_error(w, "tokenizer.ggml.merges");
        }
        {
            hearth::GgufWriter w = bpe_writer({"a b"});
            w.remove("tokenizer.ggml.tokens");
            expect_error(w, "tokenizer.ggml.tokens");
        }
        {
            hearth::GgufWriter w = bpe_writer({"a b"});
            w.remove("tokenizer.ggml.tokens");
            w.add_i32_array("tokenizer.ggml.tokens", {1, 2, 3});
            expect_error(w, "tokenizer.ggml.tokens");
        }
        {
            hearth::GgufWriter w = bpe_writer({"a b"});
            w.remove("tokenizer.ggml.tokens");
            w.add_string_array("tokenizer.ggml.tokens", {"a", "b", "a"});
            expect_error(w, "duplicate token 'a'");
        }
        {
            hearth::GgufWriter w = bpe_writer({"a b"});
            w.remove("tokenizer.ggml.token_type");
            w.add_i32_array("tokenizer.ggml.token_type", {1, 1});
            expect_error(w, "tokenizer.ggml.token_type");
        }
        {
            hearth::GgufWriter w = spm_writer({"a"}, {-1});
            w.remove("tokenizer.ggml.scores");
            w.add_string_array("tokenizer.ggml.scores", {"x", "y", "z", "w"});
            expect_error(w, "tokenizer.ggml.scores");
        }
        {
            hearth::GgufWriter w = bpe_writer({"a b"});
            w.add_bool("tokenizer.ggml.add_eos_token", true);
            w.add_u32("tokenizer.ggml.eos_token_id", 99);  // out of range: ignored, default 11 is too
            expect_error(w, "add_eos_token");
        }
    }

    void outOfRangeSpecialIdKeepsDefault() {
        hearth::GgufWriter w = spm_writer({kSp, "a"}, {-1, -1});
        w.add_u32("tokenizer.ggml.eos_token_id", 1000);
        const hearth::GgufFile f = parse(w);
        QCOMPARE(hearth::Vocab::from_gguf(f).token_eos(), 2);
    }
};

QTEST_APPLESS_MAIN(TestVocabLoad)
#include "test_vocab_load.moc"
