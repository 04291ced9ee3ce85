// The agent loop end to end with a scripted engine (scripted_engine.h): a
// Qwen3 template renders the chat's tools and the tool results, the Hermes
// parser turns the scripted output into calls, and the loop asks, runs,
// stores and continues. Covers approve, deny (with a reason), always-allow,
// a failing and a throwing tool, a timeout, two parallel calls, the step
// limit, stop during a run, an unknown tool, reload and export, and a stdio
// MCP server (tests/src/mcp/fake_mcp_server) whose `add` runs after approval and
// whose crash becomes a result.
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

#include "core/agent_loop.h"
#include "core/conversation_store.h"
#include "core/json_exporter.h"
#include "core/markdown_exporter.h"
#include "core/store_worker.h"
#include "core/tool_choices.h"
#include "core/tool_registry.h"
#include "mcp/server_config.h"
#include "scripted_engine.h"
#include "test_tools.h"
#include "tools/calculator_tool.h"
#include "tools/datetime_tool.h"

using namespace Hearth;

namespace {

QString stateOf(const QVariant & call) {
    return call.toMap().value("state").toString();
}

}  // namespace

class TestAgentLoop : public QObject {
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ConversationStore> m_store;  // the test's (and the scripted engine's) connection
    std::unique_ptr<StoreWorker> m_worker;       // the loop's
    std::unique_ptr<ToolRegistry> m_registry;
    std::unique_ptr<AgentLoop> m_loop;
    std::unique_ptr<ScriptedEngine> m_engine;
    std::shared_ptr<SleepTool> m_sleep;
    std::shared_ptr<SleepTool> m_stubborn;
    qint64 m_chat = 0;

    QString dbPath() const { return m_dir->filePath(QStringLiteral("chats.sqlite")); }

    // Tool messages of the active path, in order (after the loop's queued writes).
    QList<Message> toolMessages() const {
        m_worker->drain();
        QList<Message> out;
        for (const Message & m : m_store->activePath(m_chat))
            if (m.role == MessageRole::Tool) out << m;
        return out;
    }
    QString statusOf(const Message & tool) const {
        return tool.toolResults.first().toObject().value("status").toString();
    }
    void waitIdle(int replies) {
        QTRY_VERIFY_WITH_TIMEOUT(!m_loop->active() && m_engine->replies.size() == replies, 10000);
        QTest::qWait(20);  // a queued continuation would arrive now
        QCOMPARE(m_engine->replies.size(), replies);
        m_worker->drain();  // the loop's writes (a stopped turn's results) are in
    }
    // The loop on a fresh StoreWorker (as after a restart), showing m_chat.
    void makeLoop() {
        m_worker = std::make_unique<StoreWorker>(dbPath());
        QVERIFY(m_worker->isOpen());
        m_loop = std::make_unique<AgentLoop>(m_worker.get(), m_registry.get());
        m_engine = std::make_unique<ScriptedEngine>(m_store.get(), m_loop.get());
        m_loop->showConversation(m_chat);
    }
    QString key(int i) const { return m_loop->calls().at(i).toMap().value("key").toString(); }

private slots:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_store = std::make_unique<ConversationStore>(dbPath());
        m_registry = std::make_unique<ToolRegistry>();
        m_sleep = std::make_shared<SleepTool>();
        m_stubborn = std::make_shared<SleepTool>(true);
        m_registry->setBuiltins({std::make_shared<Tools::CalculatorTool>(), std::make_shared<Tools::DateTimeTool>(),
                                 std::make_shared<FailingTool>(), std::make_shared<ThrowingTool>(), m_sleep,
                                 m_stubborn});
        m_registry->setEnabledBuiltins({"calculator", "broken", "throws", "sleep", "stubborn_sleep"});
        Conversation c;
        c.title = QStringLiteral("tools");
        m_chat = m_store->createConversation(c);
        makeLoop();
    }
    void cleanup() {
        m_engine.reset();
        m_loop.reset();
        m_worker.reset();
        m_registry.reset();
        m_store.reset();
        m_dir.reset();
    }

    void toolsGoIntoTheTemplate() {
        m_engine->say(m_chat, QStringLiteral("hi"));
        const std::string & prompt = m_engine->prompts.at(0);
        QVERIFY(prompt.find("<tools>") != std::string::npos);
        QVERIFY(prompt.find("\"calculator\"") != std::string::npos);
        QVERIFY(prompt.find("\"expression\"") != std::string::npos);
        // Off by default, and a tool the chat turned off, are not offered.
        QVERIFY(prompt.find("current_datetime") == std::string::npos);
        m_loop->setToolEnabled(m_chat, QStringLiteral("calculator"), false);
        m_engine->say(m_chat, QStringLiteral("again"));
        QVERIFY(m_engine->prompts.at(1).find("\"calculator\"") == std::string::npos);
        QVERIFY(m_engine->prompts.at(1).find("\"sleep\"") != std::string::npos);
    }

    void allowOnceRunsAndContinues() {
        m_engine->outputs = {QStringLiteral("<think>I should add.</think>") +
                                 ScriptedEngine::call("calculator", R"({"expression": "2+3*4"})"),
                             QStringLiteral("The answer is 14.")};
        QSignalSpy continued(m_loop.get(), &AgentLoop::continueRequested);
        m_engine->say(m_chat, QStringLiteral("What is 2+3*4?"));
        QVERIFY(m_loop->awaitingApproval());
        QCOMPARE(m_loop->calls().size(), 1);
        const QVariantMap card = m_loop->calls().at(0).toMap();
        QCOMPARE(card.value("name").toString(), QStringLiteral("calculator"));
        QCOMPARE(card.value("arguments").toString(), QStringLiteral("{\n    \"expression\": \"2+3*4\"\n}"));
        QTest::qWait(50);
        QCOMPARE(m_engine->replies.size(), 1);  // nothing runs without approval
        m_loop->allowOnce(card.value("key").toString());
        waitIdle(2);
        QCOMPARE(continued.size(), 1);

        const QList<Message> path = m_store->activePath(m_chat);
        QCOMPARE(path.size(), 4);  // user, call, tool, answer
        const Message &call = path[1], &tool = path[2];
        QCOMPARE(tool.role, MessageRole::Tool);
        QCOMPARE(tool.parentId, call.id);
        QCOMPARE(tool.content, QStringLiteral("14"));
        const QJsonObject r = tool.toolResults.first().toObject();
        QCOMPARE(r.value("call_id").toString(), call.toolCalls.first().toObject().value("id").toString());
        QCOMPARE(r.value("status").toString(), QStringLiteral("done"));
        QCOMPARE(path[3].content, QStringLiteral("The answer is 14."));
        // The next prompt has the call, its result and (same turn) the reasoning.
        const std::string & next = m_engine->prompts.at(1);
        QVERIFY(next.find("<tool_response>\n14\n</tool_response>") != std::string::npos);
        QVERIFY(next.find("\"expression\": \"2+3*4\"") != std::string::npos ||
                next.find("\"expression\":\"2+3*4\"") != std::string::npos);
        QVERIFY(next.find("I should add.") != std::string::npos);
        // A second "allow" for the same tool still asks: it was allowed once.
        m_engine->outputs = {ScriptedEngine::call("calculator", R"({"expression": "1"})")};
        m_engine->say(m_chat, QStringLiteral("again"));
        QVERIFY(m_loop->awaitingApproval());
        m_loop->stop();
    }

    void denyWithReasonIsAResult() {
        m_engine->outputs = {ScriptedEngine::call("calculator", R"({"expression": "6*7"})"),
                             QStringLiteral("Fine, I will not.")};
        m_engine->say(m_chat, QStringLiteral("compute"));
        m_loop->deny(key(0), QStringLiteral("do it in your head"));
        waitIdle(2);
        const QList<Message> tools = toolMessages();
        QCOMPARE(tools.size(), 1);
        QCOMPARE(statusOf(tools[0]), QStringLiteral("denied"));
        QVERIFY(tools[0].content.startsWith(QStringLiteral("Error: The user denied this call.")));
        QVERIFY(tools[0].content.contains(QStringLiteral("do it in your head")));
        QVERIFY(m_engine->prompts.at(1).find("do it in your head") != std::string::npos);
    }

    void alwaysAllowHoldsForTheChat() {
        m_engine->outputs = {ScriptedEngine::call("calculator", R"({"expression": "1+1"})"),
                             ScriptedEngine::call("calculator", R"({"expression": "2+2"})"), QStringLiteral("4")};
        m_engine->say(m_chat, QStringLiteral("go"));
        m_loop->alwaysAllow(key(0));
        waitIdle(3);  // the second call ran without asking
        const QList<Message> tools = toolMessages();
        QCOMPARE(tools.size(), 2);
        QCOMPARE(tools[1].content, QStringLiteral("4"));
        QVERIFY(m_loop->alwaysAllowed(m_chat, QStringLiteral("calculator")));
        // Another chat asks again.
        Conversation other;
        other.title = QStringLiteral("other");
        const qint64 chat2 = m_store->createConversation(other);
        QVERIFY(!m_loop->alwaysAllowed(chat2, QStringLiteral("calculator")));
        m_engine->outputs = {ScriptedEngine::call("calculator", R"({"expression": "3"})")};
        m_engine->say(chat2, QStringLiteral("go"));
        QVERIFY(!m_loop->active());  // the shown chat has no turn; chat 2 has
        QVERIFY(m_loop->busy(chat2));
        m_loop->showConversation(chat2);
        QVERIFY(m_loop->awaitingApproval());
        m_loop->stop();
    }

    void choicesAreKeptWithTheChat() {
        m_loop->setToolEnabled(m_chat, QStringLiteral("calculator"), false);
        m_engine->outputs = {ScriptedEngine::call("sleep", R"({"ms": 1})"), QStringLiteral("ok")};
        m_engine->say(m_chat, QStringLiteral("go"));
        m_loop->alwaysAllow(key(0));
        waitIdle(2);
        // Reopened on another connection (an app restart): the same choices.
        m_engine.reset();
        m_loop.reset();
        m_worker.reset();
        m_store.reset();
        m_store = std::make_unique<ConversationStore>(dbPath());
        makeLoop();
        QVERIFY(m_loop->toolEnabled(m_chat, QStringLiteral("calculator")));  // the default until read
        QSignalSpy read(m_loop.get(), &AgentLoop::toolChoicesChanged);
        m_loop->loadChoices(m_chat);  // opening the chat reads them on the store thread
        QTRY_COMPARE(read.size(), 1);
        QCOMPARE(read.at(0).at(0).toLongLong(), m_chat);
        QVERIFY(!m_loop->toolEnabled(m_chat, QStringLiteral("calculator")));
        QVERIFY(m_loop->alwaysAllowed(m_chat, QStringLiteral("sleep")));
        QVERIFY(!QJsonDocument(m_loop->templateToolsFor(m_chat)).toJson().contains("\"calculator\""));
        m_engine->outputs = {ScriptedEngine::call("sleep", R"({"ms": 1})"), QStringLiteral("again")};
        m_engine->say(m_chat, QStringLiteral("go on"));
        waitIdle(2);  // ran without asking

        // Another chat has its own choices, from the app-wide default; its own choice wins over the default.
        Conversation other;
        other.title = QStringLiteral("other");
        const qint64 chat2 = m_store->createConversation(other);
        QVERIFY(m_loop->toolEnabled(chat2, QStringLiteral("calculator")));
        QVERIFY(!m_loop->alwaysAllowed(chat2, QStringLiteral("sleep")));
        m_loop->setDefaultOff({QStringLiteral("calculator"), QStringLiteral("sleep")});
        QVERIFY(!m_loop->toolEnabled(chat2, QStringLiteral("calculator")));
        m_loop->setToolEnabled(chat2, QStringLiteral("sleep"), true);
        QVERIFY(m_loop->toolEnabled(chat2, QStringLiteral("sleep")));
        QCOMPARE(m_loop->toolsOff(chat2), QSet<QString>{QStringLiteral("calculator")});

        // The draft's choices go to the conversation it becomes; the next draft starts afresh.
        m_loop->setToolEnabled(0, QStringLiteral("calculator"), true);
        const qint64 chat3 = m_store->createConversation(other);
        m_loop->adoptDraftChoices(chat3);
        QVERIFY(m_loop->toolEnabled(chat3, QStringLiteral("calculator")));
        QVERIFY(!m_loop->toolEnabled(0, QStringLiteral("calculator")));
        m_worker->drain();
        QCOMPARE(ToolChoiceStore::load(m_store->database(), chat3).offered.value(QStringLiteral("calculator")), true);

        // Deleting the conversation deletes its choices.
        m_store->deleteConversation(m_chat);
        QCOMPARE(ToolChoiceStore::load(m_store->database(), m_chat), ToolChoices{});
    }

    void aChangeBeforeTheReadKeepsTheStoredChoices() {
        ToolChoices stored;
        stored.offered.insert(QStringLiteral("calculator"), false);
        stored.always.insert(QStringLiteral("sleep"));
        ToolChoiceStore::save(m_store->database(), m_chat, stored);
        // Checked in the picker before the chat's rows were read: the change is
        // made to the stored rows on the store thread, the rest stays.
        m_loop->setAlwaysAllowed(m_chat, QStringLiteral("broken"), true);
        QVERIFY(m_loop->alwaysAllowed(m_chat, QStringLiteral("broken")));  // at once
        m_loop->loadChoices(m_chat);  // the cache has it: the change's answer brings the rows
        QTRY_VERIFY(!m_loop->toolEnabled(m_chat, QStringLiteral("calculator")));
        QVERIFY(m_loop->alwaysAllowed(m_chat, QStringLiteral("sleep")));
        QVERIFY(m_loop->alwaysAllowed(m_chat, QStringLiteral("broken")));
        m_worker->drain();
        stored.always.insert(QStringLiteral("broken"));
        QCOMPARE(ToolChoiceStore::load(m_store->database(), m_chat), stored);
    }

    void turnsArePerChat() {
        // Chat A's call waits for approval while chat B asks for its own.
        Conversation other;
        other.title = QStringLiteral("B");
        const qint64 chatB = m_store->createConversation(other);
        m_engine->outputs = {ScriptedEngine::call("calculator", R"({"expression": "6*7"})"),
                             ScriptedEngine::call("calculator", R"({"expression": "1+2"})"), QStringLiteral("B: 3."),
                             QStringLiteral("A: 42.")};
        m_engine->say(m_chat, QStringLiteral("A"));
        const QString keyA = key(0);
        m_engine->say(chatB, QStringLiteral("B"));
        QVERIFY(m_loop->busy(m_chat) && m_loop->busy(chatB));
        QCOMPARE(m_loop->calls().size(), 1);  // A's card: A is shown
        QCOMPARE(key(0), keyA);
        m_loop->showConversation(chatB);
        QCOMPARE(m_loop->calls().size(), 1);
        QVERIFY(key(0) != keyA);
        QCOMPARE(m_loop->conversationId(), chatB);
        // B's goes on; A still waits.
        m_loop->allowOnce(key(0));
        QTRY_VERIFY_WITH_TIMEOUT(!m_loop->busy(chatB) && m_engine->replies.size() == 3, 10000);
        QVERIFY(m_loop->busy(m_chat));
        QVERIFY(!m_loop->active());
        m_loop->showConversation(m_chat);
        QVERIFY(m_loop->awaitingApproval());
        QCOMPARE(key(0), keyA);
        // Stop acts on the shown chat only; Allow on A's card wherever it is.
        m_loop->showConversation(chatB);
        m_loop->stop();
        QVERIFY(m_loop->busy(m_chat));
        m_loop->allowOnce(keyA);
        QTRY_VERIFY_WITH_TIMEOUT(!m_loop->busy(m_chat) && m_engine->replies.size() == 4, 10000);
        QList<Message> a = m_store->activePath(m_chat), b = m_store->activePath(chatB);
        QCOMPARE(a.size(), 4);
        QCOMPARE(a[2].content, QStringLiteral("42"));
        QCOMPARE(a[2].parentId, a[1].id);
        QCOMPARE(a[3].content, QStringLiteral("A: 42."));
        QCOMPARE(b.size(), 4);
        QCOMPARE(b[2].content, QStringLiteral("3"));
        QCOMPARE(b[3].content, QStringLiteral("B: 3."));
    }

    void failuresAreResults() {
        m_engine->outputs = {ScriptedEngine::call("broken", "{}"), ScriptedEngine::call("throws", "{}"),
                             QStringLiteral("Both failed.")};
        m_engine->say(m_chat, QStringLiteral("try"));
        m_loop->allowOnce(key(0));
        QTRY_VERIFY_WITH_TIMEOUT(m_engine->replies.size() == 2 && m_loop->awaitingApproval(), 5000);
        m_loop->allowOnce(key(0));
        waitIdle(3);
        const QList<Message> tools = toolMessages();
        QCOMPARE(tools.size(), 2);
        QCOMPARE(statusOf(tools[0]), QStringLiteral("failed"));
        QCOMPARE(tools[0].content, QStringLiteral("Error: disk on fire"));
        QCOMPARE(statusOf(tools[1]), QStringLiteral("failed"));
        QVERIFY(tools[1].content.contains(QStringLiteral("unexpected state")));
        QVERIFY(m_engine->prompts.at(2).find("disk on fire") != std::string::npos);
    }

    void unknownToolNeedsNoApproval() {
        m_engine->outputs = {ScriptedEngine::call("rm_rf", R"({"path": "/"})"), QStringLiteral("Sorry.")};
        m_engine->say(m_chat, QStringLiteral("clean up"));
        waitIdle(2);
        QVERIFY(toolMessages().at(0).content.contains(QStringLiteral("no tool named \"rm_rf\"")));
    }

    void timeoutIsAResult() {
        m_loop->setTimeoutMs(300);
        m_engine->outputs = {ScriptedEngine::call("stubborn_sleep", R"({"ms": 3000})"), QStringLiteral("Too slow.")};
        QElapsedTimer clock;
        clock.start();
        m_engine->say(m_chat, QStringLiteral("wait"));
        m_loop->allowOnce(key(0));
        waitIdle(2);
        QVERIFY2(clock.elapsed() < 2500, "the loop waited for the tool past its timeout");
        const Message tool = toolMessages().at(0);
        QCOMPARE(statusOf(tool), QStringLiteral("timeout"));
        QVERIFY(tool.content.contains(QStringLiteral("did not answer within 0.3 s")));
    }

    void parallelCallsTogetherOrOneByOne() {
        m_engine->outputs = {ScriptedEngine::call("calculator", R"({"expression": "10/4"})") + "\n" +
                                 ScriptedEngine::call("sleep", R"({"ms": 50})"),
                             QStringLiteral("Done both.")};
        m_engine->say(m_chat, QStringLiteral("two things"));
        QCOMPARE(m_loop->calls().size(), 2);
        QCOMPARE(m_loop->calls().at(1).toMap().value("name").toString(), QStringLiteral("sleep"));
        m_loop->allowOnce(key(0));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(m_loop->calls().at(0)), QStringLiteral("done"), 5000);
        QCOMPARE(stateOf(m_loop->calls().at(1)), QStringLiteral("awaiting"));
        QCOMPARE(m_engine->replies.size(), 1);  // the turn waits for the second call
        m_loop->deny(key(1));
        waitIdle(2);
        const QList<Message> tools = toolMessages();
        QCOMPARE(tools.size(), 2);
        QCOMPARE(tools[0].content, QStringLiteral("2.5"));
        QCOMPARE(statusOf(tools[1]), QStringLiteral("denied"));
        QCOMPARE(tools[1].parentId, tools[0].id);  // chained in the model's order
        const std::string & next = m_engine->prompts.at(1);
        QVERIFY(next.find("2.5") != std::string::npos && next.find("denied") != std::string::npos);

        // All at once.
        m_engine->outputs = {ScriptedEngine::call("calculator", R"({"expression": "1+1"})") +
                                 ScriptedEngine::call("calculator", R"({"expression": "2+1"})"),
                             QStringLiteral("ok")};
        m_engine->say(m_chat, QStringLiteral("more"));
        QCOMPARE(m_loop->calls().size(), 2);
        m_loop->allowAll();
        waitIdle(4);
        const QList<Message> later = toolMessages();
        QCOMPARE(later.size(), 4);
        QCOMPARE(later[2].content, QStringLiteral("2"));
        QCOMPARE(later[3].content, QStringLiteral("3"));
    }

    void stepLimitStopsAndSaysSo() {
        m_loop->setStepLimit(2);
        for (int i = 0; i < 6; ++i)
            m_engine->outputs << ScriptedEngine::call("calculator", QStringLiteral(R"({"expression": "%1"})").arg(i));
        QSignalSpy stopped(m_loop.get(), &AgentLoop::stopped);
        m_engine->say(m_chat, QStringLiteral("loop forever"));
        m_loop->alwaysAllow(key(0));
        waitIdle(3);
        QCOMPARE(stopped.size(), 1);
        QVERIFY(m_loop->notice().contains(QStringLiteral("limit is 2")));
        const QList<Message> tools = toolMessages();
        QCOMPARE(tools.size(), 3);
        QCOMPARE(statusOf(tools[2]), QStringLiteral("not_run"));
        QVERIFY(tools[2].content.contains(QStringLiteral("step limit")));
        // A new user message starts counting again.
        m_loop->clearNotice();
        m_engine->outputs = {ScriptedEngine::call("calculator", R"({"expression": "7"})"), QStringLiteral("7")};
        m_engine->say(m_chat, QStringLiteral("once more"));
        waitIdle(5);
        QCOMPARE(toolMessages().last().content, QStringLiteral("7"));
    }

    void stopDuringARun() {
        m_engine->outputs = {ScriptedEngine::call("sleep", R"({"ms": 5000})") +
                                 ScriptedEngine::call("calculator", R"({"expression": "1"})"),
                             QStringLiteral("never")};
        QSignalSpy stopped(m_loop.get(), &AgentLoop::stopped);
        m_engine->say(m_chat, QStringLiteral("sleep"));
        m_loop->allowOnce(key(0));
        QTRY_VERIFY_WITH_TIMEOUT(m_sleep->started == 1, 5000);
        QCOMPARE(stateOf(m_loop->calls().at(0)), QStringLiteral("running"));
        QElapsedTimer clock;
        clock.start();
        m_loop->stop();
        QVERIFY(!m_loop->active());
        QVERIFY(clock.elapsed() < 1000);
        QCOMPARE(stopped.size(), 1);
        QTest::qWait(100);
        QCOMPARE(m_engine->replies.size(), 1);                          // no continuation
        QTRY_COMPARE_WITH_TIMEOUT(m_sleep->sawCancel.load(), 1, 2000);  // the tool was told
        const QList<Message> tools = toolMessages();
        QCOMPARE(tools.size(), 2);
        QCOMPARE(statusOf(tools[0]), QStringLiteral("cancelled"));
        QCOMPARE(statusOf(tools[1]), QStringLiteral("cancelled"));
    }

    void cancelOneCall() {
        m_engine->outputs = {ScriptedEngine::call("sleep", R"({"ms": 5000})"), QStringLiteral("ok")};
        m_engine->say(m_chat, QStringLiteral("sleep"));
        m_loop->allowOnce(key(0));
        QTRY_VERIFY_WITH_TIMEOUT(m_sleep->started == 1, 5000);
        m_loop->cancel(key(0));
        waitIdle(2);  // a cancelled call is a result; the model goes on
        QCOMPARE(statusOf(toolMessages().at(0)), QStringLiteral("cancelled"));
    }

    void reloadAndExportKeepTheResults() {
        m_engine->outputs = {ScriptedEngine::call("calculator", R"({"expression": "9*9"})"), QStringLiteral("81.")};
        m_engine->say(m_chat, QStringLiteral("9*9?"));
        m_loop->allowOnce(key(0));
        waitIdle(2);
        m_engine.reset();
        m_loop.reset();
        m_store.reset();
        ConversationStore reopened(dbPath());
        const ConversationTree tree = reopened.tree(m_chat);
        QCOMPARE(tree.messages.size(), 4);
        const Message & tool = tree.messages[2];
        QCOMPARE(tool.role, MessageRole::Tool);
        QCOMPARE(tool.toolResults.first().toObject().value("result").toObject().value("isError").toBool(true), false);
        const QString md = MarkdownExporter::render(tree);
        QVERIFY(md.contains(QStringLiteral("<details><summary>Result of <code>calculator</code></summary>")));
        QVERIFY(md.contains(QStringLiteral("```text\n81\n```")));
        QVERIFY(md.indexOf(QStringLiteral("\"9*9\"")) < md.indexOf(QStringLiteral("Result of")));
        // JSON export and import keep the tool message and its link.
        const QJsonObject json = JsonExporter::conversationToJson(tree);
        QVERIFY(QJsonDocument(json).toJson().contains("\"call_id\""));
    }

    void mcpServerToolAfterApproval() {
        Mcp::ServerConfig server;
        server.name = QStringLiteral("fake").toStdString();
        server.command = FAKE_MCP_SERVER;
        m_registry->setServers({server});
        QTRY_VERIFY_WITH_TIMEOUT(m_registry->find(QStringLiteral("add")).has_value(), 20000);
        QCOMPARE(m_registry->find(QStringLiteral("add"))->source, QStringLiteral("fake"));
        m_engine->outputs = {ScriptedEngine::call("add", R"({"a": 2, "b": 3})"), QStringLiteral("2 + 3 = 5."),
                             ScriptedEngine::call("exit", R"({"code": 3})"), QStringLiteral("The server died.")};
        m_engine->say(m_chat, QStringLiteral("Add 2 and 3 with the tool."));
        QVERIFY(m_engine->prompts.at(0).find("\"add\"") != std::string::npos);
        QVERIFY(m_loop->awaitingApproval());
        m_loop->allowOnce(key(0));
        waitIdle(2);
        QCOMPARE(toolMessages().at(0).content, QStringLiteral("5"));
        QVERIFY(m_engine->prompts.at(1).find("<tool_response>\n5\n</tool_response>") != std::string::npos);
        QCOMPARE(m_store->activePath(m_chat).last().content, QStringLiteral("2 + 3 = 5."));
        // A server that crashes mid-call: an error result, and the chat goes on.
        m_engine->say(m_chat, QStringLiteral("now crash"));
        m_loop->allowOnce(key(0));
        waitIdle(4);
        const Message crashed = toolMessages().at(1);
        QCOMPARE(statusOf(crashed), QStringLiteral("failed"));
        QVERIFY2(crashed.content.contains(QStringLiteral("The MCP server \"fake\"")), qPrintable(crashed.content));
        const QString md = MarkdownExporter::render(m_store->tree(m_chat));
        QVERIFY(md.contains(QStringLiteral("Result of <code>add</code>")));
        QVERIFY(md.contains(QStringLiteral("2 + 3 = 5.")));
    }
};

QTEST_GUILESS_MAIN(TestAgentLoop)
#include "test_agent_loop.moc"
