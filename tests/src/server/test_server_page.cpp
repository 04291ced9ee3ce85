// ServerPage in a window under Xvfb: the toggle starts the server on the
// chosen model, the URL to paste into clients appears, a request shows up in
// the log, and the toggle stops it again. Screenshot in test-output/:
//   server_01_running   the panel with the server running and one request logged
#include <httplib.h>

#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "common/fixtures.h"
#include "server_controller.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

namespace {

const char * kWindowQml =
    "import QtQuick\n"
    "import QtQuick.Controls\n"
    "import Hearth\n"
    "ApplicationWindow {\n"
    "    width: 900; height: 640; visible: true\n"
    "    color: Theme.background\n"
    "    ServerPage {\n"
    "        objectName: \"page\"; anchors.fill: parent\n"
    "        controller: ServerController { objectName: \"serverController\" }\n"
    "    }\n"
    "}\n";

void click(QQuickWindow * window, QQuickItem * item) {
    const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
}

}  // namespace

class TestServerPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QQuickStyle::setStyle(QStringLiteral("Basic")); }

    void toggleServesAndLogs() {
        QQmlApplicationEngine engine;
        engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
        engine.loadData(kWindowQml);
        QCOMPARE(engine.rootObjects().size(), 1);
        auto * window = qobject_cast<QQuickWindow *>(engine.rootObjects().first());
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto * controller = window->findChild<Hearth::ServerController *>("serverController");
        QVERIFY(controller);
        controller->setModelPath(QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")));
        controller->setPort(0);

        auto * toggle = window->findChild<QQuickItem *>("serverToggle");
        QVERIFY(toggle);
        click(window, toggle);
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), Hearth::ServerController::Running, 30000);
        auto * url = window->findChild<QQuickItem *>("serverUrl");
        QVERIFY(url);
        QTRY_VERIFY(url->isVisible());
        QCOMPARE(url->property("text").toString(), controller->url());

        httplib::Client client("127.0.0.1", QUrl(controller->url()).port());
        const nlohmann::json body = {{"messages", {{{"role", "user"}, {"content", "Hi"}}}}, {"max_tokens", 4}};
        auto r = client.Post("/v1/chat/completions", body.dump(), "application/json");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        auto * list = window->findChild<QQuickItem *>("serverLogList");
        QVERIFY(list);
        QTRY_COMPARE(list->property("count").toInt(), 1);
        QTest::qWait(100);
        const QImage shot = window->grabWindow();
        QVERIFY(!shot.isNull());
        shot.save(QString::fromStdString(hearth_test::output_dir()) + "/server_01_running.png");

        click(window, toggle);
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), Hearth::ServerController::Stopped, 10000);
        QVERIFY(!url->isVisible());
    }
};

QTEST_MAIN(TestServerPage)
#include "test_server_page.moc"
