// hearth::ChatSession, the one chat pipeline under the app, the server and
// hearth-cli, on the stories260K fixture: it reads the setup and one
// tokenizer, plans prompts under the context policy (and remembers per
// conversation what it left out), runs requests from several threads through
// one queue, reuses the prompt prefix, and reports a failed load as an error.
#include <QtTest>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/fixtures.h"
#include "hearth/chat_prompt.h"
#include "hearth/chat_session.h"
#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/tokenizer.h"
#include "hearth/vocab.h"

using namespace hearth;

namespace {

std::string model_path() {
    return hearth_test::fixture("models/stories260K.gguf");
}

ChatMessage msg(const char * role, std::string content) {
    ChatMessage m;
    m.role = role;
    m.content = std::move(content);
    return m;
}

// system, then `turns` turns of user + assistant.
std::vector<ChatMessage> chat(int turns) {
    std::vector<ChatMessage> m{msg("system", "You are a storyteller.")};
    for (int t = 0; t < turns; ++t) {
        m.push_back(msg("user", "Tell me about the little dog number " + std::to_string(t) + " in the park."));
        m.push_back(msg("assistant", "The little dog " + std::to_string(t) + " ran and ran and was happy."));
    }
    m.push_back(msg("user", "And then?"));
    return m;
}

struct Outcome {
    std::string text;
    StopReason reason = StopReason_eog;
    GenerationStats stats;
    bool error = false;
};

// Runs `request` on the session and waits for its last event.
Outcome run(ChatSession & session, GenerateRequest request) {
    Outcome out;
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    session.submit(std::move(request), [&](const GenerateEvent & e) {
        std::lock_guard<std::mutex> lock(mutex);
        if (e.type == EventType_piece) out.text += e.text;
        if (e.type == EventType_stats) out.stats = e.stats;
        if (e.type == EventType_done || e.type == EventType_error) {
            out.reason = e.stop_reason;
            out.error = e.type == EventType_error;
            done = true;
            cv.notify_all();
        }
        return true;
    });
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [&] { return done; });
    return out;
}

GenerateRequest greedy(std::vector<int32_t> ids, int32_t n) {
    GenerateRequest r;
    r.prompt_ids = std::move(ids);
    r.n_predict = n;
    r.sampling.temperature = 0.0f;
    return r;
}

}  // namespace

class TestChatSession : public QObject {
    Q_OBJECT

private slots:
    // The vocabulary a caller has read already gives the same setup as the file's own.
    void setupFromAnExistingVocab() {
        const GgufFile file = GgufFile::open(hearth_test::fixture("vocab/ggml-vocab-llama-bpe.gguf"));
        const Vocab vocab = Vocab::from_gguf(file);
        const ChatSetup a = read_chat_setup(file, 0);
        const ChatSetup b = read_chat_setup(file, vocab, 0);
        QCOMPARE(b.special.bos, a.special.bos);
        QCOMPARE(b.special.eos, a.special.eos);
        QCOMPARE(b.strip_bos, a.strip_bos);
        QCOMPARE(b.n_ctx, a.n_ctx);
        QCOMPARE(b.chat_template->source(), a.chat_template->source());
        QVERIFY(!b.special.bos.empty());
    }

    void opensAndGenerates() {
        std::atomic<int> loaded{0};
        LoadOptions options;
        options.n_threads = 1;
        auto session = ChatSession::open(model_path(), options, [&](const WorkerStatus & s) {
            if (s.kind == WorkerStatus::Kind_loaded) ++loaded;
        });
        QCOMPARE(session->setup().n_ctx, 2048);  // min(trained 2048, the default 4096)
        QVERIFY(session->tokenizer());
        session->wait_loaded_or_throw();
        QCOMPARE(loaded.load(), 1);
        QVERIFY(session->evaluator() != nullptr);
        QVERIFY(!session->description().empty());

        // The plan's ids are the tokenizer's for the plan's text: what the session evaluates.
        const PromptPlan plan = session->planner().plan(1, chat(1), ContextOverflow_rolling_window, 16, std::string());
        QVERIFY(!plan.refused);
        QCOMPARE(plan.ids, session->tokenizer()->tokenize(plan.prompt, true, true));
        QCOMPARE(plan.n_ctx, 2048);
        QVERIFY(plan.system_prompt);

        const Outcome first = run(*session, greedy(plan.ids, 8));
        QVERIFY(!first.error);
        QCOMPARE(first.stats.n_generated, 8);
        QVERIFY(!first.text.empty());
        // The same prompt again: the session's cache holds all but the last token.
        const Outcome again = run(*session, greedy(plan.ids, 8));
        QCOMPARE(again.text, first.text);
        QVERIFY2(again.stats.n_reused >= int32_t(plan.ids.size()) - 1, std::to_string(again.stats.n_reused).c_str());
    }

    // Two threads (say the chat and an API client) share one session: both
    // requests complete, one after the other, through the one queue.
    void threadsTakeTurns() {
        LoadOptions options;
        options.n_threads = 1;
        auto session = ChatSession::open(model_path(), options, nullptr);
        session->wait_loaded_or_throw();
        const std::vector<int32_t> ids = session->tokenizer()->tokenize("Once upon a time", true, true);
        Outcome a, b;
        std::thread t1([&] { a = run(*session, greedy(ids, 12)); });
        std::thread t2([&] { b = run(*session, greedy(ids, 12)); });
        t1.join();
        t2.join();
        QVERIFY(!a.error && !b.error);
        QCOMPARE(a.stats.n_generated, 12);
        QCOMPARE(b.stats.n_generated, 12);
        QCOMPARE(a.text, b.text);  // greedy on the same prompt, never interleaved
    }

    // The policy remembers per conversation what the last prompt left out,
    // so the next prompt keeps its prefix; a measurement does not commit.
    void plannerKeepsThePrefixPerConversation() {
        auto session = ChatSession::open(model_path(), LoadOptions{}, nullptr);
        ChatSetup setup = session->setup();
        setup.n_ctx = 256;
        PromptPlanner planner(&setup, session->tokenizer());
        const PromptPlan measured = planner.plan(7, chat(12), ContextOverflow_rolling_window, 32, {}, false);
        QVERIFY(!measured.refused);
        QVERIFY(measured.dropped_turns > 0);
        QVERIFY(int32_t(measured.ids.size()) <= 256 - PromptPlanner::reply_reserve(256, 32));

        const PromptPlan first = planner.plan(7, chat(12), ContextOverflow_rolling_window, 32, {});
        QCOMPARE(first.dropped_turns, measured.dropped_turns);
        // One more turn: the same turns are left out while it still fits, so the prompt grows at its end.
        const PromptPlan next = planner.plan(7, chat(13), ContextOverflow_rolling_window, 32, {});
        if (next.dropped_turns == first.dropped_turns) {
            QVERIFY(next.ids.size() > first.ids.size());
        } else {
            QVERIFY(next.dropped_turns > first.dropped_turns);  // refilled after a full context
        }
        // Another conversation starts afresh: as a new planner would plan it.
        const PromptPlan other = planner.plan(8, chat(13), ContextOverflow_rolling_window, 32, {});
        const PromptPlan fresh =
            PromptPlanner(&setup, session->tokenizer()).plan(8, chat(13), ContextOverflow_rolling_window, 32, {});
        QCOMPARE(other.dropped_turns, fresh.dropped_turns);
        QCOMPARE(other.ids, fresh.ids);

        // Stop at the limit: nothing is left out, the prompt is refused.
        const PromptPlan stop = planner.plan(9, chat(12), ContextOverflow_stop, 32, {});
        QVERIFY(stop.refused);
        QCOMPARE(stop.dropped_turns, 0);
    }

    // start() returns at once: the header is read on the worker, whose
    // prompts are then planned there too, in queue order with the requests.
    void startsAndPlansOnTheWorker() {
        LoadOptions options;
        options.n_threads = 1;
        std::atomic<int> loaded{0};
        auto session = ChatSession::start(model_path(), options, [&](const WorkerStatus & s) {
            if (s.kind == WorkerStatus::Kind_loaded) ++loaded;
        });
        session->wait_loaded_or_throw();
        QCOMPARE(loaded.load(), 1);
        QCOMPARE(session->setup().n_ctx, 2048);  // as open() chooses it
        QVERIFY(session->tokenizer());
        QVERIFY(session->placement() != nullptr);
        QCOMPARE(session->placement()->plan.n_gpu_layers, session->evaluator()->placement().plan.n_gpu_layers);

        const std::thread::id caller = std::this_thread::get_id();
        std::thread::id planner_thread;
        PromptPlan planned;
        std::mutex mutex;
        std::condition_variable cv;
        bool done = false;
        std::string text;
        auto plan = [&](PromptPlanner & p, GenerateRequest & r) {
            planner_thread = std::this_thread::get_id();
            planned = p.plan(3, chat(1), ContextOverflow_rolling_window, 8, std::string());
            r.prompt_ids = planned.ids;
            return true;
        };
        session->submit_planned(greedy({}, 8), plan, [&](const GenerateEvent & e) {
            std::lock_guard<std::mutex> lock(mutex);
            if (e.type == EventType_piece) text += e.text;
            if (e.type == EventType_done || e.type == EventType_error) done = true;
            cv.notify_all();
            return true;
        });
        {
            std::unique_lock<std::mutex> lock(mutex);
            QVERIFY(cv.wait_for(lock, std::chrono::seconds(60), [&] { return done; }));
        }
        QVERIFY(planner_thread != caller);
        QVERIFY(!planned.ids.empty());
        // The same prompt submitted as ids generates the same text.
        QCOMPARE(run(*session, greedy(planned.ids, 8)).text, text);

        // A plan that drops its request: no event, and the queue goes on.
        std::atomic<int> events{0};
        session->submit_planned(
            greedy({}, 8), [](PromptPlanner &, GenerateRequest &) { return false; },
            [&](const GenerateEvent &) { return bool(++events); });
        std::atomic<bool> posted{false};
        session->post([&](PromptPlanner & p) { posted = p.ready(); });
        session->wait_idle();
        QCOMPARE(events.load(), 0);
        QVERIFY(posted.load());
    }

    // start()'s header errors arrive as the load's failure, not as a throw.
    void startReportsAnUnreadableFileAsAFailedLoad() {
        WorkerStatus failure;
        auto session = ChatSession::start("/nonexistent/model.gguf", LoadOptions{}, [&](const WorkerStatus & s) {
            if (s.kind == WorkerStatus::Kind_failed) failure = s;
        });
        QVERIFY(!session->wait_loaded());
        QCOMPARE(failure.error_code, ErrorCode_io);
        QVERIFY_THROWS_EXCEPTION(Error, session->wait_loaded_or_throw());
        QVERIFY(session->placement() == nullptr);
        // A planned request on it gets the load's error, without planning.
        bool planned = false;
        const Outcome out = [&] {
            Outcome o;
            std::mutex m;
            std::condition_variable cv;
            bool done = false;
            session->submit_planned(
                greedy({}, 4), [&](PromptPlanner &, GenerateRequest &) { return planned = true; },
                [&](const GenerateEvent & e) {
                    std::lock_guard<std::mutex> lock(m);
                    o.error = e.type == EventType_error;
                    done = true;
                    cv.notify_all();
                    return true;
                });
            std::unique_lock<std::mutex> lock(m);
            cv.wait_for(lock, std::chrono::seconds(60), [&] { return done; });
            return o;
        }();
        QVERIFY(out.error);
        QVERIFY(!planned);
    }

    void unreadableFileThrows() {
        QVERIFY_THROWS_EXCEPTION(Error, ChatSession::open("/nonexistent/model.gguf", LoadOptions{}, nullptr));
    }

    // A load that fails on the worker (here: a context it refuses) is thrown by wait_loaded_or_throw.
    void failedLoadThrows() {
        LoadOptions options;
        options.n_ctx = -1;
        auto session = ChatSession::open(model_path(), options, nullptr);
        QVERIFY_THROWS_EXCEPTION(Error, session->wait_loaded_or_throw());
        const Outcome out = run(*session, greedy({1, 2, 3}, 4));
        QVERIFY(out.error);
    }
};

QTEST_GUILESS_MAIN(TestChatSession)
#include "test_chat_session.moc"
