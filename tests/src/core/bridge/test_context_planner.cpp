// The engine bridge's ContextPlanner on the stories260K fixture (its
// tokenizer, the ChatML fallback template): a chat longer than the context
// is fitted by the policy (the system prompt always kept, the latest turn
// always kept), the prefix stays put between turns so the session can reuse
// its cache, a continued reply's text counts, and what cannot fit is refused.
#include <QtTest>

#include "common/fixtures.h"
#include "core/context_planner.h"
#include "hearth/chat_setup.h"
#include "hearth/gguf.h"
#include "hearth/tokenizer.h"

using namespace Hearth;

namespace {

Message message(MessageRole role, const QString & text, qint64 conversation = 1) {
    Message m;
    m.role = role;
    m.content = text;
    m.conversationId = conversation;
    return m;
}

// A story sentence repeated: `n` sentences, numbered so turns differ.
QString story(int turn, int n) {
    QString s;
    for (int i = 0; i < n; ++i) s += QStringLiteral("Tom and the cat %1 played in the park. ").arg(turn);
    return s.trimmed();
}

// `turns` user/assistant pairs, each about the same size.
QList<Message> chat(int turns, int sentences, qint64 conversation = 1) {
    QList<Message> h;
    for (int t = 0; t < turns; ++t) {
        h << message(MessageRole::User, story(t, sentences), conversation);
        h << message(MessageRole::Assistant, QStringLiteral("The end of story %1.").arg(t), conversation);
    }
    return h;
}

size_t commonPrefix(const std::vector<int32_t> & a, const std::vector<int32_t> & b) {
    size_t n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
    return n;
}

}  // namespace

class TestContextPlanner : public QObject {
    Q_OBJECT
    std::optional<hearth::ChatSetup> m_setup;
    std::shared_ptr<const hearth::Tokenizer> m_tokenizer;

    ContextPlanner planner(int nCtx) {
        m_setup->n_ctx = nCtx;
        ContextPlanner p;
        p.setModel(&*m_setup, m_tokenizer);
        return p;
    }
    static GenerationSettings settings(const QString & policy, int maxTokens = 32) {
        GenerationSettings s;
        s.systemPrompt = QStringLiteral("You are a storyteller.");
        s.contextOverflow = policy;
        s.maxTokens = maxTokens;
        return s;
    }

private slots:
    void initTestCase() {
        const hearth::GgufFile file = hearth::GgufFile::open(HEARTH_FIXTURE("models/stories260K.gguf"));
        m_setup = hearth::read_chat_setup(file, 0);
        m_tokenizer = std::make_shared<const hearth::Tokenizer>(hearth::Tokenizer::from_gguf(file));
    }

    void shortChatIsSentWhole() {
        ContextPlanner p = planner(2048);
        const ContextPlan plan = p.plan(chat(2, 3), settings(QStringLiteral("rolling_window")), QString());
        QVERIFY(plan.refusal.isEmpty());
        QCOMPARE(plan.usage.droppedMessages, 0);
        QCOMPARE(plan.usage.contextSize, 2048);
        QCOMPARE(plan.usage.policy, QStringLiteral("rolling_window"));
        QCOMPARE(plan.usage.promptTokens, int(plan.promptIds.size()));
        QCOMPARE(plan.promptIds, m_tokenizer->tokenize(plan.prompt, true, true));
        QVERIFY(QString::fromStdString(plan.prompt).contains(story(0, 3)));
    }

    void rollingWindowDropsTheOldestKeepsTheSystemPrompt() {
        ContextPlanner p = planner(512);
        const GenerationSettings s = settings(QStringLiteral("rolling_window"));
        const ContextPlan plan = p.plan(chat(12, 4), s, QString());
        QVERIFY(plan.refusal.isEmpty());
        QVERIFY(plan.usage.droppedTurns > 0);
        QCOMPARE(plan.usage.droppedMessages, 2 * plan.usage.droppedTurns);
        QVERIFY(plan.usage.promptTokens <= 512 - ContextPlanner::replyReserve(512, s.maxTokens));
        const QString prompt = QString::fromStdString(plan.prompt);
        QVERIFY(prompt.contains(s.systemPrompt));
        QVERIFY(plan.usage.systemPrompt);
        QVERIFY(!prompt.contains(story(0, 4)));  // the oldest turn went
        QVERIFY(prompt.contains(story(11, 4)));  // the latest stays
        QVERIFY(prompt.indexOf(s.systemPrompt) < prompt.indexOf(QStringLiteral("Tom")));
    }

    void truncateMiddleKeepsTheFirstTurn() {
        ContextPlanner p = planner(512);
        const ContextPlan plan = p.plan(chat(12, 4), settings(QStringLiteral("truncate_middle")), QString());
        QVERIFY(plan.refusal.isEmpty());
        QVERIFY(plan.usage.droppedTurns > 0);
        const QString prompt = QString::fromStdString(plan.prompt);
        QVERIFY(prompt.contains(story(0, 4)));
        QVERIFY(!prompt.contains(story(1, 4)));
        QVERIFY(prompt.contains(story(11, 4)));
        QCOMPARE(plan.usage.policy, QStringLiteral("truncate_middle"));
    }

    // After the window moved, the next turns append to the same prefix until
    // the context fills again: the session evaluates only the new tokens.
    void windowKeepsItsPrefixBetweenTurns() {
        ContextPlanner p = planner(512);
        const GenerationSettings s = settings(QStringLiteral("rolling_window"), 16);
        QList<Message> h = chat(12, 4);
        h << message(MessageRole::User, QStringLiteral("More?"));  // the prompt ends before the reply
        const ContextPlan first = p.plan(h, s, QString());
        QVERIFY(first.usage.droppedTurns > 0);
        h << message(MessageRole::Assistant, QStringLiteral("Yes."));
        h << message(MessageRole::User, QStringLiteral("And then?"));
        const ContextPlan next = p.plan(h, s, QString());
        QCOMPARE(next.usage.droppedTurns, first.usage.droppedTurns);
        // All of the previous prompt but its last few tokens (the generation prompt) is shared.
        QVERIFY2(commonPrefix(first.promptIds, next.promptIds) + 8 >= first.promptIds.size(),
                 qPrintable(QStringLiteral("%1 of %2")
                                .arg(commonPrefix(first.promptIds, next.promptIds))
                                .arg(first.promptIds.size())));
        // Another chat does not inherit this one's choice.
        const ContextPlan other = p.plan(chat(3, 4, 2), s, QString());
        QCOMPARE(other.usage.droppedTurns, 0);
    }

    void continuedTextCounts() {
        ContextPlanner p = planner(512);
        const GenerationSettings s = settings(QStringLiteral("rolling_window"), 0);
        const QList<Message> h = chat(2, 1);
        const ContextPlan plain = p.plan(h, s, QString(), false);
        QCOMPARE(plain.usage.droppedTurns, 0);
        // A reply that took most of what the prompt left.
        QString partial;
        for (int n = 1;
             int(m_tokenizer->tokenize(partial.toStdString(), false).size()) < 512 - plain.usage.promptTokens - 40; ++n)
            partial = story(99, n);
        const ContextPlan cont = p.plan(h, s, partial, false);
        QVERIFY(cont.refusal.isEmpty());
        QVERIFY(QString::fromStdString(cont.prompt).endsWith(partial));
        QCOMPARE(cont.usage.droppedTurns, 1);                                // room for the text: the older turn goes
        QVERIFY(QString::fromStdString(cont.prompt).contains(story(1, 1)));  // the turn it answers stays
    }

    void stopRefusesWhatDoesNotFit() {
        ContextPlanner p = planner(512);
        const ContextPlan small = p.plan(chat(2, 4), settings(QStringLiteral("stop")), QString());
        QVERIFY(small.refusal.isEmpty());
        const ContextPlan big = p.plan(chat(12, 4), settings(QStringLiteral("stop")), QString());
        QCOMPARE(big.usage.droppedMessages, 0);
        QVERIFY(big.usage.promptTokens > 511);
        QVERIFY2(big.refusal.contains(QStringLiteral("Stop at limit")), qPrintable(big.refusal));
        // One message too long for the context is refused under any policy.
        const QList<Message> huge{message(MessageRole::User, story(1, 200))};
        const ContextPlan rolled = p.plan(huge, settings(QStringLiteral("rolling_window")), QString());
        QVERIFY2(rolled.refusal.contains(QStringLiteral("too long")), qPrintable(rolled.refusal));
    }

    void withoutModelNothingIsPlanned() {
        ContextPlanner p;
        const ContextPlan plan = p.plan(chat(2, 2), settings(QString()), QString());
        QVERIFY(plan.promptIds.empty());
        QCOMPARE(plan.usage.contextSize, 0);
    }
};

QTEST_GUILESS_MAIN(TestContextPlanner)
#include "test_context_planner.moc"
