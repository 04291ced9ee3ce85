// Reading and keyboard use of the real app's QML under Xvfb, without a model
// (nothing is generated): screenshots in test-output/:
//   reading_01_markdown_light   paragraphs, kept line breaks, a quote with its bar,
//                               inline code, a link, a table, highlighted code
//   reading_02_markdown_dark    the same in the dark theme
//   reading_03_focus_ring       Tab from the input: the focused button's ring
//   reading_04_search_hit       a hit in an old message of a 300-message chat,
//                               opened from search: in view, its words marked
//   reading_05_minimum_size     the window at 760x520 with the sidebar collapsed
//   reading_06_models_minimum   the Models popup at 760x520: its Close button inside
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickTextDocument>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextLayout>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

#include "chat_controller.h"
#include "common/fixtures.h"
#include "core/conversation_store.h"
#include "window_test_util.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Hearth;

namespace {

const QString kMarkdown = QStringLiteral(
    "Here is a first paragraph.\nIts second line stays on its own line.\n\n"
    "A second paragraph with `inline code` and a [link](https://example.com).\n\n"
    "> A quoted remark,\n> over two lines.\n\n"
    "| Name | Size |\n|------|------|\n| a.gguf | 1 GiB |\n| b.gguf | 2 GiB |\n\n"
    "```python\n# read a file\ndef read(path):\n    return open(path).read()  # the text\n```\n\n"
    "That is all.");

qint64 seedMarkdownChat(ConversationStore & store) {
    return gui_test::seedExchange(store, QStringLiteral("Markdown sample"), QStringLiteral("Show me some Markdown."),
                                  kMarkdown);
}

// 300 messages; message 41 (a user turn) holds the word the search finds.
qint64 seedLongChat(ConversationStore & store, qint64 * hitId) {
    Conversation c;
    c.title = QStringLiteral("Long chat");
    const qint64 id = store.createConversation(c);
    qint64 parent = 0;
    for (int i = 0; i < 300; ++i) {
        Message m;
        m.role = i % 2 ? MessageRole::Assistant : MessageRole::User;
        m.content = i == 40 ? QStringLiteral("Tell me about the zanzibar lighthouse and its keeper.")
                    : i % 2 ? QStringLiteral(
                                  "Reply %1.\n\nA paragraph of text that fills a few lines of the view, "
                                  "so that the chat is long and the hit is far above the end.")
                                  .arg(i)
                            : QStringLiteral("Question %1?").arg(i);
        parent = store.appendMessage(id, parent, m);
        if (i == 40) *hitId = parent;
    }
    return id;
}

}  // namespace

class TestChatReading : public QObject {
    Q_OBJECT
    QTemporaryDir m_data;
    qint64 m_markdownId = 0, m_longId = 0, m_hitId = 0;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow * m_window = nullptr;
    ChatController * m_chat = nullptr;
    ConversationsController * m_convs = nullptr;  // the sidebar (App.conversations)

    QImage shoot(const QString & name) {
        QTest::qWait(200);
        return gui_test::saveShot(m_window, name);
    }
    static QQuickItem * findItem(QQuickItem * root, const QString & name, bool visibleOnly) {
        return gui_test::findItem(root, name, visibleOnly);
    }
    QQuickItem * item(const char * name) { return findItem(m_window->contentItem(), QLatin1String(name), true); }
    QQuickItem * view() { return item("messageView"); }
    QQuickItem * rowItem(int row) {
        QQuickItem * found = nullptr;
        QMetaObject::invokeMethod(view(), "itemAtIndex", Q_RETURN_ARG(QQuickItem *, found), Q_ARG(int, row));
        return found;
    }
    // The last message's bottom shows (positionViewAtEnd leaves the bottom margin out).
    static bool atEnd(QQuickItem * v) {
        return v->property("contentY").toReal() + v->height() >=
               v->property("contentHeight").toReal() + v->property("originY").toReal() - 2;
    }
    static bool atStart(QQuickItem * v) {
        return v->property("contentY").toReal() <= v->property("originY").toReal() + 2;
    }
    void open(qint64 id) {
        m_chat->setCurrentConversationId(id);
        QTRY_VERIFY(view() && view()->property("count").toInt() > 0);
        QTest::qWait(300);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_data.isValid());
        gui_test::useDataDir(m_data);
        {
            ConversationStore store;
            m_markdownId = seedMarkdownChat(store);
            m_longId = seedLongChat(store, &m_hitId);
        }
        m_window = gui_test::loadMainWindow(m_engine);
        QVERIFY(m_window);
        m_window->resize(1200, 800);
        m_chat = gui_test::chatOf(m_window);
        QVERIFY(m_chat);
        m_convs = gui_test::conversationsOf(m_window);
        QVERIFY(m_convs);
        m_window->requestActivate();
    }

    void markdownInBothThemes() {
        open(m_markdownId);
        QQuickItem * quote = item("quoteBlock");
        QVERIFY(quote);
        QVERIFY(item("copyCodeButton"));
        // The code card is highlighted: "def" in the keyword colour, the comment in italics.
        QQuickItem * code = item("codeText");
        QVERIFY(code);
        auto * doc = code->property("textDocument").value<QQuickTextDocument *>();
        QVERIFY(doc && doc->textDocument());
        bool keyword = false, comment = false;
        for (QTextBlock b = doc->textDocument()->begin(); b.isValid(); b = b.next())
            for (const QTextLayout::FormatRange & r : b.layout()->formats()) {
                const QString word = b.text().mid(r.start, r.length);
                keyword |= word == QStringLiteral("def") && r.format.foreground().color() == QColor("#8a3fb8");
                comment |= word.startsWith(QLatin1Char('#')) && r.format.fontItalic();
            }
        QVERIFY(keyword);
        QVERIFY(comment);
        const QImage light = shoot(QStringLiteral("reading_01_markdown_light"));
        QVERIFY(gui_test::meanLightness(light) > 180);
        m_window->setProperty("themeMode", QStringLiteral("dark"));
        const QImage dark = shoot(QStringLiteral("reading_02_markdown_dark"));
        QVERIFY(gui_test::meanLightness(dark) < 90);
        m_window->setProperty("themeMode", QStringLiteral("light"));
    }

    void tabMovesFocusWithARing() {
        QQuickItem * input = item("composerInput");
        QVERIFY(input);
        input->forceActiveFocus();
        QTest::keyClick(m_window, Qt::Key_Tab);
        QCOMPARE(input->property("text").toString(), QString());  // no tab character typed
        QVERIFY(m_window->activeFocusItem() != input);
        // Tab on until a button with a ring has the focus.
        QQuickItem * ring = nullptr;
        for (int i = 0; i < 30 && !ring; ++i) {
            QQuickItem * focused = m_window->activeFocusItem();
            if (focused && focused->property("visualFocus").toBool())
                ring = findItem(focused, QStringLiteral("focusRing"), true);
            if (!ring) QTest::keyClick(m_window, Qt::Key_Tab);
        }
        QVERIFY2(ring, "a focused control shows its ring");
        shoot(QStringLiteral("reading_03_focus_ring"));
        input->forceActiveFocus();
    }

    void keyboardScrollsTheConversation() {
        open(m_longId);
        QQuickItem * v = view();
        QCOMPARE(m_chat->messages()->count(), MessageListModel::kPageSize);  // the newest page only
        QVERIFY(m_chat->messages()->hasOlder());
        QTRY_VERIFY(atEnd(v));
        item("composerInput")->forceActiveFocus();
        const qreal end = v->property("contentY").toReal();
        QTest::keyClick(m_window, Qt::Key_PageUp);
        QTRY_VERIFY(v->property("contentY").toReal() < end - 100);
        // Down again: a page or two (the heights above settle as they show) reach the end.
        for (int i = 0; i < 3 && !atEnd(v); ++i) {
            QTest::keyClick(m_window, Qt::Key_PageDown);
            // One page's scroll; the loop's condition reads where it ended.
            static_cast<void>(QTest::qWaitFor([&] { return atEnd(v); }, 200));
        }
        QTRY_VERIFY(atEnd(v));
        QTest::keyClick(m_window, Qt::Key_Home, Qt::ControlModifier);
        QTRY_COMPARE(m_chat->messages()->count(), 300);  // the whole branch, from its start
        QTRY_VERIFY(atStart(v));
        QTest::keyClick(m_window, Qt::Key_End, Qt::ControlModifier);
        QTRY_VERIFY(atEnd(v));
    }

    void searchHitScrollsIntoViewAndIsMarked() {
        m_chat->setCurrentConversationId(m_markdownId);  // a fresh open of the long chat: its newest page
        QTest::qWait(200);
        m_convs->search(QStringLiteral("zanzibar"));
        QTRY_COMPARE(m_convs->searchResults().size(), 1);  // answered from the store thread
        QElapsedTimer timer;
        timer.start();
        m_convs->openSearchResult(m_longId, m_hitId);
        QTRY_VERIFY(m_chat->messages()->rowOf(m_hitId) >= 0);  // the pages down from it, loaded off the GUI thread
        const int row = m_chat->messages()->rowOf(m_hitId);
        QQuickItem * v = view();
        QQuickItem * composer = item("composerInput");
        auto inView = [&] {
            QQuickItem * d = rowItem(row);
            if (!d) return false;
            const QRectF r = d->mapRectToItem(v, QRectF(0, 0, d->width(), d->height()));
            const qreal composerTop = composer->mapToItem(v, QPointF(0, 0)).y();
            return r.top() >= 0 && r.bottom() <= v->height() && r.bottom() < composerTop;
        };
        QTRY_VERIFY_WITH_TIMEOUT(inView(), 2000);
        const qint64 ms = timer.elapsed();
        qInfo("search hit in view after %lld ms", static_cast<long long>(ms));
        QTest::qWait(300);
        QVERIFY2(inView(), "it stays in view once the layout settles");
        QCOMPARE(m_chat->messages()->highlightId(), m_hitId);
        QQuickItem * d = rowItem(row);
        QVERIFY(d);
        QQuickItem * bubble = findItem(d, QStringLiteral("userText"), true);
        QVERIFY(bubble);
        // The matched word has the highlight's background.
        QVERIFY2(bubble->property("text").toString().contains(QStringLiteral("background-color:#f7c6a5")),
                 qPrintable(bubble->property("text").toString().left(400)));
        shoot(QStringLiteral("reading_04_search_hit"));
        m_convs->search(QString());
    }

    void minimumSizeWithCollapsedSidebar() {
        m_window->resize(760, 520);
        QTRY_COMPARE(m_window->width(), 760);
        QQuickItem * toggle = item("sidebarToggle");
        QVERIFY(toggle);
        QTest::keyClick(m_window, Qt::Key_B, Qt::ControlModifier);
        QTRY_VERIFY(!item("newChatButton"));
        QTRY_VERIFY(view()->width() > 600);  // the conversation takes the room
        shoot(QStringLiteral("reading_05_minimum_size"));
        QTest::keyClick(m_window, Qt::Key_B, Qt::ControlModifier);
        QTRY_VERIFY(item("newChatButton"));
    }

    void modelsPopupFitsTheMinimumSize() {
        QObject * popup = nullptr;
        for (QObject * o : m_engine->rootObjects().first()->findChildren<QObject *>(QStringLiteral("modelsPopup")))
            popup = o;
        QVERIFY(popup);
        QMetaObject::invokeMethod(popup, "open");
        QTRY_VERIFY(popup->property("opened").toBool());
        QTest::qWait(300);
        // Every visible button of the popup lies inside the popup.
        auto * content = popup->property("contentItem").value<QQuickItem *>();
        QVERIFY(content);
        const QRectF box = content->mapRectToScene(QRectF(0, 0, content->width(), content->height()));
        QList<QQuickItem *> stack{content};
        int buttons = 0;
        while (!stack.isEmpty()) {
            QQuickItem * i = stack.takeLast();
            if (!i->isVisible()) continue;
            stack.append(i->childItems());
            if (!i->inherits("QQuickAbstractButton") || i->width() <= 0) continue;
            const QRectF r = i->mapRectToScene(QRectF(0, 0, i->width(), i->height()));
            if (r.bottom() < 0 || r.top() > m_window->height()) continue;  // scrolled out of a list
            ++buttons;
            QVERIFY2(r.left() >= box.left() - 0.5 && r.right() <= box.right() + 0.5 && r.bottom() <= box.bottom() + 0.5,
                     qPrintable(QStringLiteral("%1 at %2,%3 %4x%5")
                                    .arg(i->property("text").toString())
                                    .arg(r.x())
                                    .arg(r.y())
                                    .arg(r.width())
                                    .arg(r.height())));
        }
        QVERIFY(buttons > 0);
        shoot(QStringLiteral("reading_06_models_minimum"));
        QMetaObject::invokeMethod(popup, "close");
    }
};

QTEST_MAIN(TestChatReading)
#include "test_chat_reading.moc"
