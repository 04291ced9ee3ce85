// The grammar stage of sampling: the token trie of the 151936-token Qwen2
// vocabulary, the vocabulary mask against token-by-token checks, the sampler
// on random logits, and whole generations on random-weight models whose
// replies must parse as JSON and validate against their schema, for several
// schemas and seeds, even when the token budget is tight.
#include <QtTest>
#include <nlohmann/json.hpp>
#include <random>

#include "common/fixtures.h"
#include "hearth/gguf.h"
#include "hearth/grammar_filter.h"
#include "hearth/json_schema_grammar.h"
#include "hearth/sampler.h"
#include "hearth/session.h"
#include "hearth/tokenizer.h"
#include "schema_cases.h"
#include "schema_validator.h"

using nlohmann::json;

namespace {

const grammar_test::SchemaCase & schema_case(const std::string & name) {
    for (const auto & c : grammar_test::schema_cases())
        if (c.name == name) return c;
    throw std::runtime_error("no schema case " + name);
}

struct Reply {
    std::string text;
    bool done = false;
    hearth::StopReason reason = hearth::StopReason_eog;
    std::string error;
    int32_t n_generated = 0;
};

Reply generate(hearth::Session & s, const hearth::GenerateRequest & r) {
    Reply out;
    s.generate(r, [&](const hearth::GenerateEvent & e) {
        if (e.type == hearth::EventType_piece) out.text += e.text;
        if (e.type == hearth::EventType_done) {
            out.done = true;
            out.reason = e.stop_reason;
            out.n_generated = e.stats.n_generated;
        }
        if (e.type == hearth::EventType_error) out.error = e.error;
        return true;
    });
    return out;
}

hearth::SamplerParams random_sampling(uint64_t seed) {
    hearth::SamplerParams p;
    p.seed = seed;
    p.temperature = 1.0f;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    return p;
}

}  // namespace

class TestGrammarSampler : public QObject {
    Q_OBJECT

    std::shared_ptr<const hearth::Tokenizer> m_qwen;
    std::shared_ptr<const hearth::TokenTrie> m_trie;

private slots:
    void initTestCase() {
        const hearth::GgufFile file = hearth::GgufFile::open(HEARTH_FIXTURE("vocab/ggml-vocab-qwen2.gguf"));
        m_qwen = std::make_shared<const hearth::Tokenizer>(hearth::Tokenizer::from_gguf(file));
        QElapsedTimer t;
        t.start();
        m_trie = hearth::TokenTrie::build(*m_qwen);
        qInfo("token trie of %d tokens: %zu nodes, built in %lld ms", m_trie->n_vocab(), m_trie->n_nodes(),
              t.elapsed());
    }

    void trieHoldsEveryPiece() {
        const hearth::Vocab & v = m_qwen->vocab();
        QCOMPARE(m_trie->n_vocab(), 151936);
        size_t in_trie = 0;
        for (int32_t id = 0; id < v.n_tokens(); ++id) {
            QCOMPARE(m_trie->piece(id), std::string_view(m_qwen->token_to_piece(id)));
            QCOMPARE(m_trie->is_eog(id), v.is_eog(id));
            if (!v.is_eog(id) && !m_trie->piece(id).empty()) ++in_trie;
        }
        size_t listed = 0;
        for (size_t i = 0; i < m_trie->n_nodes(); ++i) {
            const std::string_view piece = m_trie->piece(*m_trie->node_tokens_begin(i));
            for (const int32_t * id = m_trie->node_tokens_begin(i); id != m_trie->node_tokens_end(i); ++id) {
                QCOMPARE(m_trie->piece(*id), piece);
                QCOMPARE(m_trie->piece(*id).size(), size_t(m_trie->node_depth(i)));
                ++listed;
            }
        }
        QCOMPARE(listed, in_trie);
    }

    void maskMatchesTokenByToken() {
        const auto grammar = hearth::json_schema_grammar(schema_case("strict object").schema);
        hearth::GrammarTokenFilter filter(grammar, m_trie);
        std::vector<uint8_t> mask;
        const std::vector<std::string> steps = {
            "", "{", "\"name", "\":", " \"Jo", "\\u00e9 \xE4\xB8\xAD", "\",\"age\":", "12", "}"};
        for (const std::string & step : steps) {
            QVERIFY(filter.matcher().accept(step));
            for (int32_t budget : {0, 40}) {
                const size_t n = filter.fill_mask(mask, budget);
                size_t count = 0;
                for (int32_t id = 0; id < m_trie->n_vocab(); ++id) {
                    const bool one = filter.allows(id, budget);
                    if (one != bool(mask[size_t(id)]))
                        QFAIL(qPrintable(QString("after '%1', budget %2: token %3 '%4': mask %5, check %6")
                                             .arg(QString::fromStdString(step))
                                             .arg(budget)
                                             .arg(id)
                                             .arg(QString::fromStdString(std::string(m_trie->piece(id))))
                                             .arg(mask[size_t(id)])
                                             .arg(one)));
                    count += one;
                }
                QCOMPARE(n, count);
                QVERIFY2(n > 0, step.c_str());
            }
        }
        // Complete: only end-of-generation tokens remain.
        filter.fill_mask(mask, 0);
        for (int32_t id = 0; id < m_trie->n_vocab(); ++id) QCOMPARE(bool(mask[size_t(id)]), m_trie->is_eog(id));
        QVERIFY(filter.terminal());
    }

    void budgetForcesTheDocumentClosed() {
        // Inside a string with 5 tokens left, only tokens after which the
        // document can still close in the rest are allowed.
        const auto grammar = hearth::json_schema_grammar(schema_case("strict object").schema);
        hearth::GrammarTokenFilter filter(grammar, m_trie);
        QVERIFY(filter.matcher().accept("{\"name\":\"x"));
        const int32_t dist = filter.matcher().distance(filter.matcher().state());
        QCOMPARE(dist, int32_t(std::string("\",\"age\":0}").size()));
        std::vector<uint8_t> mask;
        for (int32_t budget : {dist + 1, 3, 1}) {
            const size_t n = filter.fill_mask(mask, budget);
            QVERIFY(budget < dist || n > 0);
            size_t open_strings = 0;
            for (int32_t id = 0; id < m_trie->n_vocab(); ++id) {
                const auto s = filter.matcher().walk(filter.matcher().state(), m_trie->piece(id));
                if (s != hearth::GrammarMatcher::state_dead && filter.matcher().distance(s) == dist) ++open_strings;
                if (!mask[size_t(id)]) continue;
                QVERIFY(filter.matcher().distance(s) <= budget - 1);
            }
            QVERIFY(open_strings > 1000);  // plenty of tokens would keep the string going
        }
    }

    void samplerOnRandomLogitsWritesValidJson() {
        const grammar_test::SchemaCase & c = schema_case("optional properties");
        const auto grammar = hearth::json_schema_grammar(c.schema);
        std::vector<float> logits(size_t(m_trie->n_vocab()));
        for (uint64_t seed = 1; seed <= 4; ++seed) {
            hearth::Sampler s(random_sampling(seed), m_trie->n_vocab());
            s.set_grammar(std::make_unique<hearth::GrammarTokenFilter>(grammar, m_trie));
            std::mt19937_64 rng(seed);
            std::normal_distribution<float> normal(0.0f, 3.0f);
            std::string text;
            bool ended = false;
            for (int32_t left = 48; left > 0 && !ended; --left) {
                for (float & l : logits) l = normal(rng);
                s.set_budget(left);
                const int32_t tok = s.sample(logits.data());
                s.accept(tok);
                if (m_trie->is_eog(tok)) break;
                text += m_trie->piece(tok);
                ended = s.grammar_done();
            }
            const json v = json::parse(text, nullptr, false);
            QVERIFY2(!v.is_discarded(), text.c_str());
            QVERIFY2(grammar_test::validate(v, json::parse(c.schema)).empty(), text.c_str());
        }
    }

    void sessionsWriteValidJson_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("schema");
        for (const char * model : {"models/stories260K.gguf", "models/synthetic/qwen2-Q4_K_M.gguf"})
            for (const char * schema :
                 {"strict object", "optional properties", "array bounds", "enum", "recursive tree", "formats",
                  "positive number", "pattern", "anyOf", "additional properties"})
                QTest::newRow(qPrintable(QString("%1 %2").arg(QFileInfo(model).baseName(), schema)))
                    << QString(model) << QString(schema);
    }

    void sessionsWriteValidJson() {
        QFETCH(QString, model);
        QFETCH(QString, schema);
        const grammar_test::SchemaCase & c = schema_case(schema.toStdString());
        const auto grammar = hearth::json_schema_grammar(c.schema);
        auto m = hearth::Model::load(HEARTH_FIXTURE(model.toStdString()));
        hearth::Session session(m, 1);
        for (uint64_t seed = 1; seed <= 3; ++seed) {
            for (int32_t n_predict : {400, std::max(grammar->min_length() + 4, 24)}) {
                hearth::GenerateRequest r;
                r.prompt = "Once upon a time, a JSON document:";
                r.n_predict = n_predict;
                r.sampling = random_sampling(seed);
                r.grammar = grammar;
                const Reply reply = generate(session, r);
                QVERIFY2(reply.error.empty(), reply.error.c_str());
                QVERIFY(reply.done);
                QVERIFY(reply.n_generated <= n_predict);
                const json v = json::parse(reply.text, nullptr, false);
                QVERIFY2(!v.is_discarded(), qPrintable(QString::fromStdString("not JSON: " + reply.text)));
                const std::string why = grammar_test::validate(v, json::parse(c.schema));
                QVERIFY2(why.empty(), qPrintable(QString::fromStdString(why + " in " + reply.text)));
            }
        }
    }

    void withoutGrammarNothingChanges() {
        // The grammar stage is off unless asked for: greedy output is the same
        // as before, and a grammar request after it does not leak into the next.
        auto m = hearth::Model::load(HEARTH_FIXTURE("models/stories260K.gguf"));
        hearth::Session session(m, 1);
        hearth::GenerateRequest plain;
        plain.prompt = "Once upon a time";
        plain.n_predict = 16;
        plain.sampling.temperature = 0.0f;
        const Reply first = generate(session, plain);
        hearth::GenerateRequest constrained = plain;
        constrained.grammar = hearth::json_object_grammar();
        const Reply json_reply = generate(session, constrained);
        QVERIFY2(json::parse(json_reply.text, nullptr, false).is_object(), json_reply.text.c_str());
        const Reply again = generate(session, plain);
        QCOMPARE(again.text, first.text);
    }
};

QTEST_GUILESS_MAIN(TestGrammarSampler)
#include "test_grammar_sampler.moc"
