// ServerController, the app's "Local server" toggle: it starts the server on
// a background thread (the state moves stopped -> starting -> running), serves
// stories260K to a real HTTP client, logs each request in its list model,
// stops without blocking, and reports a missing model or a taken port as an
// error state with a readable message.
#include <httplib.h>

#include <QAbstractItemModelTester>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "common/fixtures.h"
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

        QTRY_COMPARE(c.log()->rowCount(), 2);
        const QModelIndex first = c.log()->index(0);
        QCOMPARE(first.data(Hearth::ServerLogModel::MethodRole).toString(), "POST");
        QCOMPARE(first.data(Hearth::ServerLogModel::PathRole).toString(), "/v1/chat/completions");
        QCOMPARE(first.data(Hearth::ServerLogModel::StatusRole).toInt(), 200);
        QCOMPARE(first.data(Hearth::ServerLogModel::OkRole).toBool(), true);
        QCOMPARE(c.log()->index(1).data(Hearth::ServerLogModel::StatusRole).toInt(), 404);
        QCOMPARE(c.log()->index(1).data(Hearth::ServerLogModel::OkRole).toBool(), false);

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
