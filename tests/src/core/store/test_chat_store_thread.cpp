// The chat controller's store thread: with another connection holding the
// database's write lock (a long transaction: an import, another process), a
// rename, opening a long chat and a search all return at once and the GUI
// thread's event loop keeps running (a 10 ms timer ticks); when the lock goes,
// each lands, in order. Also the sidebar's delete / undo and a search hit on
// another branch, now that their results arrive asynchronously.
#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <memory>

#include "chat_controller.h"
#include "chat_feature.h"
#include "chat_settings_controller.h"
#include "conversations_controller.h"
#include "core/conversation_store.h"
#include "store_test_util.h"
#include "write_lock.h"

using namespace Hearth;

class TestChatStoreThread : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_db;
    qint64 m_long = 0, m_short = 0, m_hit = 0, m_branchHit = 0;

    QVariant msg(ChatController & chat, int row, MessageListModel::Role role) {
        return chat.messages()->data(chat.messages()->index(row), role);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qputenv("HEARTH_DATA_DIR", m_dir.path().toUtf8());
        qunsetenv("HEARTH_MODEL");
        m_db = m_dir.filePath(QStringLiteral("chat.sqlite"));
        ConversationStore store(m_db);
        Conversation c;
        c.title = QStringLiteral("Long");
        c.sampling = QJsonObject{{QStringLiteral("temperature"), 0.25}};
        m_long = store.createConversation(c);
        qint64 parent = 0;
        for (int i = 0; i < 300; ++i)
            parent = store.appendMessage(m_long, parent,
                                         StoreTest::message(i % 2 ? MessageRole::Assistant : MessageRole::User,
                                                            QStringLiteral("message %1").arg(i), i));
        c.title = QStringLiteral("Short");
        c.sampling = {};
        m_short = store.createConversation(c);
        const qint64 q = store.appendMessage(m_short, 0, StoreTest::message(MessageRole::User, "Where?", 0));
        m_hit = store.appendMessage(m_short, q, StoreTest::message(MessageRole::Assistant, "In zanzibar.", 1));
        // A sibling branch, active afterwards: the hit above is then on the other branch.
        m_branchHit = store.editMessage(q, QStringLiteral("Where exactly?"));
    }

    void guiThreadRunsWhileTheDatabaseIsLocked() {
        ChatFeature app(m_db, nullptr);
        ChatController & chat = *app.chat();
        ConversationsController & convs = *app.conversations();
        QAbstractItemModelTester messagesTester(chat.messages(),
                                                QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE(convs.list()->count(), 2);
        StoreTest::WriteLock lock(m_db);
        QVERIFY(lock.held());

        QElapsedTimer clock;
        clock.start();
        convs.rename(m_long, QStringLiteral("Renamed"));
        chat.setCurrentConversationId(m_long);
        convs.search(QStringLiteral("zanzibar"));
        QVERIFY2(clock.elapsed() < 100, qPrintable(QString::number(clock.elapsed())));  // none waited

        int ticks = 0;
        qint64 last = clock.elapsed(), longestGap = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, this, [&] {
            ++ticks;
            longestGap = qMax(longestGap, clock.elapsed() - last);
            last = clock.elapsed();
        });
        timer.start(10);
        QTest::qWait(700);
        // The rename waits on the lock and everything queued behind it waits too;
        // the GUI thread did not.
        QCOMPARE(chat.messages()->count(), 0);
        QVERIFY(convs.searchResults().isEmpty());
        QVERIFY(!chat.send(QStringLiteral("hello")));  // no model, and the chat's settings are not read yet
        QVERIFY2(ticks >= 35, qPrintable(QString::number(ticks)));
        QVERIFY2(longestGap < 200, qPrintable(QString::number(longestGap)));

        lock.release();
        QTRY_COMPARE(chat.messages()->count(), MessageListModel::kPageSize);
        QCOMPARE(chat.currentTitle(), QStringLiteral("Renamed"));
        QCOMPARE(app.settings()->generationSettings().temperature, 0.25);  // the chat's own settings
        QTRY_COMPARE(convs.searchResults().size(), 1);
        QCOMPARE(convs.searchResults().first().toMap().value("messageId").toLongLong(), m_hit);
        QCOMPARE(msg(chat, 0, MessageListModel::ContentRole).toString(), QStringLiteral("message 200"));
        QVERIFY(chat.messages()->hasOlder());
        QVERIFY(chat.messages()->fetchOlder());
        QTRY_COMPARE(chat.messages()->count(), 2 * MessageListModel::kPageSize);
        QCOMPARE(msg(chat, 0, MessageListModel::ContentRole).toString(), QStringLiteral("message 100"));
        QVERIFY(chat.messages()->fetchAllOlder());
        QTRY_COMPARE(chat.messages()->count(), 300);
        QVERIFY(!chat.messages()->hasOlder());
    }

    void searchHitOnAnotherBranchIsShown() {
        ChatFeature app(m_db, nullptr);
        ChatController & chat = *app.chat();
        ConversationsController & convs = *app.conversations();
        QSignalSpy scrolled(&chat, &ChatController::scrollToMessage);
        convs.search(QStringLiteral("zanzibar"));
        QTRY_COMPARE(convs.searchResults().size(), 1);
        convs.openSearchResult(m_short, m_hit);
        QTRY_COMPARE(scrolled.size(), 1);
        QCOMPARE(chat.currentConversationId(), m_short);
        const int row = scrolled.at(0).at(0).toInt();
        QCOMPARE(msg(chat, row, MessageListModel::IdRole).toLongLong(), m_hit);
        QCOMPARE(chat.messages()->highlightId(), m_hit);
        // Its branch became the active one, in the store too.
        QCOMPARE(ConversationStore(m_db).conversation(m_short)->activeLeafId, m_hit);
        // The branch switcher goes back to the edit, through the store thread.
        QCOMPARE(msg(chat, 0, MessageListModel::SiblingCountRole).toInt(), 2);
        chat.selectSibling(0, 1);
        QTRY_COMPARE(chat.messages()->count(), 1);
        QCOMPARE(msg(chat, 0, MessageListModel::IdRole).toLongLong(), m_branchHit);
    }

    void deleteUndoAndPinThroughTheStoreThread() {
        ChatFeature app(m_db, nullptr);
        ConversationsController & convs = *app.conversations();
        QTRY_COMPARE(convs.list()->count(), 2);
        convs.deleteConversation(m_short);
        QTRY_COMPARE(convs.list()->count(), 1);
        QCOMPARE(convs.pendingDeleteTitle(), QStringLiteral("Short"));
        convs.undoDelete();
        QTRY_COMPARE(convs.list()->count(), 2);
        convs.togglePinned(m_short);
        QTRY_COMPARE(convs.list()->data(convs.list()->index(0), ConversationListModel::IdRole).toLongLong(), m_short);
        convs.togglePinned(m_short);
        QTRY_VERIFY(!convs.list()->data(convs.list()->index(0), ConversationListModel::PinnedRole).toBool());
    }
};

QTEST_MAIN(TestChatStoreThread)
#include "test_chat_store_thread.moc"
