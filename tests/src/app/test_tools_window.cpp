// The tool loop in the real app window (Main.qml under Xvfb), no model
// needed: a stored reply with tool calls is handed to the chat's AgentLoop as
// a finished reply would be, with the fake stdio MCP server (tests/src/mcp)
// configured in the data folder's mcp.json. Screenshots in test-output/:
//   tools_01_approval   two parallel calls awaiting approval (MCP `add`, built-in calculator)
//   tools_02_running    an MCP call running with its progress bar, spinner and Cancel, beside
//                       a finished call whose image shows inline in its card
//   tools_03_results    the stored tool messages: text and image result cards, and (no model
//                       is loaded here) the chat's "Continue" notice
//   tools_05_picker     the per-chat tool picker by the composer, one tool turned off
//   tools_06_many_calls eight parallel calls: the panel scrolls instead of covering the chat
//   tools_04_page       the Tools settings page: the server running with its tools
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

#include "chat_controller.h"
#include "common/fixtures.h"
#include "core/agent_loop.h"
#include "core/conversation_store.h"
#include "core/tool_registry.h"
#include "tools_controller.h"
#include "window_test_util.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Hearth;

namespace {

void writeFile(const QString & path, const QByteArray & bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

QJsonObject call(const QString & id, const QString & name, const QJsonObject & args) {
    return QJsonObject{{"id", id}, {"name", name}, {"arguments", args}};
}

}  // namespace

class TestToolsWindow : public QObject {
    Q_OBJECT
    QTemporaryDir m_data;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow * m_window = nullptr;
    ChatController * m_chat = nullptr;
    AgentController * m_agentCtl = nullptr;       // the tools (App.agentController)
    ConversationsController * m_convs = nullptr;  // the sidebar (App.conversations)
    AgentLoop * m_agent = nullptr;
    qint64 m_conversation = 0;

    QImage shoot(const QString & name) {
        QTest::qWait(200);
        return gui_test::saveShot(m_window, name);
    }
    QQuickItem * item(const char * name) {
        return gui_test::findItem(m_window->contentItem(), QLatin1String(name), true);
    }
    int countItems(QQuickItem * root, const QString & name) {
        int n = root->objectName() == name && root->isVisible() ? 1 : 0;
        for (QQuickItem * child : root->childItems()) n += countItems(child, name);
        return n;
    }
    void click(QQuickItem * button) {
        QVERIFY(button);
        const QPointF c = button->mapToScene(QPointF(button->width() / 2, button->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, Qt::NoModifier, c.toPoint());
    }
    // A stored reply with `calls`, handed to the loop as the chat would after generating it.
    void replyWithCalls(const QString & question, const QJsonArray & calls) {
        ConversationStore & store = *storeOf();
        const qint64 parent = store.conversation(m_conversation)->activeLeafId;
        Message user;
        user.role = MessageRole::User;
        user.content = question;
        const qint64 userId = store.appendMessage(m_conversation, parent, user);
        const qint64 reply = store.beginReply(m_conversation, userId, GenerationInfo{});
        ReplyStats stats;
        stats.stopReason = QStringLiteral("eos");
        store.finishReply(reply, QString(), QString(), calls, stats);
        m_chat->messages()->reload();
        QVERIFY(m_agent->onReplyFinished(m_conversation, reply));
        QTRY_VERIFY(!m_agent->reading(m_conversation));  // read on the store thread
    }
    ConversationStore * storeOf() {
        static std::unique_ptr<ConversationStore> store;
        if (!store) store = std::make_unique<ConversationStore>(m_convs->databasePath());
        return store.get();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_data.isValid());
        gui_test::useDataDir(m_data);
        const QJsonObject fake{{"command", FAKE_MCP_SERVER}};
        writeFile(m_data.filePath("mcp.json"),
                  QJsonDocument(QJsonObject{{"mcpServers", QJsonObject{{"fake", fake}}}}).toJson());
        writeFile(m_data.filePath("tools.json"), R"({"enabled": ["calculator"]})");
        m_window = gui_test::loadMainWindow(m_engine);
        QVERIFY(m_window);
        m_chat = gui_test::chatOf(m_window);
        QVERIFY(m_chat);
        m_convs = gui_test::conversationsOf(m_window);
        QVERIFY(m_convs);
        m_agentCtl = gui_test::agentControllerOf(m_window);
        QVERIFY(m_agentCtl);
        m_agent = m_agentCtl->agentLoop();
        QVERIFY(m_agent);
        QTRY_VERIFY_WITH_TIMEOUT(m_agentCtl->tools()->servers().size() == 1 &&
                                     m_agentCtl->tools()->servers().first().toMap().value("state") == "running",
                                 20000);
        Conversation c;
        c.title = QStringLiteral("Sums with tools");
        m_conversation = storeOf()->createConversation(c);
        m_convs->reloadConversations();
        m_chat->setCurrentConversationId(m_conversation);
    }

    void approvalCard() {
        const QJsonArray tools = m_agent->templateToolsFor(m_conversation);
        QVERIFY(QJsonDocument(tools).toJson().contains("\"calculator\""));
        QVERIFY(QJsonDocument(tools).toJson().contains("\"add\""));
        replyWithCalls(
            QStringLiteral("What is 2 + 3, and 7 * 6?"),
            {call("call_1", "add", {{"a", 2}, {"b", 3}}), call("call_2", "calculator", {{"expression", "7 * 6"}})});
        QVERIFY(m_chat->generating());  // the loop holds the chat: Stop shows, sending waits
        QTRY_VERIFY(item("toolCallsPanel"));
        QCOMPARE(countItems(m_window->contentItem(), "toolCallCard"), 2);
        QVERIFY(item("allowAllButton"));
        QVERIFY(item("denyReason"));
        shoot(QStringLiteral("tools_01_approval"));
        click(item("allowOnceButton"));  // the first card's
        QTRY_COMPARE(m_agent->calls().at(0).toMap().value("state").toString(), QStringLiteral("done"));
        click(item("allowOnceButton"));  // now the calculator's
        QTRY_VERIFY_WITH_TIMEOUT(!m_agent->active(), 10000);
        const QList<Message> path = storeOf()->activePath(m_conversation);
        QCOMPARE(path.at(path.size() - 2).content, QStringLiteral("5"));
        QCOMPARE(path.last().content, QStringLiteral("42"));
    }

    void runningCall() {
        replyWithCalls(
            QStringLiteral("Run the slow job, then show an image."),
            {call("call_3", "slow", {{"ms", 3000}, {"steps", 6}}), call("call_4", "image", {{"png", true}})});
        m_agent->alwaysAllow(m_agent->calls().at(1).toMap().value("key").toString());
        m_agent->allowOnce(m_agent->calls().at(0).toMap().value("key").toString());
        QTRY_VERIFY_WITH_TIMEOUT(m_agent->calls().at(0).toMap().value("progress").toDouble() >= 2, 10000);
        QVERIFY(item("toolSpinner"));
        QVERIFY(item("cancelCallButton"));
        QTRY_COMPARE(m_agent->calls().at(1).toMap().value("state").toString(), QStringLiteral("done"));
        QTRY_VERIFY(item("callResultImage"));
        QCOMPARE(item("callResultImage")->property("status").toInt(), 1);  // Image.Ready
        shoot(QStringLiteral("tools_02_running"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_agent->active(), 10000);
    }

    void resultCards() {
        QTRY_COMPARE(countItems(m_window->contentItem(), "toolCallCard"), 0);
        // No model here: the answer waits, and the panel says so with Continue (disabled).
        QTRY_VERIFY(m_agentCtl->toolTurnWaiting());  // the chat's leaf is read on the store thread
        QTRY_VERIFY(item("toolTurnWaiting"));
        QCOMPARE(item("continueToolsButton")->isEnabled(), false);
        const QList<Message> path = storeOf()->activePath(m_conversation);
        QVERIFY(path.last().content.contains(QStringLiteral("[image: image/png]")));
        shoot(QStringLiteral("tools_03_results"));
        QQuickItem * image = item("toolResultImage");
        QVERIFY(image);
        QCOMPARE(image->property("status").toInt(), 1);  // Image.Ready: the PNG decoded
        QVERIFY(image->width() >= 64);
    }

    void toolPicker() {
        QQuickItem * button = item("toolsButton");
        QVERIFY(button);
        const int offered = m_agentCtl->chatTools()->count();
        QVERIFY(offered > 10);  // the calculator and the fake server's tools
        QCOMPARE(button->property("text").toString(), QStringLiteral("Tools · %1 of %1").arg(offered));
        click(button);
        QTRY_VERIFY(item("toolPickerList"));
        QQuickItem * check = item("toolCheck_calculator");
        QVERIFY(check);
        click(check);
        QTRY_VERIFY(!m_agent->toolEnabled(m_conversation, QStringLiteral("calculator")));
        QVERIFY(!QJsonDocument(m_agent->templateToolsFor(m_conversation)).toJson().contains("\"calculator\""));
        QCOMPARE(button->property("text").toString(), QStringLiteral("Tools · %1 of %2").arg(offered - 1).arg(offered));
        shoot(QStringLiteral("tools_05_picker"));
        QCOMPARE(item("toolCheck_calculator"), check);  // the same row: only its checkbox changed
        click(check);
        QTRY_VERIFY(m_agent->toolEnabled(m_conversation, QStringLiteral("calculator")));
        QTest::keyClick(m_window, Qt::Key_Escape);
        QTRY_VERIFY(!item("toolPickerList"));
    }

    void manyCallsScroll() {
        QJsonArray calls;
        for (int i = 0; i < 8; ++i)
            calls.append(call(QStringLiteral("call_m%1").arg(i), QStringLiteral("add"), {{"a", i}, {"b", 1}}));
        replyWithCalls(QStringLiteral("Add these eight pairs."), calls);
        QTRY_VERIFY(item("toolCardsView"));
        QQuickItem * view = item("toolCardsView");
        QTRY_VERIFY(view->height() > 100);
        QVERIFY2(view->height() < view->property("contentHeight").toDouble(), "eight cards should scroll");
        QQuickItem * panel = item("toolCallsPanel");
        QVERIFY2(panel->height() < m_window->height() * 0.6, qPrintable(QString::number(panel->height())));
        shoot(QStringLiteral("tools_06_many_calls"));
        m_agent->denyAll(QString());
        QTRY_VERIFY_WITH_TIMEOUT(!m_agent->active(), 10000);
    }

    void toolsPage() {
        QMetaObject::invokeMethod(m_window->findChild<QObject *>("toolsPopup"), "open");
        QTRY_VERIFY(item("toolsPage"));
        QQuickItem * status = item("serverStatus");
        QVERIFY(status);
        QVERIFY2(status->property("text").toString().contains(QStringLiteral("running")),
                 qPrintable(status->property("text").toString()));
        shoot(QStringLiteral("tools_04_page"));
    }
};

QTEST_MAIN(TestToolsWindow)
#include "test_tools_window.moc"
