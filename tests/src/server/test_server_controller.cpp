// ServerController, the app's "Local server" toggle: it starts the server on
// a background thread (the state moves stopped -> starting -> running), serves
// stories260K to a real HTTP client, logs each request in its list model,
// stops without blocking, and reports a missing model or a taken port as an
// error state with a readable message.
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QAbstractItemModelTester>
#include <QtTest>
#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/fixtures.h"
#include "hostile_requests.h"
#include "server_controller.h"

using nlohmann::json;

class TestServerController : public QObject {
    Q_OBJECT
private slots:
    void startServeLogStop() {
        Hearth::ServerController c;
        QAbstractItemModelTester tester(c.log(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy states(&c, &Hearth::ServerController::stateChanged);
        c.setModelPath(QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")));
        c.setPort(0);
        c.start();
        QCOMPARE(c.state(), Hearth::ServerController::Starting);  // returned at once; the load runs elsewhere
        QVERIFY(c.busy());
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), Hearth::ServerController::Running, 30000);
        QVERIFY(c.running());
        QCOMPARE(c.servedModel(), "stories260K");
        QVERIFY(c.url().startsWith("http://127.0.0.1:"));
        QVERIFY(c.url().endsWith("/v1"));
        const int port = QUrl(c.url()).port();
        QVERIFY(port > 0);

        httplib::Client client("127.0.0.1", port);
        const json body = {{"messages", json::array({{{"role", "user"}, {"content", "Hello"}}})}, {"max_tokens", 4}};
        auto r = client.Post("/v1/chat/completions", body.dump(), "application/json");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(json::parse(r->body)["model"], "stories260K");
        QCOMPARE(client.Get("/v1/nothing")->status, 404);

        // The server logs a request after answering it, on its own thread, so
        // the GET sent after the POST's answer may be logged first.
        QTRY_COMPARE(c.log()->rowCount(), 2);
        const int postRow = c.log()->index(0).data(Hearth::ServerLogModel::MethodRole).toString() == "POST" ? 0 : 1;
        const QModelIndex post = c.log()->index(postRow);
        const QModelIndex get = c.log()->index(1 - postRow);
        QCOMPARE(post.data(Hearth::ServerLogModel::MethodRole).toString(), "POST");
        QCOMPARE(post.data(Hearth::ServerLogModel::PathRole).toString(), "/v1/chat/completions");
        QCOMPARE(post.data(Hearth::ServerLogModel::StatusRole).toInt(), 200);
        QCOMPARE(post.data(Hearth::ServerLogModel::OkRole).toBool(), true);
        QCOMPARE(get.data(Hearth::ServerLogModel::MethodRole).toString(), "GET");
        QCOMPARE(get.data(Hearth::ServerLogModel::PathRole).toString(), "/v1/nothing");
        QCOMPARE(get.data(Hearth::ServerLogModel::StatusRole).toInt(), 404);
        QCOMPARE(get.data(Hearth::ServerLogModel::OkRole).toBool(), false);

        c.stop();
        QCOMPARE(c.state(), Hearth::ServerController::Stopping);
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), Hearth::ServerController::Stopped, 10000);
        QVERIFY(c.url().isEmpty());
        QVERIFY(!client.Get("/health"));  // nothing listens any more

        // It starts again on the same controller.
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), Hearth::ServerController::Running, 30000);
        c.log()->clear();
        QCOMPARE(c.log()->rowCount(), 0);
    }

    void errorsAreStates() {
        Hearth::ServerController c;
        c.start();
        QCOMPARE(c.state(), Hearth::ServerController::Error);
        QVERIFY(c.error().contains("model"));

        c.setModelPath("/nonexistent/model.gguf");
        c.setPort(0);
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), Hearth::ServerController::Error, 10000);
        QVERIFY2(c.error().contains("/nonexistent/model.gguf"), qPrintable(c.error()));

        // A port another server holds.
        Hearth::ServerController holder;
        holder.setModelPath(QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")));
        holder.setPort(0);
        holder.start();
        QTRY_COMPARE_WITH_TIMEOUT(holder.state(), Hearth::ServerController::Running, 30000);
        c.setModelPath(holder.modelPath());
        c.setPort(QUrl(holder.url()).port());
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), Hearth::ServerController::Error, 30000);
        QVERIFY2(c.error().contains("cannot listen"), qPrintable(c.error()));
    }

    void exposedHost() {
        Hearth::ServerController c;
        QVERIFY(!c.exposed());
        c.setHost("0.0.0.0");
        QVERIFY(c.exposed());
        c.setHost("localhost");
        QVERIFY(!c.exposed());
        c.setHost("127.0.0.2");
        QVERIFY(!c.exposed());
    }

    // Issue 19, item 8: the app hosts the server in its own process, so the
    // crash inputs of the standalone server must not take the app down:
    // depth bombs in every field, a chunked body past the limit, a foreign
    // Host, and a trickling flood during which /health still answers.
    void hostileRequestsLeaveTheAppRunning() {
        Hearth::ServerController c;
        c.setModelPath(QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")));
        c.setPort(0);
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), Hearth::ServerController::Running, 30000);
        const int port = QUrl(c.url()).port();
        httplib::Client client("127.0.0.1", port);
        client.set_read_timeout(30, 0);

        for (const server_test::HostileRequest & bomb : server_test::depthBombs(100000)) {
            auto r = client.Post(bomb.path.c_str(), bomb.body, "application/json");
            QVERIFY2(r && r->status == 400, bomb.name.c_str());
            r = client.Post(bomb.path.c_str(), bomb.body, "text/plain");  // a web page's no-preflight POST
            QVERIFY2(r && r->status == 415, bomb.name.c_str());
        }
        QCOMPARE(client.Get("/v1/models", {{"Host", "evil.example.com"}})->status, 403);

        // 32 MB chunked, past the 16 MB limit: refused while it arrives.
        const int fd = server_test::connectLoopback(port);
        server_test::sendAll(fd,
                             "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        const std::string chunk = "100000\r\n" + std::string(1u << 20, '[') + "\r\n";
        for (int i = 0; i < 32 && server_test::sendAll(fd, chunk); ++i) {
        }
        QCOMPARE(server_test::statusOf(server_test::readResponse(fd, 10000)), 413);
        ::close(fd);

        // 80 sockets trickling a head: /health answers within a second.
        std::vector<int> slow;
        for (int i = 0; i < 80; ++i) slow.push_back(server_test::connectLoopback(port));
        std::atomic<bool> stop{false};
        std::thread trickle([&] {
            const std::string head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: " + std::string(100, 'a');
            for (size_t i = 0; i < head.size() && !stop.load(); ++i) {
                for (int s : slow) ::send(s, &head[i], 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
        QTest::qWait(300);
        bool fast = true;
        for (int k = 0; k < 3; ++k) {
            QElapsedTimer t;
            t.start();
            httplib::Client probe("127.0.0.1", port);
            probe.set_read_timeout(3, 0);
            auto r = probe.Get("/health");
            fast = fast && r && r->status == 200 && t.elapsed() < 1000;
        }
        stop.store(true);
        trickle.join();
        for (int s : slow) ::close(s);
        QVERIFY(fast);

        // Still the same running server, and it still chats.
        QCOMPARE(c.state(), Hearth::ServerController::Running);
        const json body = {{"messages", json::array({{{"role", "user"}, {"content", "Hello"}}})}, {"max_tokens", 4}};
        auto r = client.Post("/v1/chat/completions", body.dump(), "application/json");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        c.stop();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), Hearth::ServerController::Stopped, 10000);
    }

    void destroyedWhileStarting() {
        auto c = std::make_unique<Hearth::ServerController>();
        c->setModelPath(QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")));
        c->setPort(0);
        c->start();
        c.reset();  // must neither crash nor hang
    }
};

QTEST_GUILESS_MAIN(TestServerController)
#include "test_server_controller.moc"
