// The message tree: appending, editing and regenerating (sibling branches),
// switching branches, the active path; conversation list order, rename, pin,
// soft delete with restore and purge, cascade delete.
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include "core/conversation_store.h"
#include "hearth/error.h"
#include "store_test_util.h"

using namespace Hearth;
using StoreTest::ids;

class TestStoreTree : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString dbPath(const char * name) { return m_dir.filePath(QString::fromLatin1(name)); }

private slots:
    void activePathFollowsLastAppended() {
        ConversationStore store(dbPath("path.sqlite"));
        StoreTest::Sample s = StoreTest::buildSample(store);
        QCOMPARE(store.conversation(s.conversation)->activeLeafId, s.porto);
        QCOMPARE(ids(store.activePath(s.conversation)),
                 (QList<qint64>{s.user1, s.call, s.toolResult, s.answerB, s.askPorto, s.porto}));
        QCOMPARE(store.messages(s.conversation).size(), 8);
        // Every field survives the store.
        Message call = *store.message(s.call);
        QCOMPARE(call.role, MessageRole::Assistant);
        QCOMPARE(call.parentId, s.user1);
        QCOMPARE(call.toolCalls.first().toObject().value("name").toString(), QString("get_weather"));
        QCOMPARE(call.generation.seed, 42);
        QCOMPARE(call.generation.sampling.value("top_p").toDouble(), 0.9);
        QCOMPARE(call.stats.generationTokensPerSecond, 31.25);
        QCOMPARE(call.stats.stopReason, QString("tool_call"));
        QCOMPARE(call.createdAt, StoreTest::at(5));
        QVERIFY(call.reasoning.contains("weather tool"));
    }

    void siblingsAndSwitchBranch() {
        ConversationStore store(dbPath("branches.sqlite"));
        StoreTest::Sample s = StoreTest::buildSample(store);
        QCOMPARE(ids(store.siblings(s.answerA)), (QList<qint64>{s.answerA, s.answerB}));
        QCOMPARE(ids(store.siblings(s.askTomorrow)), (QList<qint64>{s.askTomorrow, s.askPorto}));
        QCOMPARE(ids(store.siblings(s.user1)), QList<qint64>{s.user1});

        // Back to the first answer: it has no children, so it is the leaf.
        QCOMPARE(store.switchBranch(s.answerA), s.answerA);
        QCOMPARE(ids(store.activePath(s.conversation)), (QList<qint64>{s.user1, s.call, s.toolResult, s.answerA}));
        // To the second answer: the newest leaf under it is the Porto reply,
        // not the older "And tomorrow?" leaf.
        QCOMPARE(store.switchBranch(s.answerB), s.porto);
        QCOMPARE(store.activePath(s.conversation).last().id, s.porto);
        QCOMPARE(store.switchBranch(s.askTomorrow), s.askTomorrow);
        QCOMPARE(ids(store.activePath(s.conversation)).size(), 5);
        // From the root, the newest leaf of the whole tree.
        QCOMPARE(store.switchBranch(s.user1), s.porto);
    }

    void editCreatesSiblingBranch() {
        ConversationStore store(dbPath("edit.sqlite"));
        StoreTest::Sample s = StoreTest::buildSample(store);
        qint64 edited = store.editMessage(s.askTomorrow, QStringLiteral("And the day after?"));
        Message m = *store.message(edited);
        QCOMPARE(m.parentId, s.answerB);
        QCOMPARE(m.role, MessageRole::User);
        QCOMPARE(m.content, QString("And the day after?"));
        QCOMPARE(store.conversation(s.conversation)->activeLeafId, edited);
        QCOMPARE(ids(store.siblings(edited)), (QList<qint64>{s.askTomorrow, s.askPorto, edited}));
        // The original is untouched.
        QCOMPARE(store.message(s.askTomorrow)->content, QString("And tomorrow?"));
        // Editing the first message makes a second root.
        qint64 root2 = store.editMessage(s.user1, QStringLiteral("Weather in Porto?"));
        QCOMPARE(store.message(root2)->parentId, 0);
        QCOMPARE(ids(store.siblings(s.user1)), (QList<qint64>{s.user1, root2}));
        QCOMPARE(ids(store.activePath(s.conversation)), QList<qint64>{root2});
    }

    void regenerateCreatesStreamingSibling() {
        ConversationStore store(dbPath("regen.sqlite"));
        StoreTest::Sample s = StoreTest::buildSample(store);
        GenerationInfo info;
        info.modelFile = QStringLiteral("other.gguf");
        info.seed = 7;
        qint64 again = store.regenerate(s.porto, info);
        Message m = *store.message(again);
        QCOMPARE(m.parentId, s.askPorto);
        QCOMPARE(m.state, MessageState::Streaming);
        QCOMPARE(m.role, MessageRole::Assistant);
        QCOMPARE(m.generation.modelFile, QString("other.gguf"));
        QCOMPARE(ids(store.siblings(again)), (QList<qint64>{s.porto, again}));
        QCOMPARE(store.activePath(s.conversation).last().id, again);
        store.finishReply(again, QStringLiteral("Porto: no idea."), QString(), {},
                          ReplyStats{10, 5, 100, 20, 50, "eos"});
        m = *store.message(again);
        QCOMPARE(m.state, MessageState::Complete);
        QCOMPARE(m.stats.generatedTokens, 5);
        QVERIFY(store.conversation(s.conversation)->updatedAt > StoreTest::at(45));
    }

    void rejectsForeignParentAndUnknownIds() {
        ConversationStore store(dbPath("errors.sqlite"));
        StoreTest::Sample s = StoreTest::buildSample(store);
        qint64 other = store.createConversation(Conversation{});
        QVERIFY_THROWS_EXCEPTION(hearth::Error,
                                 store.appendMessage(other, s.user1, StoreTest::message(MessageRole::User, "x", 1)));
        QVERIFY_THROWS_EXCEPTION(hearth::Error,
                                 store.appendMessage(99999, 0, StoreTest::message(MessageRole::User, "x", 1)));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, store.editMessage(99999, "x"));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, store.renameConversation(99999, "x"));
        QVERIFY(!store.message(99999).has_value());
        QVERIFY(store.activePath(other).isEmpty());
    }

    void listOrderPinnedThenUpdated() {
        ConversationStore store(dbPath("list.sqlite"));
        QList<qint64> made;
        for (int i = 0; i < 4; ++i) {
            Conversation c;
            c.title = QStringLiteral("c%1").arg(i);
            c.createdAt = StoreTest::at(i * 10);
            made.append(store.createConversation(c));
        }
        // Newest first.
        auto titles = [&] {
            QStringList t;
            for (const Conversation & c : store.listConversations()) t << c.title;
            return t;
        };
        QCOMPARE(titles(), (QStringList{"c3", "c2", "c1", "c0"}));
        // A new message moves a conversation up; a pin moves it to the top.
        store.appendMessage(made[1], 0, StoreTest::message(MessageRole::User, "hi", 100));
        QCOMPARE(titles(), (QStringList{"c1", "c3", "c2", "c0"}));
        store.setPinned(made[0], true);
        QCOMPARE(titles(), (QStringList{"c0", "c1", "c3", "c2"}));
        QVERIFY(store.conversation(made[0])->pinned);
        store.renameConversation(made[2], QStringLiteral("renamed"));
        QCOMPARE(titles(), (QStringList{"c0", "c1", "c3", "renamed"}));
        store.setConversationSettings(made[3], "m.gguf", "be brief", QJsonObject{{"temperature", 0.2}});
        Conversation c3 = *store.conversation(made[3]);
        QCOMPARE(c3.model, QString("m.gguf"));
        QCOMPARE(c3.systemPrompt, QString("be brief"));
        QCOMPARE(c3.sampling.value("temperature").toDouble(), 0.2);
    }

    void softDeleteRestoreAndPurge() {
        ConversationStore store(dbPath("delete.sqlite"));
        StoreTest::Sample s = StoreTest::buildSample(store);
        qint64 keep = store.createConversation(Conversation{});
        QCOMPARE(store.conversationCount(), 2);
        store.softDeleteConversation(s.conversation);
        QCOMPARE(store.conversationCount(), 1);
        QCOMPARE(store.listConversations().first().id, keep);
        QCOMPARE(store.deletedConversations().size(), 1);
        QVERIFY(store.search("Lisbon").isEmpty());
        store.restoreConversation(s.conversation);
        QCOMPARE(store.conversationCount(), 2);
        QVERIFY(!store.search("Lisbon").isEmpty());

        store.softDeleteConversation(s.conversation);
        QCOMPARE(store.purgeDeleted(QDateTime::currentDateTimeUtc().addSecs(-3600)), 0);  // too recent
        QCOMPARE(store.purgeDeleted(QDateTime::currentDateTimeUtc().addSecs(1)), 1);
        QVERIFY(!store.conversation(s.conversation).has_value());
        QVERIFY(store.messages(s.conversation).isEmpty());
        QSqlQuery q(store.database());
        QVERIFY(q.exec("SELECT count(*) FROM messages"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 0);
    }

    void hardDeleteCascades() {
        ConversationStore store(dbPath("cascade.sqlite"));
        StoreTest::Sample a = StoreTest::buildSample(store);
        StoreTest::Sample b = StoreTest::buildSample(store);
        store.deleteConversation(a.conversation);
        QVERIFY(store.messages(a.conversation).isEmpty());
        QCOMPARE(store.messages(b.conversation).size(), 8);
        QVERIFY(!store.message(a.porto).has_value());
        // The FTS index followed the cascade: only b's message is found.
        QList<SearchHit> hits = store.search("Porto");
        QVERIFY(!hits.isEmpty());
        for (const SearchHit & h : hits) QCOMPARE(h.conversationId, b.conversation);
    }

    void dataSurvivesReopen() {
        QString path = dbPath("reopen.sqlite");
        StoreTest::Sample s;
        {
            ConversationStore store(path);
            s = StoreTest::buildSample(store);
            store.switchBranch(s.answerA);
        }
        ConversationStore again(path);
        QCOMPARE(again.activePath(s.conversation).last().id, s.answerA);
        QCOMPARE(again.messages(s.conversation).size(), 8);
    }
};

QTEST_GUILESS_MAIN(TestStoreTree)
#include "test_store_tree.moc"
