// The tool loop on the chat's store thread: with another connection holding
// the database's write lock (a long transaction: an import, another
// process), approving a call (which runs the fake MCP server's `add` and
// stores its result), changing the chat's tool choices and opening another
// chat with stored tool choices all return at once, and the GUI thread's
// event loop keeps running (a 10 ms timer ticks). When the lock goes, the
// result is stored under the call and before the answer, the choices land
// beside the ones stored before, and the other chat shows its own choices.
//
// A real ChatController (its StoreWorker, AgentLoop, ToolRegistry) with a
// scripted Qwen3-template model behind its engine bridge (scripted_bridge.h).
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <memory>

#include "agent_controller.h"
#include "chat_controller.h"
#include "chat_feature.h"
#include "core/agent_loop.h"
#include "core/conversation_store.h"
#include "core/tool_choices.h"
#include "scripted_bridge.h"
#include "tools_controller.h"
#include "write_lock.h"

using namespace Hearth;

namespace {

// Counts the GUI thread's timer ticks and the longest gap between two.
struct Ticker {
    QElapsedTimer clock;
    QTimer timer;
    int ticks = 0;
    qint64 last = 0, longestGap = 0;
    Ticker() {
        clock.start();
        QObject::connect(&timer, &QTimer::timeout, [this] {
            ++ticks;
            longestGap = qMax(longestGap, clock.elapsed() - last);
            last = clock.elapsed();
        });
        timer.start(10);
    }
};

}  // namespace

class TestAgentStoreThread : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString dbPath() const { return m_dir.filePath(QStringLiteral("chats.sqlite")); }

    // The picker's row for `name` (-1: not listed).
    static int row(AgentController & agent, const QString & name) {
        ChatToolsModel * picker = agent.chatTools();
        for (int i = 0; i < picker->rowCount(); ++i)
            if (picker->index(i).data(ChatToolsModel::NameRole).toString() == name) return i;
        return -1;
    }
    // The shown chat's first call's state ("" when it has none).
    static QString stateOf(AgentLoop * loop) {
        const QVariantList calls = loop->calls();
        return calls.isEmpty() ? QString() : calls.first().toMap().value("state").toString();
    }
    static bool says(AgentController & agent, const QString & name, ChatToolsModel::Role role) {
        return agent.chatTools()->index(row(agent, name)).data(role).toBool();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QFile tools(m_dir.filePath(QStringLiteral("tools.json")));
        QVERIFY(tools.open(QIODevice::WriteOnly));
        tools.write(R"({"enabled": ["calculator"]})");
        tools.close();
        qputenv("HEARTH_DATA_DIR", m_dir.path().toUtf8());
        qunsetenv("HEARTH_MODEL");
    }

    void toolTurnAndChoicesWhileTheDatabaseIsLocked() {
        // Chat B, made earlier: the calculator off, `add` always allowed.
        qint64 b = 0;
        ToolChoices bChoices;
        bChoices.offered.insert(QStringLiteral("calculator"), false);
        bChoices.always.insert(QStringLiteral("add"));
        {
            ConversationStore store(dbPath());
            Conversation c;
            c.title = QStringLiteral("B");
            b = store.createConversation(c);
            ToolChoiceStore::save(store.database(), b, bChoices);
        }
        ChatFeature app(dbPath(), nullptr);
        ChatController & chat = *app.chat();
        AgentController & agent = *app.agent();
        AgentLoop * loop = agent.agentLoop();
        QVERIFY(loop);
        auto * engine = new ScriptedBridge(app.model());
        const QJsonObject fake{{"command", FAKE_MCP_SERVER}};
        QVERIFY(agent.tools()->save(
            QString::fromUtf8(QJsonDocument(QJsonObject{{"mcpServers", QJsonObject{{"fake", fake}}}}).toJson())));
        QTRY_VERIFY_WITH_TIMEOUT(row(agent, QStringLiteral("add")) >= 0, 30000);

        // Chat A asks; the model calls `add`, which waits for approval.
        engine->outputs = {ScriptedModel::call(QStringLiteral("add"), R"({"a": 2, "b": 3})"),
                           QStringLiteral("2 + 3 = 5.")};
        QVERIFY(chat.send(QStringLiteral("2+3?")));
        QTRY_VERIFY_WITH_TIMEOUT(loop->awaitingApproval(), 10000);
        const qint64 a = chat.currentConversationId();
        const QString call = loop->calls().at(0).toMap().value("key").toString();
        agent.chatTools()->setEnabled(row(agent, QStringLiteral("add")), true);  // A's own choice, stored
        QSignalSpy continued(loop, &AgentLoop::continueRequested);

        StoreTest::WriteLock lock(dbPath());
        QVERIFY(lock.held());
        Ticker ticker;
        // The call runs and its result is stored; A's choices change; chat B opens.
        loop->allowOnce(call);
        // Done, and no notice or error: the results wait on the lock, they are not refused.
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(loop) + loop->notice() + chat.errorMessage(), QStringLiteral("done"), 10000);
        QElapsedTimer clock;
        clock.start();
        agent.chatTools()->setEnabled(row(agent, QStringLiteral("calculator")), false);
        chat.setCurrentConversationId(b);
        QVERIFY2(clock.elapsed() < 100, qPrintable(QString::number(clock.elapsed())));  // none waited
        QVERIFY(loop->busy(a));       // A's results wait on the lock, and A with them
        QVERIFY(!chat.generating());  // B is free
        QTest::qWait(700);
        QCOMPARE(continued.size(), 0);
        QCOMPARE(engine->replies.size(), 1);
        QVERIFY(says(agent, QStringLiteral("calculator"), ChatToolsModel::EnabledRole));  // B's not read yet
        QVERIFY2(ticker.ticks >= 35, qPrintable(QString::number(ticker.ticks)));
        QVERIFY2(ticker.longestGap < 200, qPrintable(QString::number(ticker.longestGap)));

        lock.release();
        // B's choices come in; A's turn ended, its answer waits for A to be opened.
        QTRY_VERIFY(!says(agent, QStringLiteral("calculator"), ChatToolsModel::EnabledRole));
        QVERIFY(says(agent, QStringLiteral("add"), ChatToolsModel::AlwaysAllowedRole));
        QTRY_COMPARE(continued.size(), 1);
        QVERIFY(!loop->busy(a));
        QCOMPARE(engine->replies.size(), 1);
        chat.setCurrentConversationId(a);
        QTRY_COMPARE_WITH_TIMEOUT(engine->replies.size(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!chat.generating(), 10000);

        ConversationStore store(dbPath());
        const QList<Message> path = store.activePath(a);
        QCOMPARE(path.size(), 4);  // user, call, result, answer
        QCOMPARE(path[1].toolCalls.size(), 1);
        QCOMPARE(path[2].role, MessageRole::Tool);
        QCOMPARE(path[2].parentId, path[1].id);
        QCOMPARE(path[2].content, QStringLiteral("5"));
        QCOMPARE(path[3].parentId, path[2].id);
        QCOMPARE(path[3].content, QStringLiteral("2 + 3 = 5."));
        QVERIFY(engine->prompts[1].find("<tool_response>\n5\n</tool_response>") != std::string::npos);
        // Both of A's choices, the one made under the lock included; B's as they were.
        const ToolChoices aChoices = ToolChoiceStore::load(store.database(), a);
        QCOMPARE(aChoices.offered.value(QStringLiteral("add")), true);
        QCOMPARE(aChoices.offered.value(QStringLiteral("calculator"), true), false);
        QCOMPARE(ToolChoiceStore::load(store.database(), b), bChoices);
    }
};

QTEST_GUILESS_MAIN(TestAgentStoreThread)
#include "test_agent_store_thread.moc"
