// Helpers shared by the tests that drive the real app's window under Xvfb
// (test_chat_window, test_everyday_window, test_chat_reading, test_tools_window, ...):
// the data folder, seeded chats, loading Main.qml as main.cpp does, item lookup,
// opening drawers and popups, screenshots and a lightness measure for theme checks.
#pragma once

#include <QColor>
#include <QElapsedTimer>
#include <QImage>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

#include "agent_controller.h"
#include "app_context.h"
#include "chat_controller.h"
#include "chat_model_controller.h"
#include "chat_settings_controller.h"
#include "common/fixtures.h"
#include "conversations_controller.h"
#include "core/conversation_store.h"

namespace gui_test {

// The app keeps its settings, database and tools config in `dir` for this
// test, and takes no model from the environment.
inline void useDataDir(const QTemporaryDir & dir) {
    qputenv("HEARTH_DATA_DIR", dir.path().toUtf8());
    qunsetenv("HEARTH_MODEL");
}

// A conversation titled `title` holding one exchange: the user's `question`
// and the assistant's `reply` (with its `thinking`, if any). Its id.
inline qint64 seedExchange(Hearth::ConversationStore & store, const QString & title, const QString & question,
                           const QString & reply, const QString & thinking = QString()) {
    Hearth::Conversation c;
    c.title = title;
    const qint64 id = store.createConversation(c);
    Hearth::Message user;
    user.role = Hearth::MessageRole::User;
    user.content = question;
    const qint64 u = store.appendMessage(id, 0, user);
    Hearth::Message answer;
    answer.role = Hearth::MessageRole::Assistant;
    answer.content = reply;
    answer.reasoning = thinking;
    store.appendMessage(id, u, answer);
    return id;
}

// Average lightness of a sample of pixels, 0..255.
inline int meanLightness(const QImage & img) {
    qint64 sum = 0, n = 0;
    for (int y = 0; y < img.height(); y += 9)
        for (int x = 0; x < img.width(); x += 9, ++n) sum += QColor(img.pixel(x, y)).lightness();
    return n ? int(sum / n) : 0;
}

// The window as it is now, saved as test-output/<name>.png.
inline QImage saveShot(QQuickWindow * window, const QString & name) {
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
inline QQuickItem * findItem(QQuickItem * root, const QString & name, bool visibleOnly) {
    if (root->objectName() == name && (!visibleOnly || root->isVisible())) return root;
    for (QQuickItem * child : root->childItems())
        if (QQuickItem * found = findItem(child, name, visibleOnly)) return found;
    return nullptr;
}

// Where the item's centre comes to rest: waits (polling, at most timeoutMs)
// until it has not moved for 60 ms, i.e. animations and layout are done, and
// returns that point in scene coordinates (the last one seen on a timeout).
inline QPointF restingCentre(QQuickItem * item, int timeoutMs = 3000) {
    QPointF last = item->mapToScene(item->boundingRect().center());
    QElapsedTimer still;
    still.start();
    const bool rests = QTest::qWaitFor(
        [&] {
            const QPointF p = item->mapToScene(item->boundingRect().center());
            if (p != last) {
                last = p;
                still.restart();
            }
            return still.elapsed() >= 60;
        },
        timeoutMs);
    if (!rests) qWarning("%s still moves after %d ms", qPrintable(item->objectName()), timeoutMs);
    return last;
}

// The app's Main.qml loaded as main.cpp loads it (the controllers made first,
// by an AppContext the engine owns), in a 1280x840 window that is shown and
// active; nullptr when it did not load.
inline QQuickWindow * loadMainWindow(std::unique_ptr<QQmlApplicationEngine> & engine) {
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    engine = std::make_unique<QQmlApplicationEngine>();
    new Hearth::AppContext(engine.get());
    engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Hearth/Main.qml")));
    if (engine->rootObjects().size() != 1) return nullptr;
    auto * window = qobject_cast<QQuickWindow *>(engine->rootObjects().first());
    if (!window) return nullptr;
    window->resize(1280, 840);
    if (!QTest::qWaitForWindowExposed(window)) return nullptr;
    window->requestActivate();
    return window;
}

// The chat the window shows: AppContext's ChatController, as Main.qml's `chat`.
inline Hearth::ChatController * chatOf(QQuickWindow * window) {
    return window ? window->property("chat").value<Hearth::ChatController *>() : nullptr;
}

// Which model answers the chat, as Main.qml's `chatModel`.
inline Hearth::ChatModelController * chatModelOf(QQuickWindow * window) {
    return window ? window->property("chatModel").value<Hearth::ChatModelController *>() : nullptr;
}

// The chat's tools (registry, loop, picker, waiting turns), as Main.qml's `agentController`.
inline Hearth::AgentController * agentControllerOf(QQuickWindow * window) {
    return window ? window->property("agentController").value<Hearth::AgentController *>() : nullptr;
}

// The sidebar: the conversation list, search, delete and undo, as Main.qml's `conversations`.
inline Hearth::ConversationsController * conversationsOf(QQuickWindow * window) {
    return window ? window->property("conversations").value<Hearth::ConversationsController *>() : nullptr;
}

// The open chat's settings and presets, as Main.qml's `chatSettings`.
inline Hearth::ChatSettingsController * chatSettingsOf(QQuickWindow * window) {
    return window ? window->property("chatSettings").value<Hearth::ChatSettingsController *>() : nullptr;
}

// The drawer or popup named `name`, asked to open; nullptr when there is none.
inline QObject * openPopup(QQuickWindow * window, const QString & name) {
    QObject * popup = window->findChild<QObject *>(name);
    if (popup) QMetaObject::invokeMethod(popup, "open");
    return popup;
}

}  // namespace gui_test
