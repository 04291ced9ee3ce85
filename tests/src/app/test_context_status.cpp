// ContextStatus, the chat's context meter and notice: the figures it keeps
// from the bridge, the warning when nearly full (worded by the policy), and
// the notice of what a prompt left out, tied to the reply it belongs to.
#include <QSignalSpy>
#include <QtTest>

#include "context_status.h"

using namespace Hearth;

namespace {
ContextUsage usage(int prompt, int dropped, const QString & policy, bool system = true) {
    ContextUsage u;
    u.promptTokens = prompt;
    u.contextSize = 2048;
    u.droppedMessages = dropped;
    u.droppedTurns = dropped / 2;
    u.policy = policy;
    u.systemPrompt = system;
    return u;
}
}  // namespace

class TestContextStatus : public QObject {
    Q_OBJECT
private slots:
    void meterAndWarning() {
        ContextStatus s;
        QSignalSpy changed(&s, &ContextStatus::changed);
        QCOMPARE(s.text(), QString());  // no model: nothing to show
        s.setContextSize(2048);
        s.setPolicy(QStringLiteral("rolling_window"));
        s.measured(usage(1024, 0, QStringLiteral("rolling_window")));
        QCOMPARE(s.text(), QStringLiteral("1,024 / 2,048 tokens"));
        QCOMPARE(s.fraction(), 0.5);
        QVERIFY(!s.nearlyFull());
        QCOMPARE(s.warning(), QString());
        ReplyStats stats;
        stats.promptTokens = 1700;
        stats.generatedTokens = 400;  // one more than fits: clamped to the context
        s.finished(stats);
        QCOMPARE(s.used(), 2048);
        QVERIFY(s.nearlyFull());
        // At 100% the context is full, not "nearly" full.
        QVERIFY(s.warning().startsWith(QStringLiteral("Context full:")));
        QVERIFY(s.warning().contains(QStringLiteral("older messages will be left out")));
        s.setPolicy(QStringLiteral("stop"));
        QVERIFY(s.warning().startsWith(QStringLiteral("Context full:")));
        QVERIFY(s.warning().contains(QStringLiteral("refused")));
        s.measured(usage(1980, 0, QStringLiteral("stop")));  // 97%: nearly full
        QVERIFY(s.nearlyFull());
        QVERIFY(s.warning().startsWith(QStringLiteral("Context nearly full:")));
        s.setPolicy(QStringLiteral("rolling_window"));
        QVERIFY(changed.count() >= 5);
        s.clear();
        QCOMPARE(s.used(), 0);
        QCOMPARE(s.size(), 2048);  // the model's context stays
    }

    void noticeBelongsToItsReply() {
        ContextStatus s;
        s.planned(42, usage(900, 0, QStringLiteral("rolling_window")));
        QCOMPARE(s.notice(), QString());
        QCOMPARE(s.noticeMessageId(), 0);
        s.planned(43, usage(900, 6, QStringLiteral("rolling_window")));
        QCOMPARE(s.noticeMessageId(), 43);
        QCOMPARE(s.notice(), QStringLiteral("The oldest 6 messages of this chat were left out to fit the context"
                                            " (rolling window). The system prompt is kept."));
        QVERIFY(!contextNoticeText(usage(900, 1, QStringLiteral("rolling_window"), false)).contains("system prompt"));
        QVERIFY(
            contextNoticeText(usage(900, 1, QStringLiteral("rolling_window"))).contains("1 message of this chat was"));
        QVERIFY(contextNoticeText(usage(900, 4, QStringLiteral("truncate_middle"))).contains("from the middle"));
        s.clear();
        QCOMPARE(s.notice(), QString());
        QCOMPARE(s.noticeMessageId(), 0);
    }
};

QTEST_GUILESS_MAIN(TestContextStatus)
#include "test_context_status.moc"
