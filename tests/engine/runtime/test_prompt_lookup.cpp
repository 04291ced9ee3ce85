// Prompt-lookup drafting: the n-gram lookup itself, and the session's
// promise that drafting changes the speed, never the output: the same tokens
// as decoding one at a time, greedy and sampled, with stop strings, a token
// limit and a context that fills up; the cache left behind serves the next
// request's prefix; models whose cache cannot roll back never draft.
#include <QtTest>

#include "common/fixtures.h"
#include "golden.h"
#include "hearth/session.h"
#include "runtime/prompt_lookup.h"

using namespace runtime_test;

namespace {

struct Reply {
    std::vector<int32_t> tokens;
    std::string text;
    hearth::StopReason reason = hearth::StopReason_eog;
    hearth::GenerationStats stats;
    bool error = false;
};

Reply run(hearth::Session & s, hearth::GenerateRequest r) {
    Reply out;
    s.generate(r, [&](const hearth::GenerateEvent & e) {
        if (e.type == hearth::EventType_piece) {
            out.tokens.push_back(e.token);
            out.text += e.text;
        } else if (e.type == hearth::EventType_done) {
            out.reason = e.stop_reason;
            out.stats = e.stats;
        } else if (e.type == hearth::EventType_error) {
            out.error = true;
        }
        return true;
    });
    return out;
}

// A prompt that repeats itself, so the continuation has something to find.
std::vector<int32_t> repetitive_prompt(const hearth::Session & s) {
    std::string text;
    for (int i = 0; i < 4; ++i) text += "Lily saw a big red ball. She liked the ball. ";
    return s.tokenizer().tokenize(text, true, false);
}

}  // namespace

class TestPromptLookup : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        const Golden g = load_golden("models/stories260K.gguf");
        m_path = g.model_path;
        m_model = hearth::Model::load(m_path);
    }

    void lookupFindsTheLatestLongestMatch() {
        using V = std::vector<int32_t>;
        QCOMPARE(hearth::prompt_lookup_draft(V{1, 2, 3, 4, 5, 1, 2}, 3), (V{3, 4, 5}));
        QCOMPARE(hearth::prompt_lookup_draft(V{1, 2, 3, 4, 5, 1, 2}, 1), (V{3}));
        // The latest earlier occurrence of "1 2" wins...
        QCOMPARE(hearth::prompt_lookup_draft(V{1, 2, 9, 1, 2, 7, 8, 1, 2}, 2), (V{7, 8}));
        // ...unless a longer suffix ("5 1 2") matches further back.
        QCOMPARE(hearth::prompt_lookup_draft(V{5, 1, 2, 6, 1, 2, 7, 5, 1, 2}, 1), (V{6}));
        // What follows may run to the end of the history.
        QCOMPARE(hearth::prompt_lookup_draft(V{4, 4, 4, 4}, 5), (V{4}));
        QVERIFY(hearth::prompt_lookup_draft(V{1, 2, 3, 4}, 3).empty());  // no repeat
        QVERIFY(hearth::prompt_lookup_draft(V{1, 2, 1, 2}, 0).empty());
        QVERIFY(hearth::prompt_lookup_draft(V{}, 3).empty());
        QVERIFY(hearth::prompt_lookup_draft(V{7}, 3).empty());
    }

    // Drafting on (the backend's size, and a long one) against off: the same
    // tokens, text and stop reason, greedy and sampled with a seed.
    void outputIsUnchanged_data() {
        QTest::addColumn<float>("temperature");
        QTest::addColumn<int>("n_predict");
        QTest::addColumn<QString>("stop");
        QTest::newRow("greedy") << 0.0f << 120 << "";
        QTest::newRow("sampled") << 0.8f << 120 << "";
        QTest::newRow("greedy, stop string") << 0.0f << 200 << "ball. She";
        QTest::newRow("greedy, 7 tokens") << 0.0f << 7 << "";
        QTest::newRow("greedy, 9 tokens") << 0.0f << 9 << "";
        QTest::newRow("greedy, 10 tokens") << 0.0f << 10 << "";
    }

    void outputIsUnchanged() {
        QFETCH(float, temperature);
        QFETCH(int, n_predict);
        QFETCH(QString, stop);
        hearth::GenerateRequest r;
        r.n_predict = n_predict;
        r.sampling.temperature = temperature;
        r.sampling.seed = 42;
        if (!stop.isEmpty()) r.stop = {stop.toStdString()};
        hearth::Session plain_session(m_model, 1);
        r.prompt_ids = repetitive_prompt(plain_session);
        r.n_draft = 0;
        const Reply plain = run(plain_session, r);
        QVERIFY(!plain.error);
        QCOMPARE(plain.stats.n_drafted, 0);
        int32_t drafted = 0;
        for (const int32_t n_draft : {2, 6}) {
            hearth::Session s(m_model, 1);
            r.n_draft = n_draft;
            const Reply d = run(s, r);
            QVERIFY(!d.error);
            QCOMPARE(d.tokens, plain.tokens);
            QCOMPARE(d.text, plain.text);
            QCOMPARE(int(d.reason), int(plain.reason));
            QCOMPARE(d.stats.n_generated, plain.stats.n_generated);
            QVERIFY(d.stats.n_draft_accepted <= d.stats.n_drafted);
            // The cache holds what plain decoding's does: no draft left over.
            QCOMPARE(s.cached_tokens(), plain_session.cached_tokens());
            drafted += d.stats.n_drafted;
            qInfo("n_draft %d: %d generated, %d drafted, %d accepted", n_draft, d.stats.n_generated, d.stats.n_drafted,
                  d.stats.n_draft_accepted);
        }
        if (temperature == 0.0f && n_predict >= 100) QVERIFY2(drafted > 0, "a repetitive prompt must find drafts");
    }

    // A reply that fills the context mid-draft stops at the same token as plain decoding.
    void contextFullIsUnchanged() {
        hearth::LoadOptions opts;
        opts.n_ctx = 80;
        auto small = hearth::Model::load(m_path, opts);
        hearth::GenerateRequest r;
        r.sampling.temperature = 0.0f;
        std::vector<Reply> replies;
        for (const int32_t n_draft : {0, 6}) {
            hearth::Session s(small, 1);
            r.prompt_ids = repetitive_prompt(s);
            r.n_draft = n_draft;
            replies.push_back(run(s, r));
        }
        QCOMPARE(int(replies[0].reason), int(hearth::StopReason_context_full));
        QCOMPARE(int(replies[1].reason), int(hearth::StopReason_context_full));
        QCOMPARE(replies[1].tokens, replies[0].tokens);
    }

    // The next request reuses what a drafted reply left in the cache, and
    // continues exactly as a fresh session does.
    void cacheServesTheNextPrompt() {
        hearth::Session drafted(m_model, 1);
        hearth::GenerateRequest r;
        r.sampling.temperature = 0.0f;
        r.n_predict = 60;
        r.prompt_ids = repetitive_prompt(drafted);
        const Reply first = run(drafted, r);
        std::vector<int32_t> follow = r.prompt_ids;
        follow.insert(follow.end(), first.tokens.begin(), first.tokens.end());
        const std::vector<int32_t> more = drafted.tokenizer().tokenize(" Lily saw", false, false);
        follow.insert(follow.end(), more.begin(), more.end());
        r.prompt_ids = follow;
        const Reply second = run(drafted, r);
        QVERIFY(second.stats.n_reused >= int32_t(follow.size() - more.size() - 1));
        hearth::Session fresh(m_model, 1);
        r.n_draft = 0;
        const Reply reference = run(fresh, r);
        QCOMPARE(second.tokens, reference.tokens);
    }

private:
    std::string m_path;
    std::shared_ptr<hearth::Model> m_model;
};

QTEST_APPLESS_MAIN(TestPromptLookup)
#include "test_prompt_lookup.moc"
