// Streaming replies: StreamSaver's throttled writes, finishing with stats,
// recovery of a reply left `streaming` as `interrupted`, continuing it, and a
// real crash: a child process streaming a reply is killed with SIGKILL and the
// database must hold the text it had produced up to about a second before.
#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "core/conversation_store.h"
#include "core/stream_saver.h"
#include "hearth/error.h"
#include "store_test_util.h"

using namespace Hearth;

namespace {
struct Reply {
    qint64 conversation = 0;
    qint64 id = 0;
};

Reply startReply(ConversationStore & store) {
    Reply r;
    r.conversation = store.createConversation(Conversation{});
    qint64 user = store.appendMessage(r.conversation, 0, StoreTest::message(MessageRole::User, "hello", 0));
    GenerationInfo info;
    info.modelFile = QStringLiteral("tiny.gguf");
    info.seed = 1234;
    r.id = store.beginReply(r.conversation, user, info);
    return r;
}
}  // namespace

class TestStreamSaver : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void throttlesWritesAndFlushesOnTimer() {
        ConversationStore store(m_dir.filePath("throttle.sqlite"));
        Reply r = startReply(store);
        StreamSaver saver(&store, r.id, 200);
        for (int i = 0; i < 200; ++i) saver.appendContent(QStringLiteral("t%1 ").arg(i));
        saver.appendReasoning(QStringLiteral("hmm"));
        // 200 pieces inside one interval: nothing written yet.
        QCOMPARE(saver.writeCount(), 0);
        QCOMPARE(store.message(r.id)->content, QString());
        // The timer writes the pending text when the interval ends, even
        // though no further piece arrives.
        QTRY_COMPARE_WITH_TIMEOUT(saver.writeCount(), 1, 2000);
        QCOMPARE(store.message(r.id)->content, saver.content());
        QCOMPARE(store.message(r.id)->reasoning, QString("hmm"));
        QCOMPARE(store.message(r.id)->state, MessageState::Streaming);
        // A piece arriving after the interval is written at once.
        QTest::qWait(250);
        saver.appendContent(QStringLiteral("late"));
        QCOMPARE(saver.writeCount(), 2);
        QVERIFY(store.message(r.id)->content.endsWith("late"));
    }

    void finishRecordsStatsAndCompletes() {
        ConversationStore store(m_dir.filePath("finish.sqlite"));
        Reply r = startReply(store);
        StreamSaver saver(&store, r.id);
        saver.appendReasoning(QStringLiteral("thinking"));
        saver.appendContent(QStringLiteral("The answer is 4."));
        QJsonArray calls{QJsonObject{{"name", "calc"}, {"arguments", QJsonObject{{"x", "2+2"}}}}};
        QVERIFY(saver.finish(ReplyStats{30, 6, 300.0, 25.5, 80.0, "eos"}, calls));
        Message m = *store.message(r.id);
        QCOMPARE(m.state, MessageState::Complete);
        QCOMPARE(m.content, QString("The answer is 4."));
        QCOMPARE(m.reasoning, QString("thinking"));
        QCOMPARE(m.toolCalls, calls);
        QCOMPARE(m.stats, (ReplyStats{30, 6, 300.0, 25.5, 80.0, "eos"}));
        QCOMPARE(m.generation.modelFile, QString("tiny.gguf"));
        QCOMPARE(m.generation.seed, 1234);
        // Pieces after the end are not written over the finished reply.
        saver.appendContent(QStringLiteral(" more"));
        saver.flush();
        QCOMPARE(store.message(r.id)->content, QString("The answer is 4."));
    }

    void reportsFailureInsteadOfThrowing() {
        ConversationStore store(m_dir.filePath("fail.sqlite"));
        Reply r = startReply(store);
        store.finishReply(r.id, "done elsewhere", {}, {}, ReplyStats{});
        StreamSaver saver(&store, r.id, 1);
        QSignalSpy failed(&saver, &StreamSaver::saveFailed);
        saver.appendContent(QStringLiteral("x"));
        saver.flush();
        QVERIFY(failed.count() >= 1);
        QVERIFY(failed.first().first().toString().contains("not streaming"));
        QCOMPARE(store.message(r.id)->content, QString("done elsewhere"));
    }

    void interruptedOnReopenThenContinued() {
        QString path = m_dir.filePath("reopen.sqlite");
        Reply r;
        {
            ConversationStore store(path);
            r = startReply(store);
            StreamSaver saver(&store, r.id, 10000);
            saver.appendContent(QStringLiteral("partial "));
        }  // the saver writes what is pending when destroyed; the reply stays streaming
        ConversationStore store(path);
        QCOMPARE(store.interruptedOnOpen(), 1);
        Message m = *store.message(r.id);
        QCOMPARE(m.state, MessageState::Interrupted);
        QCOMPARE(m.content, QString("partial "));
        // Continue: back to streaming, text kept, then completed.
        store.resumeReply(r.id);
        StreamSaver saver(&store, r.id);
        saver.setInitialText(m.content, m.reasoning);
        saver.appendContent(QStringLiteral("and finished."));
        QVERIFY(saver.finish(ReplyStats{}));
        QCOMPARE(store.message(r.id)->content, QString("partial and finished."));
        QCOMPARE(store.message(r.id)->state, MessageState::Complete);
        QVERIFY_THROWS_EXCEPTION(hearth::Error, store.resumeReply(r.id));  // not interrupted any more
        // Or regenerate instead: a new streaming sibling.
        qint64 again = store.regenerate(r.id, GenerationInfo{});
        QCOMPARE(store.message(again)->parentId, store.message(r.id)->parentId);
    }

    // A reply cut by a full context (or its length limit) can be continued; one
    // that ended on its own cannot.
    void cutOffReplyResumesEmptyRefusedReplyIsDiscarded() {
        ConversationStore store(m_dir.filePath("cutoff.sqlite"));
        Reply r = startReply(store);
        ReplyStats full;
        full.generatedTokens = 40;
        full.stopReason = QStringLiteral("context_full");
        store.finishReply(r.id, QStringLiteral("Once upon"), QString(), {}, full);
        store.resumeReply(r.id);
        QCOMPARE(store.message(r.id)->state, MessageState::Streaming);
        ReplyStats eos;
        eos.stopReason = QStringLiteral("eos");
        store.finishReply(r.id, QStringLiteral("Once upon a time."), QString(), {}, eos);
        QVERIFY_THROWS_EXCEPTION(hearth::Error, store.resumeReply(r.id));

        // A refused regenerate: the empty reply goes, the one it would replace shows again.
        const qint64 user = store.message(r.id)->parentId;
        const qint64 empty = store.regenerate(r.id, GenerationInfo{});
        QCOMPARE(store.conversation(r.conversation)->activeLeafId, empty);
        QVERIFY_THROWS_EXCEPTION(hearth::Error, store.discardReply(r.id));  // has text
        store.discardReply(empty);
        QVERIFY(!store.message(empty));
        QCOMPARE(store.conversation(r.conversation)->activeLeafId, r.id);
        QCOMPARE(store.siblings(r.id).size(), 1);
        // A refused first reply: the branch ends at the user message.
        Message next = StoreTest::message(MessageRole::User, "more", 5);
        const qint64 u2 = store.appendMessage(r.conversation, r.id, next);
        const qint64 refused = store.beginReply(r.conversation, u2, GenerationInfo{});
        store.discardReply(refused);
        QCOMPARE(store.conversation(r.conversation)->activeLeafId, u2);
        QVERIFY(store.activePath(r.conversation).last().id == u2 && user != u2);
    }

    void killedWriterLosesAtMostAboutOneSecond() {
        QString path = m_dir.filePath("crash.sqlite");
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QStringLiteral(HEARTH_STREAM_CHILD), {path});
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));

        QElapsedTimer clock;
        clock.start();
        qint64 messageId = 0;
        QList<QPair<qint64, qint64>> produced;  // (ms when read, length produced)
        qint64 firstAt = -1;
        while (firstAt < 0 || clock.elapsed() - firstAt < 2500) {
            QVERIFY2(child.state() == QProcess::Running, "the child stopped early");
            if (!child.canReadLine() && !child.waitForReadyRead(5000)) QFAIL("the child stopped writing");
            while (child.canReadLine()) {
                QByteArray line = child.readLine().trimmed();
                if (line.startsWith("message ")) messageId = line.mid(8).toLongLong();
                if (!line.startsWith("produced ")) continue;
                produced.append({clock.elapsed(), line.mid(9).toLongLong()});
                if (firstAt < 0) firstAt = clock.elapsed();
            }
        }
        child.kill();  // SIGKILL: no destructor, no final flush
        qint64 killedAt = clock.elapsed();
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        QVERIFY(messageId > 0);

        // What had been produced at least one second before the kill.
        qint64 mustHave = 0;
        for (const auto & [at, length] : produced)
            if (at <= killedAt - 1000) mustHave = length;
        qint64 maxProduced = produced.last().second;
        QVERIFY(mustHave > 0);

        ConversationStore store(path);
        QCOMPARE(store.interruptedOnOpen(), 1);
        Message m = *store.message(messageId);
        QCOMPARE(m.state, MessageState::Interrupted);
        QString expected;
        for (int i = 0; expected.size() < m.content.size(); ++i) expected += QStringLiteral("w%1 ").arg(i);
        QCOMPARE(m.content, expected.left(m.content.size()));
        qInfo("saved %lld chars; produced %lld by kill-1s, at least %lld at the kill", qint64(m.content.size()),
              mustHave, maxProduced);
        QVERIFY2(m.content.size() >= mustHave,
                 qPrintable(QStringLiteral("saved %1 chars, but %2 were produced a second before the kill")
                                .arg(m.content.size())
                                .arg(mustHave)));
    }
};

QTEST_GUILESS_MAIN(TestStreamSaver)
#include "test_stream_saver.moc"
