// choose_context_window: which turns go into a prompt that no longer fits,
// with a counter of 1 token per character of content plus 2 per message.
#include <QtTest>

#include "hearth/context_window.h"

using namespace hearth;

namespace {

ChatMessage msg(const char * role, std::string content) {
    ChatMessage m;
    m.role = role;
    m.content = std::move(content);
    return m;
}

int32_t count(const std::vector<ChatMessage> & m) {
    int32_t n = 0;
    for (const ChatMessage & x : m) n += int32_t(x.content.size()) + 2;
    return n;
}

// system, then `turns` turns of user + assistant, each message 8 characters (10 tokens).
std::vector<ChatMessage> conversation(int turns) {
    std::vector<ChatMessage> m{msg("system", "be kind.")};
    for (int t = 0; t < turns; ++t) {
        m.push_back(msg("user", "user " + std::to_string(100 + t)));
        m.push_back(msg("assistant", "asst " + std::to_string(100 + t)));
    }
    return m;
}

}  // namespace

class TestContextWindow : public QObject {
    Q_OBJECT

private slots:
    void fittingConversationIsWhole() {
        const auto m = conversation(3);  // 70 tokens
        const ContextWindow w = choose_context_window(m, ContextOverflow_rolling_window, 70, 0, count);
        QVERIFY(w.fits);
        QCOMPARE(w.messages.size(), m.size());
        QCOMPARE(w.dropped_turns, 0);
        QCOMPARE(w.n_tokens, 70);
    }

    // The system prompt stays, the oldest turns go, and the prompt is refilled
    // to at most 3/4 of the budget.
    void rollingWindowDropsTheOldestTurns() {
        const auto m = conversation(10);  // 10 + 10 * 20 = 210 tokens
        const ContextWindow w = choose_context_window(m, ContextOverflow_rolling_window, 100, 0, count);
        QVERIFY(w.fits);
        QVERIFY(w.n_tokens <= 75);
        QCOMPARE(w.dropped_turns, 7);  // 10 + 3 * 20 = 70 <= 75; 4 turns would be 90
        QCOMPARE(w.dropped_messages, 14);
        QCOMPARE(w.messages.front().role, std::string("system"));
        QCOMPARE(w.messages[1].content, std::string("user 107"));
        QCOMPARE(w.messages.back().content, std::string("asst 109"));
    }

    // The next turn keeps the same turns out while that still fits, so the
    // prompt's prefix (and the cache) stays; when full again, more go.
    void rollingWindowIsStableBetweenTurns() {
        auto m = conversation(11);  // one more turn than above
        ContextWindow w = choose_context_window(m, ContextOverflow_rolling_window, 100, 7, count);
        QVERIFY(w.fits);
        QCOMPARE(w.dropped_turns, 7);
        QCOMPARE(w.messages[1].content, std::string("user 107"));
        m = conversation(13);
        w = choose_context_window(m, ContextOverflow_rolling_window, 100, 7, count);
        QVERIFY(w.fits);
        QCOMPARE(w.dropped_turns, 10);
    }

    void truncateMiddleKeepsTheFirstTurn() {
        const auto m = conversation(10);
        const ContextWindow w = choose_context_window(m, ContextOverflow_truncate_middle, 100, 0, count);
        QVERIFY(w.fits);
        QCOMPARE(w.messages[1].content, std::string("user 100"));
        QCOMPARE(w.messages[3].content, std::string("user 108"));  // turns 1..7 dropped
        QCOMPARE(w.dropped_turns, 7);
        QCOMPARE(w.messages.back().content, std::string("asst 109"));
    }

    void stopDropsNothing() {
        const auto m = conversation(10);
        const ContextWindow w = choose_context_window(m, ContextOverflow_stop, 100, 0, count);
        QVERIFY(!w.fits);
        QCOMPARE(w.messages.size(), m.size());
        QCOMPARE(w.n_tokens, 210);
    }

    // A last turn too long on its own: everything else goes and it still does not fit.
    void lastTurnTooLong() {
        auto m = conversation(3);
        m.push_back(msg("user", std::string(500, 'x')));
        const ContextWindow w = choose_context_window(m, ContextOverflow_rolling_window, 100, 0, count);
        QVERIFY(!w.fits);
        QCOMPARE(w.dropped_turns, 3);
        QCOMPARE(w.messages.size(), size_t(2));
    }

    // Tool calls and results belong to their turn and leave with it.
    void toolMessagesStayWithTheirTurn() {
        std::vector<ChatMessage> m{msg("system", "s"),     msg("user", "u0"),      msg("assistant", ""),
                                   msg("tool", "r0"),      msg("assistant", "a0"), msg("user", "u1"),
                                   msg("assistant", "a1"), msg("user", "u2")};
        m[2].tool_calls.push_back({"call_1", "f", "{}"});
        const int32_t all = count(m);
        const ContextWindow w = choose_context_window(m, ContextOverflow_rolling_window, all - 1, 0, count, 1.0f);
        QVERIFY(w.fits);
        QCOMPARE(w.dropped_turns, 1);
        QCOMPARE(w.dropped_messages, 4);
        QCOMPARE(w.messages[1].content, std::string("u1"));
        ContextOverflow p = ContextOverflow_stop;
        QVERIFY(context_overflow_from_name("truncate_middle", p));
        QCOMPARE(p, ContextOverflow_truncate_middle);
        QVERIFY(!context_overflow_from_name("sideways", p));
    }
};

QTEST_APPLESS_MAIN(TestContextWindow)
#include "test_context_window.moc"
