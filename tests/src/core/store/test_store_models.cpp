// The QML-facing list models over a real store, each watched by
// QAbstractItemModelTester (fatal on any model contract violation): the
// conversation list (order, rename, pin, delete with undo) and the message
// list (active path, sibling switching, streaming text updates).
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "age_text.h"
#include "conversation_list_model.h"
#include "core/conversation_store.h"
#include "message_list_model.h"
#include "store_test_util.h"

using namespace Hearth;

class TestStoreModels : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void conversationList() {
        ConversationStore store(m_dir.filePath("list.sqlite"));
        StoreTest::Sample s = StoreTest::buildSample(store);
        ConversationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setStore(&store);
        QCOMPARE(model.rowCount(), 1);
        QModelIndex first = model.index(0);
        QCOMPARE(model.data(first, ConversationListModel::IdRole).toLongLong(), s.conversation);
        QCOMPARE(model.data(first, ConversationListModel::TitleRole).toString(), QString("Weather in Lisbon"));
        QCOMPARE(model.data(first, ConversationListModel::ModelRole).toString(), QString("qwen3-0.6b-q8_0.gguf"));
        QCOMPARE(model.data(first, ConversationListModel::UpdatedAtRole).toDateTime(), StoreTest::at(45));
        QCOMPARE(model.roleNames().value(ConversationListModel::PinnedRole), QByteArray("pinned"));

        qint64 fresh = model.create(QStringLiteral("New chat"));
        QVERIFY(fresh > 0);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(fresh), 0);  // newest first
        QVERIFY(model.setPinned(s.conversation, true));
        QCOMPARE(model.rowOf(s.conversation), 0);  // pinned first
        QVERIFY(model.data(model.index(0), ConversationListModel::PinnedRole).toBool());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(model.rename(fresh, QStringLiteral("Renamed")));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.data(model.index(model.rowOf(fresh)), ConversationListModel::TitleRole).toString(),
                 QString("Renamed"));

        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QVERIFY(model.remove(s.conversation));
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(model.restore(s.conversation));  // undo
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(model.remove(fresh));
        QCOMPARE(model.purgeDeleted(), 1);
        QVERIFY(!store.conversation(fresh).has_value());

        QSignalSpy errors(&model, &ConversationListModel::errorOccurred);
        QVERIFY(!model.rename(987654, "x"));
        QCOMPARE(errors.count(), 1);
    }

    void sidebarAgesAndTheirRefresh() {
        const QDateTime now = QDateTime::fromString(QStringLiteral("2026-12-07T12:00:00Z"), Qt::ISODate);
        QCOMPARE(ageText(now.addSecs(-30), now), QStringLiteral("now"));
        QCOMPARE(ageText(now.addSecs(-5 * 60), now), QStringLiteral("5 min"));
        QCOMPARE(ageText(now.addSecs(-3 * 3600 - 10), now), QStringLiteral("3 h"));
        QCOMPARE(ageText(now.addDays(-2), now), QStringLiteral("2 d"));
        QVERIFY(ageText(now.addDays(-30), now).contains(QStringLiteral("Nov")));
        ConversationStore store(m_dir.filePath(QStringLiteral("ages.sqlite")));
        StoreTest::buildSample(store);
        ConversationListModel model;
        model.setStore(&store);
        QVERIFY(!model.data(model.index(0), ConversationListModel::AgeTextRole).toString().isEmpty());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.refreshAges();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(2).value<QList<int>>(), QList<int>{ConversationListModel::AgeTextRole});
    }

    void messageListFollowsBranches() {
        ConversationStore store(m_dir.filePath("messages.sqlite"));
        StoreTest::Sample s = StoreTest::buildSample(store);
        MessageListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setStore(&store);
        QCOMPARE(model.rowCount(), 0);
        model.setConversationId(s.conversation);
        QCOMPARE(model.rowCount(), 6);
        auto value = [&](int row, MessageListModel::Role role) { return model.data(model.index(row), role); };
        QCOMPARE(value(0, MessageListModel::RoleRole).value<MessageRole>(), MessageRole::User);
        QCOMPARE(value(1, MessageListModel::ToolCallsRole).toString(),
                 QString(R"([{"arguments":{"city":"Lisbon"},"id":"call_1","name":"get_weather"}])"));
        QCOMPARE(value(2, MessageListModel::RoleRole).value<MessageRole>(), MessageRole::Tool);
        QCOMPARE(value(3, MessageListModel::IdRole).toLongLong(), s.answerB);
        QCOMPARE(value(3, MessageListModel::SiblingIndexRole).toInt(), 1);
        QCOMPARE(value(3, MessageListModel::SiblingCountRole).toInt(), 2);
        QCOMPARE(value(0, MessageListModel::SiblingCountRole).toInt(), 1);
        QCOMPARE(value(5, MessageListModel::ReasoningRole).toString(), QString("No forecast tool is available."));
        QCOMPARE(value(5, MessageListModel::TokensPerSecondRole).toDouble(), 31.25);
        QCOMPARE(value(5, MessageListModel::StateRole).value<MessageState>(), MessageState::Complete);

        // "<" on the second answer: the first answer, which ends the path.
        QVERIFY(model.selectSibling(3, -1));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(value(3, MessageListModel::IdRole).toLongLong(), s.answerA);
        QCOMPARE(value(3, MessageListModel::SiblingIndexRole).toInt(), 0);
        QVERIFY(!model.selectSibling(3, -1));  // no branch before the first
        QVERIFY(model.selectSibling(3, +1));
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(value(5, MessageListModel::IdRole).toLongLong(), s.porto);

        // A streaming reply: its row's text changes in place.
        qint64 reply = store.regenerate(s.porto, GenerationInfo{});
        model.reload();
        QCOMPARE(value(5, MessageListModel::StateRole).value<MessageState>(), MessageState::Streaming);
        QCOMPARE(value(5, MessageListModel::SiblingCountRole).toInt(), 2);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setStreamingText(reply, QStringLiteral("Porto will"), QStringLiteral("think"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 5);
        QCOMPARE(value(5, MessageListModel::ContentRole).toString(), QString("Porto will"));
        model.setStreamingText(987654, "ignored", "");  // not shown: no change
        QCOMPARE(changed.count(), 1);

        model.setConversationId(0);
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestStoreModels)
#include "test_store_models.moc"
