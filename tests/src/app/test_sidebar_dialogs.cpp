// The sidebar's imported-chat marker, and the dark theme's file dialog and
// settings drawer, in the real app's QML under Xvfb (no model needed).
// Readability is measured: every visible text of the dialog and of the
// drawer's spin boxes must stand apart from the pixels behind it.
// Screenshots in test-output/:
//   sidebar_01_imported_marker  an imported chat marked in the sidebar, one written here not
//   dialogs_01_file_dark        the import file dialog in the dark theme
//   dialogs_02_drawer_dark      the settings drawer's spin boxes in the dark theme ("No limit")
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>
#include <algorithm>

#include "chat_controller.h"
#include "core/conversation_store.h"
#include "core/json_exporter.h"
#include "core/json_importer.h"
#include "window_test_util.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Hearth;

namespace {

ConversationTree oneExchange(const QString & title) {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ConversationTree t;
    t.conversation.title = title;
    t.conversation.createdAt = t.conversation.updatedAt = now;
    Message user;
    user.id = 1;
    user.role = MessageRole::User;
    user.content = QStringLiteral("Hello there.");
    user.createdAt = now;
    Message reply;
    reply.id = 2;
    reply.parentId = 1;
    reply.role = MessageRole::Assistant;
    reply.content = QStringLiteral("Hello!");
    reply.createdAt = now;
    t.messages = {user, reply};
    t.conversation.activeLeafId = 2;
    return t;
}

// The median lightness of the pixels along the rectangle's edge: what is behind a text.
int backgroundLightness(const QImage & shot, QRect r) {
    r = r.intersected(shot.rect().adjusted(0, 0, -1, -1));
    QList<int> l;
    for (int x = r.left(); x <= r.right(); ++x) {
        l.append(QColor(shot.pixel(x, r.top())).lightness());
        l.append(QColor(shot.pixel(x, r.bottom())).lightness());
    }
    for (int y = r.top(); y <= r.bottom(); ++y) {
        l.append(QColor(shot.pixel(r.left(), y)).lightness());
        l.append(QColor(shot.pixel(r.right(), y)).lightness());
    }
    if (l.isEmpty()) return -1;
    std::nth_element(l.begin(), l.begin() + l.size() / 2, l.end());
    return l[l.size() / 2];
}

// Every visible, non-empty text item under `root` that lies in the window:
// its colour's lightness at least `minDelta` away from what is behind it.
// Returns the number checked; failures are described in `bad`.
int checkTexts(const QImage & shot, QQuickItem * root, int minDelta, QStringList * bad) {
    int checked = 0;
    QList<QQuickItem *> stack{root};
    const qreal dpr = shot.devicePixelRatio();
    while (!stack.isEmpty()) {
        QQuickItem * i = stack.takeLast();
        if (!i->isVisible() || i->opacity() < 0.5) continue;
        stack.append(i->childItems());
        const bool text = i->inherits("QQuickText") || i->inherits("QQuickTextInput") || i->inherits("QQuickTextEdit");
        if (!text || i->property("text").toString().trimmed().isEmpty() || i->width() < 4 || i->height() < 4) continue;
        const QRectF scene = i->mapRectToScene(QRectF(0, 0, i->width(), i->height()));
        const QRect px(qRound(scene.x() * dpr), qRound(scene.y() * dpr), qRound(scene.width() * dpr),
                       qRound(scene.height() * dpr));
        if (!shot.rect().contains(px)) continue;  // scrolled out
        const int fg = i->property("color").value<QColor>().lightness();
        const int bg = backgroundLightness(shot, px);
        ++checked;
        if (std::abs(fg - bg) < minDelta)
            bad->append(
                QStringLiteral("'%1' lightness %2 on %3").arg(i->property("text").toString().left(30)).arg(fg).arg(bg));
    }
    return checked;
}

}  // namespace

class TestSidebarDialogs : public QObject {
    Q_OBJECT
    QTemporaryDir m_data;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow * m_window = nullptr;
    ChatController * m_chat = nullptr;
    qint64 m_importedId = 0;

    QImage shoot(const QString & name) {
        QTest::qWait(250);
        return gui_test::saveShot(m_window, name);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_data.isValid());
        gui_test::useDataDir(m_data);
        {
            ConversationStore store;
            Conversation here;
            here.title = QStringLiteral("Written here");
            store.createConversation(here);
            // Through the importer, as the File > Import menu does.
            const QByteArray json = JsonExporter::serialize({oneExchange(QStringLiteral("From a file"))});
            const QList<qint64> ids = JsonImporter::importInto(store, JsonImporter::parse(json, "chats.json"));
            QCOMPARE(ids.size(), 1);
            m_importedId = ids.first();
        }
        m_window = gui_test::loadMainWindow(m_engine);
        QVERIFY(m_window);
        m_chat = gui_test::chatOf(m_window);
        QVERIFY(m_chat);
    }

    void importedChatIsMarked() {
        QList<QQuickItem *> markers;
        QList<QQuickItem *> stack{m_window->contentItem()};
        int delegates = 0;
        while (!stack.isEmpty()) {
            QQuickItem * i = stack.takeLast();
            stack.append(i->childItems());
            if (i->property("conversationId").isValid() && i->property("imported").isValid()) {
                ++delegates;
                QQuickItem * marker = gui_test::findItem(i, QStringLiteral("importedMarker"), true);
                QCOMPARE(marker != nullptr, i->property("imported").toBool());
                QCOMPARE(i->property("imported").toBool(), i->property("conversationId").toLongLong() == m_importedId);
                if (marker) markers.append(marker);
            }
        }
        QCOMPARE(delegates, 2);
        QCOMPARE(markers.size(), 1);
        shoot(QStringLiteral("sidebar_01_imported_marker"));
    }

    void fileDialogIsReadableInTheDarkTheme() {
        m_window->setProperty("themeMode", QStringLiteral("dark"));
        QObject * dialogs = m_window->findChild<QObject *>(QStringLiteral("exportDialogs"));
        QVERIFY(dialogs);
        QMetaObject::invokeMethod(dialogs, "importJson");
        // The non-native Quick dialog: a popup in the window's overlay.
        QQuickItem * popupItem = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (QObject * o : m_window->findChildren<QObject *>())
                    if (o->inherits("QQuickFileDialogImpl") && o->property("visible").toBool())
                        popupItem = o->property("contentItem").value<QQuickItem *>();
                return popupItem != nullptr;
            }(),
            3000);
        QQuickItem * frame = popupItem->parentItem() ? popupItem->parentItem() : popupItem;
        const QImage shot = shoot(QStringLiteral("dialogs_01_file_dark"));
        const QRectF box = frame->mapRectToScene(QRectF(0, 0, frame->width(), frame->height()));
        QVERIFY2(gui_test::meanLightness(shot.copy(box.toRect())) < 90, "the dialog is dark as the theme is");
        QStringList bad;
        const int checked = checkTexts(shot, frame, 75, &bad);
        QVERIFY2(checked >= 3, qPrintable(QString::number(checked)));
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QStringLiteral("; "))));
        for (QObject * o : m_window->findChildren<QObject *>())
            if (o->inherits("QQuickFileDialogImpl")) QMetaObject::invokeMethod(o, "close");
        QTest::qWait(200);
    }

    void settingsDrawerSpinBoxesAreReadableInTheDarkTheme() {
        QObject * drawer = gui_test::openPopup(m_window, QStringLiteral("settingsDrawer"));
        QVERIFY(drawer);
        QTRY_COMPARE(drawer->property("position").toDouble(), 1.0);
        auto * content = drawer->property("contentItem").value<QQuickItem *>();
        QVERIFY(content);
        QList<QQuickItem *> spins, stack{content};
        while (!stack.isEmpty()) {
            QQuickItem * i = stack.takeLast();
            if (!i->isVisible()) continue;
            stack.append(i->childItems());
            if (i->inherits("QQuickSpinBox")) spins.append(i);
        }
        QVERIFY(spins.size() >= 3);
        // A new chat replies until the model stops or the context is full, and says so.
        bool noLimit = false;
        for (QQuickItem * s : spins)
            noLimit |= s->property("to").toInt() == 32768 &&
                       s->property("displayText").toString() == QLatin1String("No limit");
        QVERIFY(noLimit);
        // Scroll the max tokens field into view, then measure what shows.
        const QImage shot = shoot(QStringLiteral("dialogs_02_drawer_dark"));
        int shown = 0;
        for (QQuickItem * s : spins) {
            const QRectF r = s->mapRectToScene(QRectF(0, 0, s->width(), s->height()));
            if (r.bottom() > m_window->height() || r.top() < 0) continue;
            ++shown;
            // The field's inside, beside the text: dark.
            const QPoint inside = r.topLeft().toPoint() + QPoint(int(r.width() / 2), 3);
            QVERIFY2(
                QColor(shot.pixel(inside)).lightness() < 90,
                qPrintable(
                    QStringLiteral("spin box background lightness %1").arg(QColor(shot.pixel(inside)).lightness())));
            QStringList bad;
            QVERIFY(checkTexts(shot, s, 90, &bad) >= 1);
            QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QStringLiteral("; "))));
        }
        QVERIFY(shown >= 1);
        QMetaObject::invokeMethod(drawer, "close");
        m_window->setProperty("themeMode", QStringLiteral("light"));
    }
};

QTEST_MAIN(TestSidebarDialogs)
#include "test_sidebar_dialogs.moc"
