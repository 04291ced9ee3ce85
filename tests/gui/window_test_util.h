// Helpers shared by the tests that drive the real app's window under Xvfb
// (test_chat_window, test_everyday_window, test_chat_reading, test_tools_window):
// screenshots, item lookup, loading Main.qml and a lightness measure for theme checks.
#pragma once

#include <QColor>
#include <QImage>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QString>
#include <QTest>
#include <memory>

#include "common/fixtures.h"

namespace gui_test {

// Average lightness of a sample of pixels, 0..255.
inline int meanLightness(const QImage &img) {
    qint64 sum = 0, n = 0;
    for (int y = 0; y < img.height(); y += 9)
        for (int x = 0; x < img.width(); x += 9, ++n) sum += QColor(img.pixel(x, y)).lightness();
    return n ? int(sum / n) : 0;
}

// The window as it is now, saved as test-output/<name>.png.
inline QImage saveShot(QQuickWindow *window, const QString &name) {
    QImage shot = window->grabWindow();
    const QString path =
        QString::fromStdString(hearth_test::output_dir()) + QLatin1Char('/') + name + QStringLiteral(".png");
    if (!shot.save(path)) qWarning("could not save %s", qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
    return shot;
}

// Searches the visual tree (QML objects' QObject parents do not always
// follow it); a visible item wins over hidden ones of the same name when
// `visibleOnly` (every message delegate has its own buttons).
inline QQuickItem *findItem(QQuickItem *root, const QString &name, bool visibleOnly) {
    if (root->objectName() == name && (!visibleOnly || root->isVisible())) return root;
    for (QQuickItem *child : root->childItems())
        if (QQuickItem *found = findItem(child, name, visibleOnly)) return found;
    return nullptr;
}

// The app's Main.qml loaded as main.cpp loads it, in a 1280x840 window that
// is shown and active; nullptr when it did not load.
inline QQuickWindow *loadMainWindow(std::unique_ptr<QQmlApplicationEngine> &engine) {
    engine = std::make_unique<QQmlApplicationEngine>();
    engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Hearth/Main.qml")));
    if (engine->rootObjects().size() != 1) return nullptr;
    auto *window = qobject_cast<QQuickWindow *>(engine->rootObjects().first());
    if (!window) return nullptr;
    window->resize(1280, 840);
    if (!QTest::qWaitForWindowExposed(window)) return nullptr;
    window->requestActivate();
    return window;
}

}  // namespace gui_test
