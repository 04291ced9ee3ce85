// Selecting text across the chat's messages, in the real app's QML under Xvfb
// (no model: the chat is seeded in the store). Mouse drags go through the
// window as a user's would; Ctrl+C's clipboard text is compared exactly.
// Screenshots in test-output/:
//   selection_01_two_messages   a drag from the user's question into the reply's
//                               second paragraph: both messages highlighted
//   selection_02_thinking       a drag inside the opened thinking text
//   selection_03_word           a double click selects one word of a reply
#include <QClipboard>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

#include "chat_controller.h"
#include "chat_selection.h"
#include "core/conversation_store.h"
#include "window_test_util.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Hearth;

namespace {

const QString kQuestion = QStringLiteral("Where do pears grow best?");
const QString kThinking = QStringLiteral("The user asks about pears. Climate comes first, then soil and rain.");
const QString kReply = QStringLiteral(
    "Pears like *cool* winters.\n\nThey grow well in **Oregon** and in Belgium, "
    "where the summers are mild.\n\n```text\npear tree\n```");

qint64 seedChat(ConversationStore & store) {
    return gui_test::seedExchange(store, QStringLiteral("Pears"), kQuestion, kReply, kThinking);
}

QString plain(QString s) {
    s.replace(QChar::ParagraphSeparator, QLatin1Char('\n'));
    s.replace(QChar::LineSeparator, QLatin1Char('\n'));
    s.replace(QChar::Nbsp, QLatin1Char(' '));
    return s;
}

}  // namespace

class TestChatSelection : public QObject {
    Q_OBJECT
    QTemporaryDir m_data;
    qint64 m_chatId = 0;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow * m_window = nullptr;
    ChatController * m_chat = nullptr;

    QQuickItem * view() { return gui_test::findItem(m_window->contentItem(), QStringLiteral("messageView"), true); }
    QQuickItem * rowItem(int row) {
        QQuickItem * found = nullptr;
        QMetaObject::invokeMethod(view(), "itemAtIndex", Q_RETURN_ARG(QQuickItem *, found), Q_ARG(int, row));
        return found;
    }
    // The visible items of that name under `root`, top to bottom.
    static QList<QQuickItem *> all(QQuickItem * root, const QString & name) {
        QList<QQuickItem *> out;
        QList<QQuickItem *> stack{root};
        while (!stack.isEmpty()) {
            QQuickItem * i = stack.takeFirst();
            if (!i->isVisible()) continue;
            if (i->objectName() == name) out.append(i);
            stack.append(i->childItems());
        }
        std::sort(out.begin(), out.end(), [](QQuickItem * a, QQuickItem * b) {
            return a->mapToScene(QPointF()).y() < b->mapToScene(QPointF()).y();
        });
        return out;
    }
    ChatSelection * selection() { return m_window->findChild<ChatSelection *>(QStringLiteral("chatSelection")); }
    static QPoint scenePoint(QQuickItem * item, QPointF local) { return item->mapToScene(local).toPoint(); }
    // The text position under the window pixel that the local point falls on.
    static int positionAt(QQuickItem * text, QPointF local) {
        const QPointF snapped = text->mapFromScene(QPointF(scenePoint(text, local)));
        int pos = -1;
        QMetaObject::invokeMethod(text, "positionAt", Q_RETURN_ARG(int, pos), Q_ARG(qreal, snapped.x()),
                                  Q_ARG(qreal, snapped.y()));
        return pos;
    }
    static QString textBetween(QQuickItem * text, int start, int end) {
        QString s;
        QMetaObject::invokeMethod(text, "getText", Q_RETURN_ARG(QString, s), Q_ARG(int, start), Q_ARG(int, end));
        return plain(s);
    }
    // A user's drag: press, a few moves, release.
    void drag(QPoint from, QPoint to) {
        QTest::mousePress(m_window, Qt::LeftButton, {}, from);
        for (int i = 1; i <= 6; ++i) {
            QTest::mouseMove(m_window, from + (to - from) * i / 6);
            QTest::qWait(20);
        }
        QTest::mouseRelease(m_window, Qt::LeftButton, {}, to);
        QTest::qWait(50);
    }
    QString copied() {
        QGuiApplication::clipboard()->clear();
        QTest::keyClick(m_window, Qt::Key_C, Qt::ControlModifier);
        // Nothing copied within the wait: the caller's compare with "" says so.
        static_cast<void>(QTest::qWaitFor([] { return !QGuiApplication::clipboard()->text().isEmpty(); }, 1000));
        return QGuiApplication::clipboard()->text();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_data.isValid());
        gui_test::useDataDir(m_data);
        {
            ConversationStore store;
            m_chatId = seedChat(store);
        }
        m_window = gui_test::loadMainWindow(m_engine);
        QVERIFY(m_window);
        m_chat = gui_test::chatOf(m_window);
        QVERIFY(m_chat);
        m_chat->setCurrentConversationId(m_chatId);
        QTRY_VERIFY(view() && view()->property("count").toInt() == 2);
        QTRY_VERIFY(rowItem(1) && !all(rowItem(1), QStringLiteral("markdownText")).isEmpty());
        QTRY_VERIFY(selection());
        gui_test::restingCentre(rowItem(1));  // the rows have laid out
    }

    void dragSelectsAcrossTwoMessages() {
        QQuickItem * question = gui_test::findItem(rowItem(0), QStringLiteral("userText"), true);
        QVERIFY(question);
        const QList<QQuickItem *> paragraphs = all(rowItem(1), QStringLiteral("markdownText"));
        QCOMPARE(paragraphs.size(), 2);
        QQuickItem * second = paragraphs[1];
        // From the question's first letter to a word inside the reply's second paragraph.
        const QPointF end(second->width() * 0.3, 8);
        const int endPos = positionAt(second, end);
        QVERIFY(endPos > 3);
        drag(scenePoint(question, QPointF(1, 6)), scenePoint(second, end));
        QVERIFY(selection()->hasSelection());
        // Both messages show it: the question whole, the reply's blocks up to the point.
        QCOMPARE(question->property("selectedText").toString(), kQuestion);
        QVERIFY(!paragraphs[0]->property("selectedText").toString().isEmpty());
        QCOMPARE(second->property("selectionEnd").toInt(), endPos);
        // Whole blocks as Markdown, the cut one as plain text, in order, a blank line apart.
        const QString expected =
            kQuestion + QStringLiteral("\n\nPears like *cool* winters.\n\n") + textBetween(second, 0, endPos);
        QCOMPARE(copied(), expected);
        gui_test::saveShot(m_window, QStringLiteral("selection_01_two_messages"));

        // Upwards works the same: from inside the reply's code up into the question.
        QQuickItem * code = gui_test::findItem(rowItem(1), QStringLiteral("codeText"), true);
        QVERIFY(code);
        const QPointF inQuestion(question->width() * 0.5, 6);
        const int startPos = positionAt(question, inQuestion);
        drag(scenePoint(code, QPointF(code->width() - 2, code->height() - 2)), scenePoint(question, inQuestion));
        const QString up = copied();
        QVERIFY2(up.startsWith(kQuestion.mid(startPos) + QStringLiteral("\n\nPears like")), qPrintable(up));
        QVERIFY2(up.endsWith(QStringLiteral("```text\npear tree\n```")), qPrintable(up));  // the code card, fenced

        // A click elsewhere in the text starts afresh: nothing selected.
        QTest::mouseClick(m_window, Qt::LeftButton, {}, scenePoint(second, QPointF(4, 6)));
        QVERIFY(!selection()->hasSelection());
        QCOMPARE(question->property("selectedText").toString(), QString());
    }

    void thinkingTextIsSelectable() {
        QQuickItem * header = gui_test::findItem(rowItem(1), QStringLiteral("thinkingHeader"), true);
        QVERIFY(header);
        QTest::mouseClick(m_window, Qt::LeftButton, {},
                          scenePoint(header, QPointF(header->width() / 2, header->height() / 2)));
        QTRY_VERIFY(gui_test::findItem(rowItem(1), QStringLiteral("thinkingText"), true));
        QQuickItem * thinking = gui_test::findItem(rowItem(1), QStringLiteral("thinkingText"), true);
        QTRY_COMPARE(thinking->property("text").toString(), kThinking);
        gui_test::restingCentre(thinking);  // the section has opened
        const QPointF from(thinking->width() * 0.1, 6), to(thinking->width() * 0.5, 6);
        const int a = positionAt(thinking, from), b = positionAt(thinking, to);
        QVERIFY(b > a);
        drag(scenePoint(thinking, from), scenePoint(thinking, to));
        QCOMPARE(thinking->property("selectedText").toString(), kThinking.mid(a, b - a));
        QCOMPARE(copied(), kThinking.mid(a, b - a));
        gui_test::saveShot(m_window, QStringLiteral("selection_02_thinking"));
        // Ctrl+A in the view: every message, the thinking text included, in order.
        QTest::keyClick(m_window, Qt::Key_A, Qt::ControlModifier);
        const QString everything = copied();
        QVERIFY2(everything.startsWith(kQuestion + QStringLiteral("\n\n") + kThinking + QStringLiteral("\n\nPears")),
                 qPrintable(everything));
    }

    void doubleClickSelectsAWord() {
        QQuickItem * first = all(rowItem(1), QStringLiteral("markdownText")).value(0);
        QVERIFY(first);
        // "Pears" is the paragraph's first word.
        QTest::mouseDClick(m_window, Qt::LeftButton, {}, scenePoint(first, QPointF(6, 8)));
        QTRY_COMPARE(first->property("selectedText").toString(), QStringLiteral("Pears"));
        QCOMPARE(copied(), QStringLiteral("Pears"));
        gui_test::saveShot(m_window, QStringLiteral("selection_03_word"));
        QTest::keyClick(m_window, Qt::Key_Escape);
        QVERIFY(!selection()->hasSelection());
    }
};

QTEST_MAIN(TestChatSelection)
#include "test_chat_selection.moc"
