// Streaming detokenization: pieces that split a UTF-8 character are held back
// until the character completes, and the stream adds up to detokenize().
#include <QtTest>

#include "common/fixtures.h"
#include "tokenizer_fixtures.h"

using namespace hearth_test;

namespace {

bool valid_utf8(const std::string & s) {
    const QByteArray b = QByteArray::fromStdString(s);
    return QString::fromUtf8(b).toUtf8() == b;
}

}  // namespace

class TestTokenizerStream : public QObject {
    Q_OBJECT

private slots:
    void decoderHoldsIncompleteTail() {
        hearth::Utf8StreamDecoder d;
        const std::string euro = "\xE2\x82\xAC";  // U+20AC, 3 bytes
        QCOMPARE(d.push("a" + euro.substr(0, 1)), std::string("a"));
        QCOMPARE(d.pending(), size_t(1));
        QCOMPARE(d.push(euro.substr(1, 1)), std::string());
        QCOMPARE(d.push(euro.substr(2, 1) + "b"), euro + "b");
        QCOMPARE(d.pending(), size_t(0));
        // A 4-byte character, one byte at a time.
        const std::string llama = "\xF0\x9F\xA6\x99";
        std::string out;
        for (char c : llama) out += d.push(std::string(1, c));
        QCOMPARE(out, llama);
    }

    void decoderPassesInvalidBytes() {
        hearth::Utf8StreamDecoder d;
        QCOMPARE(d.push("\xFF"
                        "x"),
                 std::string("\xFF"
                             "x"));                                             // never a lead byte
        QCOMPARE(d.push("\x80\x80\x80\x80"), std::string("\x80\x80\x80\x80"));  // stray continuations
        QCOMPARE(d.push("\xE2\x82"), std::string());                            // held
        QCOMPARE(d.push("z"), std::string("\xE2\x82z"));                        // can no longer complete
        QCOMPARE(d.push("\xC3"), std::string());
        QCOMPARE(d.flush(), std::string("\xC3"));  // the end of the stream
        QCOMPARE(d.pending(), size_t(0));
    }

    void streamMatchesDetokenize_data() {
        QTest::addColumn<QString>("vocab");
        for (const char * v : {"qwen2", "llama-spm", "llama-bpe"}) QTest::newRow(v) << QString(v);
    }

    // Every fixture input, token by token: each chunk is valid UTF-8 and the
    // chunks add up to detokenize() (for vocabs without clean_spaces).
    void streamMatchesDetokenize() {
        QFETCH(QString, vocab);
        const hearth::Tokenizer & tok = vocab_tokenizer(vocab.toStdString());
        int split_chars = 0;
        for (const VocabCase & c : load_vocab_cases(vocab.toStdString())) {
            const std::vector<int32_t> ids = tok.tokenize(c.input, false);
            hearth::DetokenizeStream stream(tok);
            std::string streamed;
            for (int32_t id : ids) {
                if (!valid_utf8(tok.token_to_piece(id))) ++split_chars;
                const std::string chunk = stream.push(id);
                QVERIFY2(valid_utf8(chunk), c.input.c_str());
                streamed += chunk;
            }
            streamed += stream.flush();
            if (tok.vocab().clean_spaces()) continue;
            QCOMPARE(QByteArray::fromStdString(streamed), QByteArray::fromStdString(tok.detokenize(ids)));
        }
        // The inputs hold emoji and Khmer that no single token covers.
        QVERIFY2(split_chars > 0, "no token split a UTF-8 character; the test would prove nothing");
    }
};

QTEST_APPLESS_MAIN(TestTokenizerStream)
#include "test_tokenizer_stream.moc"
