// The app's local server on the chat's own model: with the chat's EngineBridge
// given, ServerController serves the hearth::ChatSession the chat loaded (one
// copy in memory, one queue) instead of loading a second copy; a chat reply
// and an API request sent together both complete. When the chat loads
// another model the server follows it; a different file gets a copy of its own.
#include <httplib.h>

#include <QSignalSpy>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/fixtures.h"
#include "core/engine_bridge.h"
#include "hearth/chat_session.h"
#include "server_controller.h"

using nlohmann::json;
using namespace Hearth;

namespace {

constexpr int kTimeoutMs = 60000;

QString fixture(const char * rel) {
    return QString::fromStdString(hearth_test::fixture(rel));
}

bool load(EngineBridge & bridge, const QString & path) {
    QSignalSpy loaded(&bridge, &EngineBridge::modelLoaded);
    bridge.loadModel(path);
    return loaded.wait(kTimeoutMs) || loaded.count() == 1;
}

// Starts `c` on the chat's model of `bridge`; false (after failing) when it did not run.
bool startOnChatModel(ServerController & c, EngineBridge & bridge) {
    c.setChatEngine(&bridge);
    c.setUseChatModel(true);
    c.setPort(0);
    c.start();
    [&] { QTRY_COMPARE_WITH_TIMEOUT(c.state(), ServerController::Running, kTimeoutMs); }();
    return c.state() == ServerController::Running;
}

}  // namespace

class TestServerSharedModel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { qRegisterMetaType<Hearth::GenerationResult>(); }

    void servesTheChatsModel() {
        EngineBridge bridge;
        QVERIFY(load(bridge, fixture("models/stories260K.gguf")));
        const std::shared_ptr<hearth::ChatSession> chatSession = bridge.chatSession();
        QVERIFY(chatSession);

        ServerController c;
        QVERIFY(startOnChatModel(c, bridge));
        QVERIFY(c.sharesChatModel());
        QCOMPARE(c.servedSession(), chatSession);  // one copy: the chat's session, not a second load
        QCOMPARE(c.servedModel(), "stories260K");
        const int port = QUrl(c.url()).port();

        // A chat reply and an API request at once: they take turns in the one queue.
        QSignalSpy finished(&bridge, &EngineBridge::generationFinished);
        GenerationSettings s;
        s.temperature = 0.0;
        s.maxTokens = 24;
        Message prompt;
        prompt.role = MessageRole::User;
        prompt.content = QStringLiteral("Once upon a time");
        bridge.generate(1, {prompt}, s);
        std::optional<httplib::Result> api;
        std::thread client([&] {
            httplib::Client http("127.0.0.1", port);
            http.set_read_timeout(60, 0);
            const json body = {{"messages", json::array({{{"role", "user"}, {"content", "Hello"}}})},
                               {"max_tokens", 16},
                               {"temperature", 0}};
            api = http.Post("/v1/chat/completions", body.dump(), "application/json");
        });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        client.join();
        const GenerationResult chat = finished.at(0).at(1).value<GenerationResult>();
        QVERIFY2(chat.error.isEmpty(), qPrintable(chat.error));
        QVERIFY(chat.stats.generatedTokens > 0);
        QVERIFY(api && *api);
        QCOMPARE((*api)->status, 200);
        const json reply = json::parse((*api)->body);
        QCOMPARE(reply["model"], "stories260K");
        QVERIFY(reply["usage"]["completion_tokens"].get<int>() > 0);

        // The chat unloads its model: the server lets go of it too (no copy kept alive).
        std::weak_ptr<hearth::ChatSession> weak = chatSession;
        bridge.unloadModel();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), ServerController::Error, kTimeoutMs);  // nothing to follow
        QVERIFY(!c.sharesChatModel());
        QTRY_VERIFY_WITH_TIMEOUT(weak.use_count() == 1, kTimeoutMs);  // only this test's copy
    }

    // The chat loads another model: a server that follows the chat restarts on it.
    void followsTheChatsNextModel() {
        EngineBridge bridge;
        QVERIFY(load(bridge, fixture("models/stories260K.gguf")));
        ServerController c;
        QVERIFY(startOnChatModel(c, bridge));
        const auto first = c.servedSession();

        QVERIFY(load(bridge, fixture("models/stories260K.gguf")));  // a new session on the same file
        QTRY_VERIFY_WITH_TIMEOUT(c.state() == ServerController::Running && c.servedSession() != first, kTimeoutMs);
        QCOMPARE(c.servedSession(), bridge.chatSession());
        c.stop();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), ServerController::Stopped, kTimeoutMs);
    }

    // The file the chat has loaded, chosen in the panel, is shared too; nothing
    // loaded in the chat: the server loads its own copy as before.
    void choosesBySelectedFile() {
        EngineBridge bridge;
        ServerController c;
        c.setChatEngine(&bridge);
        c.setModelPath(fixture("models/stories260K.gguf"));
        c.setPort(0);
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), ServerController::Running, kTimeoutMs);
        QVERIFY(!c.sharesChatModel());
        QVERIFY(!c.servedSession());
        c.stop();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), ServerController::Stopped, kTimeoutMs);

        QVERIFY(load(bridge, fixture("models/stories260K.gguf")));
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), ServerController::Running, kTimeoutMs);
        QVERIFY(c.sharesChatModel());
        QCOMPARE(c.servedSession(), bridge.chatSession());
        c.stop();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), ServerController::Stopped, kTimeoutMs);
    }
};

QTEST_GUILESS_MAIN(TestServerSharedModel)
#include "test_server_shared_model.moc"
