// Chatting with a remote endpoint in the real app window (Main.qml under
// Xvfb), with `hearth-cli serve` on 127.0.0.1 as the remote (stories260K, an
// API key): the endpoint is added in the model picker's form (its key is
// kept in the app's settings), its model appears in the picker from
// /v1/models, one click makes the chat use it, a message is typed and sent,
// and the streamed reply records "endpoint · model". A wrong key shows its
// error under the endpoint. Screenshots in test-output/:
//   remote_01_picker   the picker listing the endpoint's model
//   remote_02_chat     the reply from the remote model, its name in the header
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

#include "chat_controller.h"
#include "core/app_settings.h"
#include "core/conversation_store.h"
#include "core/markdown_exporter.h"
#include "core/remote_endpoint_settings.h"
#include "remote_controller.h"
#include "server_process.h"
#include "window_test_util.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Hearth;

namespace {
const QString kKey = QStringLiteral("gui-key-42");
constexpr int kTimeoutMs = 60000;
}  // namespace

class TestRemoteWindow : public QObject {
    Q_OBJECT
    QTemporaryDir m_data;
    std::unique_ptr<server_test::ServerProcess> m_server;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow * m_window = nullptr;
    ChatController * m_chat = nullptr;
    ConversationsController * m_convs = nullptr;  // the sidebar (App.conversations)
    ChatModelController * m_chatModel = nullptr;  // which model answers (App.chatModel)

    QQuickItem * item(const QString & name) {
        QQuickItem * i = gui_test::findItem(m_window->contentItem(), name, true);
        return i ? i : gui_test::findItem(m_window->contentItem(), name, false);
    }
    bool shown(const QString & name) {
        QQuickItem * i = item(name);
        return i && i->isVisible();
    }
    void click(const QString & name) {
        QQuickItem * i = item(name);
        QVERIFY2(i, qPrintable(QStringLiteral("no item named ") + name));
        // The picker grows and moves while its form lays out: click where the
        // item has come to rest (a click outside the popup would close it).
        QTest::mouseClick(m_window, Qt::LeftButton, {}, gui_test::restingCentre(i).toPoint());
    }
    void typeInto(const QString & name, const QString & text) {
        QQuickItem * i = item(name);
        QVERIFY2(i, qPrintable(QStringLiteral("no item named ") + name));
        i->forceActiveFocus();
        for (QChar c : text) QTest::keyClick(m_window, c.toLatin1());
    }

private slots:
    void initTestCase() {
        QVERIFY(m_data.isValid());
        const std::string stories = HEARTH_FIXTURE("models/stories260K.gguf");
        m_server = std::make_unique<server_test::ServerProcess>(
            HEARTH_CLI, QStringList{"-m", QString::fromStdString(stories), "--api-key", kKey, "--threads", "1"});
        QVERIFY2(m_server->waitReady(), qPrintable(m_server->error()));
        gui_test::useDataDir(m_data);
        m_window = gui_test::loadMainWindow(m_engine);
        QVERIFY(m_window);
        m_chat = gui_test::chatOf(m_window);
        QVERIFY(m_chat);
        m_convs = gui_test::conversationsOf(m_window);
        QVERIFY(m_convs);
        m_chatModel = gui_test::chatModelOf(m_window);
        QVERIFY(m_chatModel);
    }

    void addEndpointAndPickItsModel() {
        click(QStringLiteral("modelPicker"));
        QObject * popup = m_window->findChild<QObject *>(QStringLiteral("modelPickerPopup"));
        QVERIFY(popup);
        QTRY_VERIFY(popup->property("opened").toBool());
        click(QStringLiteral("remoteAddToggle"));
        QTRY_VERIFY(shown(QStringLiteral("remoteAddForm")));
        typeInto(QStringLiteral("remoteName"), QStringLiteral("Test box"));
        typeInto(QStringLiteral("remoteUrl"), QString::fromStdString(m_server->baseUrl()));
        typeInto(QStringLiteral("remoteKey"), kKey);
        click(QStringLiteral("remoteAdd"));
        QTRY_VERIFY_WITH_TIMEOUT(shown(QStringLiteral("remoteModel_stories260K")), kTimeoutMs);
        // Kept in the app's settings, key included.
        const QList<RemoteEndpoint> saved = loadRemoteEndpoints(AppSettings::defaultPath());
        QCOMPARE(saved.size(), 1);
        QCOMPARE(saved[0].apiKey, kKey);
        QCOMPARE(m_chatModel->remote()->models().size(), 1);
        gui_test::saveShot(m_window, QStringLiteral("remote_01_picker"));
        click(QStringLiteral("remoteModel_stories260K"));
        QTRY_VERIFY(m_chatModel->usingRemote());
        QCOMPARE(m_chatModel->modelState(), ChatModelController::Ready);
        QCOMPARE(m_chatModel->modelName(), QString::fromUtf8("Test box \u00b7 stories260K"));
    }

    void chatWithTheRemoteModel() {
        QVERIFY(m_chatModel->usingRemote());
        typeInto(QStringLiteral("composerInput"), QStringLiteral("Once upon a time"));
        QTest::keyClick(m_window, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(m_chat->completedReplies() == 1, kTimeoutMs);
        QCOMPARE(m_chat->errorMessage(), QString());
        ConversationStore store(m_convs->databasePath());
        const QList<Message> path = store.activePath(m_chat->currentConversationId());
        QCOMPARE(path.size(), 2);
        const Message & reply = path[1];
        QVERIFY(!reply.content.isEmpty());
        QCOMPARE(reply.generation.modelFile, QString::fromUtf8("Test box \u00b7 stories260K"));
        QVERIFY(reply.generation.modelSha256.isEmpty());
        QVERIFY(reply.stats.generatedTokens > 0);
        // The Markdown export names the endpoint and model that answered.
        const ConversationTree tree = store.tree(m_chat->currentConversationId());
        QVERIFY(MarkdownExporter::render(tree).contains(QString::fromUtf8("Test box \u00b7 stories260K")));
        QTest::qWait(300);
        gui_test::saveShot(m_window, QStringLiteral("remote_02_chat"));
    }

    void wrongKeyShowsItsError() {
        QVERIFY(m_chatModel->remote()
                    ->addEndpoint(QStringLiteral("Wrong key"), QString::fromStdString(m_server->baseUrl()),
                                  QStringLiteral("nope"))
                    .isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(m_chatModel->remote()->endpoints().size() == 2 &&
                                     !m_chatModel->remote()->endpoints()[1].toMap().value("listing").toBool(),
                                 kTimeoutMs);
        const QString error = m_chatModel->remote()->endpoints()[1].toMap().value("error").toString();
        QVERIFY2(error.contains(QLatin1String("HTTP 401")), qPrintable(error));
        QCOMPARE(m_chatModel->remote()->models().size(), 1);  // the good endpoint's list stays
        QVERIFY(
            m_chatModel->remote()->addEndpoint(QStringLiteral("x"), QStringLiteral("not a url"), {}).contains("http"));
    }
};

QTEST_MAIN(TestRemoteWindow)
#include "test_remote_window.moc"
