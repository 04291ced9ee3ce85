// Starts the QML front end in a real window and saves a screenshot of it.
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

#include "common/fixtures.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void showsWindowAndSavesScreenshot() {
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        QQmlApplicationEngine engine;
        engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Hearth/Main.qml")));
        QCOMPARE(engine.rootObjects().size(), 1);
        auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().first());
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QTRY_VERIFY(window->isExposed());
        QTest::qWait(200);  // let the first frames settle

        QImage shot = window->grabWindow();
        QVERIFY(!shot.isNull());
        QCOMPARE(shot.size(), window->size() * window->devicePixelRatio());
        // The window must draw something: more than one colour on screen.
        QRgb first = shot.pixel(0, 0);
        bool varied = false;
        for (int y = 0; y < shot.height() && !varied; y += 7)
            for (int x = 0; x < shot.width() && !varied; x += 7) varied = shot.pixel(x, y) != first;
        QVERIFY2(varied, "the window rendered a single flat colour");

        QString path = QString::fromStdString(hearth_test::output_dir()) + QStringLiteral("/main_window.png");
        QVERIFY(shot.save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
