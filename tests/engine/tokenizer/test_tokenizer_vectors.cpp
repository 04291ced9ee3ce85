// Token ids against llama.cpp on the four vocab fixtures, and the
// tokenize -> detokenize round trip.
#include <QtTest>

#include "common/fixtures.h"
#include "tokenizer_fixtures.h"

using namespace hearth_test;

class TestTokenizerVectors : public QObject {
    Q_OBJECT

private slots:
    void vectors_data() {
        QTest::addColumn<QString>("vocab");
        for (const char * v : {"llama-spm", "gpt-2", "qwen2", "llama-bpe"}) QTest::newRow(v) << QString(v);
    }

    void vectors() {
        QFETCH(QString, vocab);
        const std::string name = vocab.toStdString();
        const std::vector<VocabCase> cases = load_vocab_cases(name);
        QVERIFY2(cases.size() >= 40, "the fixture should hold llama.cpp's test-tokenizer-0 inputs");
        const hearth::Tokenizer & tok = vocab_tokenizer(name);
        int passed = 0;
        for (size_t i = 0; i < cases.size(); ++i) {
            const std::vector<int32_t> got = tok.tokenize(cases[i].input, false, false);
            if (got == cases[i].expected) {
                ++passed;
                continue;
            }
            qWarning("%s case %zu: input %s\n  llama.cpp:%s\n  hearth:   %s", name.c_str(), i,
                     QByteArray::fromStdString(cases[i].input).toPercentEncoding().constData(),
                     ids_to_string(cases[i].expected).c_str(), ids_to_string(got).c_str());
        }
        qInfo("%s: %d/%zu inputs match llama.cpp", name.c_str(), passed, cases.size());
        QCOMPARE(passed, static_cast<int>(cases.size()));
    }

    // Byte-level BPE and SPM with byte fallback are lossless; the gpt2-style
    // vocabs' clean_spaces pass changes " ?" " ," " 's" ... on purpose.
    void roundTrip_data() { vectors_data(); }

    void roundTrip() {
        QFETCH(QString, vocab);
        const std::string name = vocab.toStdString();
        const hearth::Tokenizer & tok = vocab_tokenizer(name);
        int checked = 0;
        for (const VocabCase & c : load_vocab_cases(name)) {
            const std::string back = tok.detokenize(tok.tokenize(c.input, false, false));
            if (tok.vocab().clean_spaces() && has_cleanable(c.input)) {
                QVERIFY2(back != c.input, c.input.c_str());
                continue;
            }
            QCOMPARE(QByteArray::fromStdString(back), QByteArray::fromStdString(c.input));
            ++checked;
        }
        QVERIFY(checked >= 40);
    }

    void cleanSpacesAsLlamaCpp() {
        const hearth::Tokenizer & tok = vocab_tokenizer("gpt-2");
        QVERIFY(tok.vocab().clean_spaces());
        const std::string text = "Hello , world ! It ' s you 're here . Don 't";
        QCOMPARE(QByteArray::fromStdString(tok.detokenize(tok.tokenize(text, false))),
                 QByteArray("Hello, world! It's you're here. Don 't"));
        QVERIFY(!vocab_tokenizer("qwen2").vocab().clean_spaces());
    }

    // Arbitrary bytes (invalid UTF-8, NULs, stray special-token text) give
    // valid ids on every vocab; on valid UTF-8, SPM's byte fallback and
    // byte-level BPE are lossless.
    void randomInput_data() { vectors_data(); }

    void randomInput() {
        QFETCH(QString, vocab);
        const hearth::Tokenizer & tok = vocab_tokenizer(vocab.toStdString());
        const char * const pieces[] = {"<|im_start|>", "<s>", "</s>", "<think>", " ", "\n", "\xE2\x96\x81", "a", "'s"};
        uint32_t x = 12345;
        auto next = [&x] { return x = x * 1664525u + 1013904223u; };
        for (int round = 0; round < 200; ++round) {
            std::string text;
            const int n = static_cast<int>(next() % 40);
            for (int i = 0; i < n; ++i) {
                if (next() % 4 == 0)
                    text += pieces[next() % 9];
                else
                    text.push_back(static_cast<char>(next() >> 24));
            }
            for (bool special : {false, true}) {
                const std::vector<int32_t> ids = tok.tokenize(text, true, special);
                for (int32_t id : ids) QVERIFY(tok.vocab().is_valid(id));
            }
            // Invalid UTF-8 is not lossless even for SPM: a lead byte swallows the
            // following escaped space into one symbol (as in llama.cpp).
            const bool valid = QString::fromUtf8(text.data(), static_cast<int>(text.size())).toUtf8() ==
                               QByteArray::fromStdString(text);
            const bool spm = tok.vocab().type() == hearth::VocabType_spm;
            const bool lossless =
                valid && (spm ? text.find("\xE2\x96\x81") == std::string::npos : !tok.vocab().clean_spaces());
            if (lossless)
                QCOMPARE(QByteArray::fromStdString(tok.detokenize(tok.tokenize(text, false))),
                         QByteArray::fromStdString(text));
        }
    }

private:
    static bool has_cleanable(const std::string & s) {
        for (const char * p : {" ?", " !", " .", " ,", " '"})
            if (s.find(p) != std::string::npos) return true;
        return false;
    }
};

QTEST_APPLESS_MAIN(TestTokenizerVectors)
#include "test_tokenizer_vectors.moc"
