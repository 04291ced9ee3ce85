// Full-text search over every message (FTS5): hits name the conversation and
// message with a snippet, follow edits, streaming saves and deletes, and user
// text with FTS syntax in it is searched literally.
#include <QTemporaryDir>
#include <QtTest>

#include "core/conversation_store.h"
#include "store_test_util.h"

using namespace Hearth;

class TestStoreSearch : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void findsMessagesWithSnippets() {
        ConversationStore store(m_dir.filePath("search.sqlite"));
        StoreTest::Sample s = StoreTest::buildSample(store);
        QList<SearchHit> hits = store.search("Porto");
        QCOMPARE(hits.size(), 2);  // the question and the reply
        QSet<qint64> found{hits[0].messageId, hits[1].messageId};
        QCOMPARE(found, (QSet<qint64>{s.askPorto, s.porto}));
        for (const SearchHit & h : hits) {
            QCOMPARE(h.conversationId, s.conversation);
            QCOMPARE(h.conversationTitle, QString("Weather in Lisbon"));
            QVERIFY2(h.snippet.contains("[Porto]"), qPrintable(h.snippet));
        }
        // Reasoning is searched too, and the hit carries the role.
        hits = store.search("forecast");
        QCOMPARE(hits.size(), 1);
        QCOMPARE(hits[0].messageId, s.porto);
        QCOMPARE(hits[0].role, MessageRole::Assistant);
        // All words must match; the last one as a prefix (search while typing).
        QCOMPARE(store.search("sunny Lisb").size(), 1);
        QCOMPARE(store.search("sunny Porto").size(), 0);
        QCOMPARE(store.search("tomor").size(), 2);
        QVERIFY(store.search("   ").isEmpty());
    }

    void diacriticsAndCaseAreFolded() {
        ConversationStore store(m_dir.filePath("fold.sqlite"));
        qint64 c = store.createConversation(Conversation{});
        store.appendMessage(c, 0, StoreTest::message(MessageRole::User, "Crème brûlée au CAFÉ", 0));
        QCOMPARE(store.search("creme brulee cafe").size(), 1);
    }

    void ftsSyntaxIsLiteral() {
        ConversationStore store(m_dir.filePath("syntax.sqlite"));
        qint64 c = store.createConversation(Conversation{});
        store.appendMessage(c, 0, StoreTest::message(MessageRole::User, "say \"NOT\" AND OR near(x) -minus", 0));
        // None of these may throw or be parsed as FTS5 operators.
        for (const char * q : {"\"", "NOT", "AND OR", "near(x)", "-minus", "*", "col:val", "a\"b", "(("})
            (void)store.search(QString::fromLatin1(q));
        QCOMPARE(store.search("NOT").size(), 1);
        QCOMPARE(store.search("near(x)").size(), 1);
    }

    void indexFollowsUpdatesAndDeletes() {
        ConversationStore store(m_dir.filePath("sync.sqlite"));
        qint64 c = store.createConversation(Conversation{});
        qint64 user = store.appendMessage(c, 0, StoreTest::message(MessageRole::User, "question", 0));
        qint64 reply = store.beginReply(c, user, GenerationInfo{});
        store.saveStreamingText(reply, "first draft about zebras", "");
        QCOMPARE(store.search("zebras").size(), 1);
        store.saveStreamingText(reply, "rewritten about giraffes", "");
        QCOMPARE(store.search("zebras").size(), 0);
        QCOMPARE(store.search("giraffes").size(), 1);
        store.finishReply(reply, "final words on okapis", "", {}, ReplyStats{});
        QCOMPARE(store.search("giraffes").size(), 0);
        QCOMPARE(store.search("okapis").first().messageId, reply);
        store.deleteConversation(c);
        QCOMPARE(store.search("okapis").size(), 0);
    }

    void limitIsHonoured() {
        ConversationStore store(m_dir.filePath("limit.sqlite"));
        qint64 c = store.createConversation(Conversation{});
        qint64 parent = 0;
        for (int i = 0; i < 30; ++i)
            parent = store.appendMessage(c, parent,
                                         StoreTest::message(MessageRole::User, QStringLiteral("lemon %1").arg(i), i));
        QCOMPARE(store.search("lemon", 10).size(), 10);
        QCOMPARE(store.search("lemon").size(), 30);
    }
};

QTEST_GUILESS_MAIN(TestStoreSearch)
#include "test_store_search.moc"
