// The chat view's branch loads (ConversationStore::activeBranch/branchAbove):
// the active path with each message's sibling figures in one query, the
// newest N of a long chat, and the older ones above a message.
#include <QTemporaryDir>
#include <QtTest>

#include "core/conversation_store.h"
#include "store_test_util.h"

using namespace Hearth;
using StoreTest::ids;

namespace {

QList<qint64> branchIds(const QList<BranchMessage> & rows) {
    QList<qint64> out;
    for (const BranchMessage & r : rows) out.append(r.message.id);
    return out;
}

// A linear chat of `n` messages (user and assistant alternating); returns their ids.
QList<qint64> buildLongChat(ConversationStore & store, qint64 conversation, int n) {
    QList<qint64> out;
    qint64 parent = 0;
    for (int i = 0; i < n; ++i) {
        const MessageRole role = i % 2 ? MessageRole::Assistant : MessageRole::User;
        parent =
            store.appendMessage(conversation, parent, StoreTest::message(role, QStringLiteral("turn %1").arg(i), i));
        out.append(parent);
    }
    return out;
}

}  // namespace

class TestStoreBranch : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString dbPath(const char * name) { return m_dir.filePath(QString::fromLatin1(name)); }

private slots:
    void activeBranchIsThePathWithSiblingFigures() {
        ConversationStore store(dbPath("branch.sqlite"));
        const StoreTest::Sample s = StoreTest::buildSample(store);
        const QList<BranchMessage> rows = store.activeBranch(s.conversation);
        QCOMPARE(branchIds(rows), ids(store.activePath(s.conversation)));
        // Every row's figures agree with siblings(), the per-row query the view used before.
        for (const BranchMessage & r : rows) {
            const QList<qint64> sib = ids(store.siblings(r.message.id));
            QCOMPARE(r.siblingCount, int(sib.size()));
            QCOMPARE(r.siblingIndex, int(sib.indexOf(r.message.id)));
            QCOMPARE(r.message.content, store.message(r.message.id)->content);
        }
        QCOMPARE(rows[3].message.id, s.answerB);
        QCOMPARE(rows[3].siblingIndex, 1);
        QCOMPARE(rows[3].siblingCount, 2);
        QCOMPARE(rows[4].message.id, s.askPorto);
        QCOMPARE(rows[4].siblingIndex, 1);
        // Whole records come back, not only ids.
        QCOMPARE(rows[1].message.toolCalls.size(), 1);
        QCOMPARE(rows[1].message.stats.thinkingMs, 12400.0);

        // Another branch: the figures follow.
        store.switchBranch(s.answerA);
        const QList<BranchMessage> other = store.activeBranch(s.conversation);
        QCOMPARE(branchIds(other), (QList<qint64>{s.user1, s.call, s.toolResult, s.answerA}));
        QCOMPARE(other.last().siblingIndex, 0);
        QCOMPARE(other.last().siblingCount, 2);
    }

    void rootsAreSiblingsOfEachOther() {
        ConversationStore store(dbPath("roots.sqlite"));
        const StoreTest::Sample s = StoreTest::buildSample(store);
        const qint64 edited = store.editMessage(s.user1, QStringLiteral("What's the weather in Porto?"));
        const QList<BranchMessage> rows = store.activeBranch(s.conversation);
        QCOMPARE(branchIds(rows), QList<qint64>{edited});
        QCOMPARE(rows.first().siblingIndex, 1);
        QCOMPARE(rows.first().siblingCount, 2);
        // A root of another conversation is not a sibling.
        Conversation c;
        c.title = QStringLiteral("other");
        const qint64 other = store.createConversation(c);
        store.appendMessage(other, 0, StoreTest::message(MessageRole::User, QStringLiteral("hi"), 2));
        QCOMPARE(store.activeBranch(s.conversation).first().siblingCount, 2);
        QCOMPARE(store.activeBranch(other).first().siblingCount, 1);
    }

    void newestWindowAndOlderPages() {
        ConversationStore store(dbPath("long.sqlite"));
        Conversation c;
        c.title = QStringLiteral("long");
        const qint64 conv = store.createConversation(c);
        const QList<qint64> all = buildLongChat(store, conv, 2000);

        QCOMPARE(branchIds(store.activeBranch(conv)), all);  // no limit: the whole path, no recursion cap
        const QList<BranchMessage> newest = store.activeBranch(conv, 150);
        QCOMPARE(branchIds(newest), all.mid(1850));
        // The page above the oldest loaded message continues where the window ends.
        const QList<BranchMessage> older = store.branchAbove(newest.first().message.id, 150);
        QCOMPARE(branchIds(older), all.mid(1700, 150));
        // Near the root the page is short, and above the root there is nothing.
        QCOMPARE(branchIds(store.branchAbove(all[3], 150)), all.mid(0, 3));
        QVERIFY(store.branchAbove(all[0], 150).isEmpty());
        // A reload after two new turns goes up only to the oldest message a view shows.
        const qint64 q = store.appendMessage(conv, all.last(), StoreTest::message(MessageRole::User, "more?", 3000));
        const qint64 a = store.appendMessage(conv, q, StoreTest::message(MessageRole::Assistant, "yes", 3001));
        const QList<qint64> expected = all.mid(1850) + QList<qint64>{q, a};
        QCOMPARE(branchIds(store.activeBranch(conv, 1000, all[1850])), expected);
        // Not on the path (another branch): the limit applies.
        QCOMPARE(store.activeBranch(conv, 10, all[1850] + 100000).size(), 10);
        QVERIFY(store.activeBranch(conv + 999).isEmpty());  // unknown conversation: empty, no throw
    }

    void emptyConversationHasNoBranch() {
        ConversationStore store(dbPath("empty.sqlite"));
        Conversation c;
        c.title = QStringLiteral("empty");
        QVERIFY(store.activeBranch(store.createConversation(c)).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStoreBranch)
#include "test_store_branch.moc"
