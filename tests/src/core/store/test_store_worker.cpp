// StoreWorker: jobs run on the store's own thread in the order posted, answers
// come back on the caller's thread with their request ids, errors are
// reported instead of thrown, the caller's event loop keeps running while the
// worker waits on a lock another connection holds, and quitting runs every
// queued write (a streaming reply's last save included).
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>
#include <memory>

#include "core/conversation_store.h"
#include "core/store_worker.h"
#include "core/stream_saver.h"
#include "store_test_util.h"
#include "write_lock.h"

using namespace Hearth;

namespace {

qint64 seedChat(ConversationStore & store, int messages) {
    const qint64 conv = store.createConversation(Conversation{});
    qint64 parent = 0;
    for (int i = 0; i < messages; ++i)
        parent = store.appendMessage(conv, parent,
                                     StoreTest::message(i % 2 ? MessageRole::Assistant : MessageRole::User,
                                                        QStringLiteral("message %1").arg(i), i));
    return conv;
}

}  // namespace

class TestStoreWorker : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void runsJobsInOrderAndAnswersOnTheCallersThread() {
        StoreWorker worker(m_dir.filePath("order.sqlite"));
        QVERIFY(worker.isOpen());
        QVERIFY(QFileInfo(worker.path()).isAbsolute());
        const qint64 conv = worker.call([](ConversationStore & s) { return s.createConversation(Conversation{}); });
        // Writes posted one after another, then a read: it sees all of them.
        QList<quint64> ids;
        qint64 parent = 0;
        QThread * storeThread = nullptr;
        for (int i = 0; i < 20; ++i)
            ids << worker.post([conv, i, &parent, &storeThread](ConversationStore & s) {
                storeThread = QThread::currentThread();
                parent = s.appendMessage(conv, parent, StoreTest::message(MessageRole::User, QString::number(i), i));
            });
        for (int i = 1; i < ids.size(); ++i) QVERIFY(ids[i] > ids[i - 1]);
        QStringList seen;
        QThread * answeredOn = nullptr;
        QList<int> order;
        worker.request(
            this, [conv](ConversationStore & s) { return s.activePath(conv); },
            [&](const QList<Message> & path) {
                answeredOn = QThread::currentThread();
                for (const Message & m : path) seen << m.content;
                order << 1;
            });
        worker.request(
            this, [](ConversationStore &) {}, [&] { order << 2; });
        QTRY_COMPARE(order.size(), 2);
        QCOMPARE(order, (QList<int>{1, 2}));  // answers in the order the jobs ran
        QCOMPARE(answeredOn, QThread::currentThread());
        QVERIFY(storeThread && storeThread != QThread::currentThread());
        QCOMPARE(seen.size(), 20);
        QCOMPARE(seen.first(), QStringLiteral("0"));
        QCOMPARE(seen.last(), QStringLiteral("19"));
    }

    void reportsErrorsWithTheirRequestId() {
        StoreWorker worker(m_dir.filePath("errors.sqlite"));
        QSignalSpy errors(&worker, &StoreWorker::errorOccurred);
        QString failedWith;
        bool done = false;
        const quint64 id = worker.request(
            this, [](ConversationStore & s) { s.renameConversation(424242, QStringLiteral("x")); },
            [&] { done = true; }, [&](const QString & message) { failedWith = message; });
        QTRY_VERIFY(!failedWith.isEmpty());
        QVERIFY(!done);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).value<quint64>(), id);
        QCOMPARE(errors.at(0).at(1).toString(), failedWith);
        // A blocking call rethrows.
        QVERIFY_THROWS_EXCEPTION(std::exception, worker.call([](ConversationStore & s) { s.deleteConversation(7); }));
        // The queue goes on after a failure.
        QCOMPARE(worker.call([](ConversationStore & s) { return s.conversationCount(); }), 0);
    }

    void aDatabaseThatCannotOpenFailsEveryJob() {
        StoreWorker worker(m_dir.filePath("no/such/dir/x.sqlite"));
        QVERIFY(!worker.isOpen());
        QVERIFY(!worker.openError().isEmpty());
        QString failedWith;
        worker.request(
            this, [](ConversationStore & s) { return s.conversationCount(); }, [](int) {},
            [&](const QString & message) { failedWith = message; });
        QTRY_COMPARE(failedWith, worker.openError());
    }

    // The point of the worker: while it waits on another connection's write
    // lock, the caller's event loop runs (a 10 ms timer keeps ticking).
    void callerKeepsRunningWhileTheStoreWaitsOnALock() {
        const QString path = m_dir.filePath("locked.sqlite");
        qint64 conv = 0;
        {
            ConversationStore store(path);
            conv = seedChat(store, 300);
        }
        StoreWorker worker(path);
        StoreTest::WriteLock lock(path);
        QVERIFY(lock.held());
        QElapsedTimer clock;
        clock.start();
        bool renamed = false;
        int rows = 0;
        worker.request(
            this, [conv](ConversationStore & s) { s.renameConversation(conv, QStringLiteral("Renamed")); },
            [&] { renamed = true; });
        worker.request(
            this, [conv](ConversationStore & s) { return s.activeBranch(conv, 100); },
            [&](const QList<BranchMessage> & page) { rows = int(page.size()); });
        QVERIFY(clock.elapsed() < 50);  // posting does not wait
        int ticks = 0;
        qint64 last = clock.elapsed(), longestGap = 0;
        QTimer timer;
        QObject::connect(&timer, &QTimer::timeout, [&] {
            ++ticks;
            longestGap = qMax(longestGap, clock.elapsed() - last);
            last = clock.elapsed();
        });
        timer.start(10);
        QTest::qWait(600);
        // The worker is still stuck behind the lock, and the loop ran all along.
        QVERIFY(!renamed);
        QCOMPARE(rows, 0);
        QVERIFY(worker.pending() == 2);
        QVERIFY2(ticks >= 30, qPrintable(QString::number(ticks)));
        QVERIFY2(longestGap < 200, qPrintable(QString::number(longestGap)));
        lock.release();
        QTRY_VERIFY(renamed);
        QTRY_COMPARE(rows, 100);
        QCOMPARE(worker.call([conv](ConversationStore & s) { return s.conversation(conv)->title; }),
                 QStringLiteral("Renamed"));
    }

    // Quitting mid-stream: the saver's pending text and every queued save are
    // written before the worker ends; the reply opens as interrupted, text kept.
    void quittingDuringStreamingKeepsTheReply() {
        const QString path = m_dir.filePath("quit.sqlite");
        qint64 reply = 0;
        QString text;
        {
            auto worker = std::make_unique<StoreWorker>(path);
            reply = worker->call([](ConversationStore & s) {
                const qint64 conv = s.createConversation(Conversation{});
                const qint64 user = s.appendMessage(conv, 0, StoreTest::message(MessageRole::User, "hi", 0));
                return s.beginReply(conv, user, GenerationInfo{});
            });
            auto saver = std::make_unique<StreamSaver>(worker.get(), reply, 10);
            for (int i = 0; i < 200; ++i) {
                saver->appendContent(QStringLiteral("w%1 ").arg(i));
                if (i % 50 == 0) QTest::qWait(15);  // some saves are queued on the way
            }
            text = saver->content();
            QVERIFY(saver->writeCount() >= 2);
            saver.reset();  // the app quits: the last piece is still pending here
            worker.reset();
        }
        ConversationStore store(path);
        QCOMPARE(store.interruptedOnOpen(), 1);
        QCOMPARE(store.message(reply)->content, text);
        QCOMPARE(store.message(reply)->state, MessageState::Interrupted);
    }

    void finishThroughTheWorker() {
        const QString path = m_dir.filePath("finish.sqlite");
        StoreWorker worker(path);
        const qint64 reply = worker.call([](ConversationStore & s) {
            const qint64 conv = s.createConversation(Conversation{});
            const qint64 user = s.appendMessage(conv, 0, StoreTest::message(MessageRole::User, "hi", 0));
            return s.beginReply(conv, user, GenerationInfo{});
        });
        StreamSaver saver(&worker, reply, 1000);
        saver.appendContent(QStringLiteral("Once upon a time"));
        ReplyStats stats;
        stats.generatedTokens = 4;
        stats.stopReason = QStringLiteral("stop");
        QVERIFY(saver.finish(stats));
        const Message m = worker.call([reply](ConversationStore & s) { return *s.message(reply); });
        QCOMPARE(m.content, QStringLiteral("Once upon a time"));
        QCOMPARE(m.state, MessageState::Complete);
        QCOMPARE(m.stats.generatedTokens, 4);
        // A refused save comes back as saveFailed.
        StreamSaver lost(&worker, 999999, 1000);
        QSignalSpy failed(&lost, &StreamSaver::saveFailed);
        lost.appendContent(QStringLiteral("x"));
        lost.flush();
        QTRY_COMPARE(failed.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestStoreWorker)
#include "test_store_worker.moc"
