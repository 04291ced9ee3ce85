// Session and worker on stories260K: greedy generation through the session,
// prompt-prefix reuse, stop strings without leaks, cancellation within one
// token, context errors, and the worker thread's load/queue/cancel paths.
#include <QtTest>
#include <atomic>
#include <mutex>
#include <thread>

#include "common/fixtures.h"
#include "golden.h"
#include "hearth/session.h"
#include "hearth/worker.h"

using namespace runtime_test;

namespace {

struct Collected {
    std::vector<std::string> pieces;
    std::vector<int32_t> tokens;
    std::string text;
    bool done = false;
    hearth::StopReason reason = hearth::StopReason_eog;
    hearth::GenerationStats stats;
    bool error = false;
    hearth::ErrorCode error_code = hearth::ErrorCode_io;
    std::string error_text;
    int stats_events = 0;

    bool on(const hearth::GenerateEvent & e) {
        switch (e.type) {
            case hearth::EventType_piece:
                pieces.push_back(e.text);
                tokens.push_back(e.token);
                text += e.text;
                break;
            case hearth::EventType_stats:
                ++stats_events;
                stats = e.stats;
                break;
            case hearth::EventType_done:
                done = true;
                reason = e.stop_reason;
                stats = e.stats;
                break;
            case hearth::EventType_error:
                error = true;
                error_code = e.error_code;
                error_text = e.error;
                break;
        }
        return true;
    }
};

hearth::GenerateRequest greedy(const std::vector<int32_t> & ids, int32_t n) {
    hearth::GenerateRequest r;
    r.prompt_ids = ids;
    r.n_predict = n;
    r.sampling.temperature = 0.0f;
    return r;
}

Collected run(hearth::Session & s, const hearth::GenerateRequest & r, const std::atomic<bool> * cancel = nullptr) {
    Collected c;
    s.generate(
        r, [&](const hearth::GenerateEvent & e) { return c.on(e); }, cancel);
    return c;
}

const char * kGreedyText =
    " She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it "
    "was too high.\nL";

}  // namespace

class TestSession : public QObject {
    Q_OBJECT

    std::shared_ptr<hearth::Model> m_model;
    Golden m_golden;

private slots:
    void initTestCase() {
        m_golden = load_golden("models/stories260K.gguf");
        m_model = hearth::Model::load(m_golden.model_path);
    }

    void greedyMatchesGolden() {
        hearth::Session s(m_model, 2);
        const Collected c = run(s, greedy(m_golden.prompt_ids, int32_t(m_golden.greedy_ids.size())));
        QVERIFY(c.done);
        QCOMPARE(c.reason, hearth::StopReason_length);
        QCOMPARE(c.text, std::string(kGreedyText));
        QCOMPARE(c.stats.n_generated, int32_t(m_golden.greedy_ids.size()));
        QCOMPARE(c.stats.n_prompt, 16);
        QCOMPARE(c.stats_events, 1);
        QVERIFY(c.stats.gen_tok_s > 0 && c.stats.prompt_tok_s > 0 && c.stats.ttft_ms > 0);
    }

    void textPromptIsTokenizedWithBos() {
        hearth::Session s(m_model, 2);
        hearth::GenerateRequest r = greedy({}, 12);
        r.prompt = "Once upon a time, there was a little girl named Lily.";
        const Collected c = run(s, r);
        QCOMPARE(s.cached_tokens().size() >= 16, true);
        QCOMPARE(std::vector<int32_t>(s.cached_tokens().begin(), s.cached_tokens().begin() + 16), m_golden.prompt_ids);
        QVERIFY(std::string(kGreedyText).rfind(c.text, 0) == 0);
    }

    void prefixReuse() {
        // A second request that extends the first evaluates only the new tokens,
        // and its output equals a fresh session's.
        std::vector<int32_t> longer = m_golden.prompt_ids;
        longer.insert(longer.end(), m_golden.greedy_ids.begin(), m_golden.greedy_ids.begin() + 6);

        hearth::Session warm(m_model, 2);
        run(warm, greedy(m_golden.prompt_ids, 10));
        const Collected second = run(warm, greedy(longer, 12));
        QCOMPARE(second.stats.n_prompt, int32_t(longer.size()));
        QCOMPARE(second.stats.n_reused, int32_t(longer.size()) - 1);  // prompt + 6 of the 9 evaluated generated tokens
        QCOMPARE(second.stats.n_evaluated, 1);

        hearth::Session fresh(m_model, 2);
        const Collected ref = run(fresh, greedy(longer, 12));
        QCOMPARE(ref.stats.n_reused, 0);
        QCOMPARE(second.text, ref.text);
        QCOMPARE(second.tokens, ref.tokens);

        // A diverging prompt reuses only the common prefix.
        std::vector<int32_t> other(m_golden.prompt_ids.begin(), m_golden.prompt_ids.begin() + 5);
        other.push_back(300);
        const Collected third = run(warm, greedy(other, 4));
        QCOMPARE(third.stats.n_reused, 5);
        hearth::Session fresh2(m_model, 2);
        QCOMPARE(third.text, run(fresh2, greedy(other, 4)).text);
    }

    void stopStringWithoutLeak() {
        hearth::Session s(m_model, 2);
        hearth::GenerateRequest r = greedy(m_golden.prompt_ids, 48);
        r.stop = {"the park"};  // spans tokens: " the" " park"
        const Collected c = run(s, r);
        QVERIFY(c.done);
        QCOMPARE(c.reason, hearth::StopReason_stop_string);
        QCOMPARE(c.text, std::string(" She loved to play outside in "));
        for (const std::string & p : c.pieces) QVERIFY2(p.find("the") == std::string::npos, p.c_str());

        // A prefix of a stop string that never completes is released in full.
        r.stop = {"play outdoors"};
        r.n_predict = 12;
        const Collected d = run(s, r);
        QCOMPARE(d.reason, hearth::StopReason_length);
        QCOMPARE(d.text, std::string(kGreedyText).substr(0, d.text.size()));
        QVERIFY(d.text.find("play outside") != std::string::npos);
    }

    void callbackFalseStopsWithinOneToken() {
        hearth::Session s(m_model, 2);
        Collected c;
        int pieces = 0;
        s.generate(greedy(m_golden.prompt_ids, 40), [&](const hearth::GenerateEvent & e) {
            c.on(e);
            if (e.type == hearth::EventType_piece) return ++pieces < 3;
            return true;
        });
        QCOMPARE(int(c.pieces.size()), 3);
        QVERIFY(c.done);
        QCOMPARE(c.reason, hearth::StopReason_cancelled);
    }

    void cancelFlagStopsWithinOneToken() {
        hearth::Session s(m_model, 2);
        std::atomic<bool> cancel{false};
        Collected c;
        s.generate(
            greedy(m_golden.prompt_ids, 40),
            [&](const hearth::GenerateEvent & e) {
                c.on(e);
                if (e.type == hearth::EventType_piece && c.pieces.size() == 4) cancel.store(true);
                return true;
            },
            &cancel);
        QCOMPARE(int(c.pieces.size()), 4);
        QCOMPARE(c.reason, hearth::StopReason_cancelled);
    }

    void eogStops() {
        // Banning everything but EOS forces an end of generation at once.
        hearth::GenerateRequest r = greedy(m_golden.prompt_ids, 10);
        for (int32_t i = 0; i < 512; ++i)
            if (i != 2) r.sampling.logit_bias.push_back({i, -INFINITY});
        hearth::Session s(m_model, 2);
        const Collected c = run(s, r);
        QCOMPARE(c.reason, hearth::StopReason_eog);
        QVERIFY(c.text.empty());
    }

    void contextErrors() {
        hearth::LoadOptions opts;
        opts.n_ctx = 20;
        auto small = hearth::Model::load(m_golden.model_path, opts);
        hearth::Session s(small, 2);
        const Collected full = run(s, greedy(m_golden.prompt_ids, 40));
        // A full context mid-reply is a stop, not an error: the text is kept and counted.
        QVERIFY2(!full.error, full.error_text.c_str());
        QVERIFY(full.done);
        QCOMPARE(full.reason, hearth::StopReason_context_full);
        // The reply fills the rest of the context, then one more token is sampled (never evaluated).
        QCOMPARE(full.stats.n_generated, 20 - int32_t(m_golden.prompt_ids.size()) + 1);
        QVERIFY(!full.text.empty() && full.tokens.size() <= size_t(full.stats.n_generated));
        QCOMPARE(std::string(hearth::stop_reason_name(full.reason)), std::string("context_full"));

        std::vector<int32_t> too_long = m_golden.prompt_ids;
        too_long.insert(too_long.end(), m_golden.greedy_ids.begin(), m_golden.greedy_ids.begin() + 10);
        const Collected c = run(s, greedy(too_long, 4));
        QVERIFY(c.error);
        QCOMPARE(c.error_code, hearth::ErrorCode_context);
        QVERIFY(!c.done);
    }

    void idsOutOfRangeIsAnError() {
        hearth::Session s(m_model, 2);
        const Collected c = run(s, greedy({1, 9999}, 4));
        QVERIFY(c.error);
        QCOMPARE(c.error_code, hearth::ErrorCode_invalid_argument);
        QVERIFY(c.pieces.empty());
    }

    void workerLoadsQueuesAndCancels() {
        std::mutex mu;
        std::vector<float> progress;
        bool loaded = false;
        hearth::GenerationWorker w(m_golden.model_path, {}, [&](const hearth::WorkerStatus & st) {
            std::lock_guard<std::mutex> lock(mu);
            if (st.kind == hearth::WorkerStatus::Kind_progress) progress.push_back(st.progress);
            if (st.kind == hearth::WorkerStatus::Kind_loaded) loaded = true;
        });
        Collected a, b, c;
        w.submit(greedy(m_golden.prompt_ids, 8), [&](const hearth::GenerateEvent & e) { return a.on(e); });
        // The handle is published after submit returns; the worker may already be running.
        std::atomic<std::atomic<bool> *> b_cancel{nullptr};
        const hearth::RequestHandle hb =
            w.submit(greedy(m_golden.prompt_ids, 40), [&](const hearth::GenerateEvent & e) {
                b.on(e);
                if (e.type == hearth::EventType_piece && b.pieces.size() == 2) {
                    while (!b_cancel.load()) std::this_thread::yield();
                    b_cancel.load()->store(true);
                }
                return true;
            });
        b_cancel.store(hb.cancel.get());
        w.submit(greedy(m_golden.prompt_ids, 4), [&](const hearth::GenerateEvent & e) { return c.on(e); });
        QVERIFY(w.wait_loaded());
        w.wait_idle();
        {
            std::lock_guard<std::mutex> lock(mu);
            QVERIFY(loaded);
            QVERIFY(!progress.empty());
            QCOMPARE(progress.back(), 1.0f);
        }
        QCOMPARE(a.text, std::string(kGreedyText).substr(0, a.text.size()));
        QCOMPARE(a.reason, hearth::StopReason_length);
        QCOMPARE(int(b.pieces.size()), 2);
        QCOMPARE(b.reason, hearth::StopReason_cancelled);
        QCOMPARE(c.stats.n_reused, 15);  // the worker's session keeps the cache between requests
        QCOMPARE(c.reason, hearth::StopReason_length);
    }

    void workerLoadFailureAndCancel() {
        hearth::WorkerStatus last;
        hearth::GenerationWorker bad("/nonexistent/model.gguf", {},
                                     [&](const hearth::WorkerStatus & st) { last = st; });
        QVERIFY(!bad.wait_loaded());
        Collected c;
        bad.submit(greedy({1}, 1), [&](const hearth::GenerateEvent & e) { return c.on(e); });
        bad.wait_idle();
        QCOMPARE(last.kind, hearth::WorkerStatus::Kind_failed);
        QCOMPARE(last.error_code, hearth::ErrorCode_io);
        QVERIFY(c.error);

        hearth::LoadOptions opts;
        opts.progress = [](float) { return false; };
        hearth::GenerationWorker cancelled(m_golden.model_path, opts,
                                           [&](const hearth::WorkerStatus & st) { last = st; });
        QVERIFY(!cancelled.wait_loaded());
        cancelled.wait_idle();
        QCOMPARE(last.error_code, hearth::ErrorCode_cancelled);
    }
};

QTEST_APPLESS_MAIN(TestSession)
#include "test_session.moc"
