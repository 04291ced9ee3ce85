// The real app's QML (loaded as main.cpp loads it) under Xvfb, with a
// temporary data directory and the stories260K fixture model: types a
// message, sends it with Enter, waits for the streamed reply, and saves
// screenshots of the key moments to test-output/:
//   01_welcome_no_model   first run, no model: the empty state
//   02_ready_empty        model loaded, new chat with suggestions
//   03_streaming          the reply streaming, Stop button shown
//   04_reply              the finished reply with its stats line
//   05_sidebar            several conversations, one pinned
//   06_rich_reply         Markdown, a code block, thinking and a tool call
//   07_dark_reply         the same in the dark theme
//   08_dark_settings      the settings drawer (dark)
//   09_undo_toast         a deleted conversation with its Undo toast
//   10_interrupted        a reply interrupted by a crash, Continue/Regenerate
//   11_load_error         a corrupt model file's error, the working model kept
//   12_models_page        the model manager over the chat
//   13_export_menu        the top bar's Export menu on the rich conversation
//   14_export_dialog      the save dialog for "Export as Markdown…"
//   15_export_done        the toast after the export, with "Show"
//   16_conversation_menu  a sidebar conversation's menu (rename, pin, exports, delete)
//   17_imported           a JSON export imported back: the copy open, its toast
//   18_search             Ctrl+F and a query: hits with the matched words marked
//   19_thinking_open      the rich reply's reasoning block expanded ("Thought for 12 s")
//   20_context_full       a reply stopped by a full context (256 tokens): Continue, the meter full and its warning
//   21_context_notice     the continued reply with the notice of the turns the rolling window left out
//   22_context_policy     the settings drawer's context policy (this chat's and the app's default)
#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

#include "chat_controller.h"
#include "common/fixtures.h"
#include "core/conversation_store.h"
#include "hearth/gguf.h"
#include "hearth/tokenizer.h"
#include "window_test_util.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Hearth;

namespace {

constexpr int kTimeoutMs = 60000;
using gui_test::findItem;
using gui_test::meanLightness;

// Pixels close to the accent colour #e8743b.
int accentPixels(const QImage & img) {
    int n = 0;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2) {
            const QColor c(img.pixel(x, y));
            if (qAbs(c.red() - 0xe8) < 24 && qAbs(c.green() - 0x74) < 24 && qAbs(c.blue() - 0x3b) < 24) ++n;
        }
    return n;
}

// QTest::keyClicks takes only widgets: one key click per character.
void typeText(QWindow * window, const QString & text) {
    for (QChar c : text) QTest::keyClick(window, c.toLatin1());
}

qint64 seedRichConversation(ConversationStore & store) {
    Conversation c;
    c.title = QStringLiteral("Reverse a list in Python");
    const qint64 id = store.createConversation(c);
    Message user;
    user.role = MessageRole::User;
    user.content = QStringLiteral("How do I reverse a list in Python? And what's the weather in Paris?");
    const qint64 u = store.appendMessage(id, 0, user);
    GenerationInfo info;
    info.modelFile = QStringLiteral("qwen3-0.6b-q8_0.gguf");
    info.seed = 42;
    const qint64 r = store.beginReply(id, u, info);
    ReplyStats stats;
    stats.promptTokens = 31;
    stats.generatedTokens = 96;
    stats.generationTokensPerSecond = 41.7;
    stats.timeToFirstTokenMs = 184;
    stats.stopReason = QStringLiteral("eos");
    stats.thinkingMs = 12400;  // persisted: the block says "Thought for 12 s" in a fresh app
    const QJsonArray calls{QJsonObject{
        {"id", "call_0"}, {"name", "get_weather"}, {"arguments", QJsonObject{{"city", "Paris"}, {"unit", "celsius"}}}}};
    store.finishReply(r,
                      QStringLiteral("There are **two** common ways:\n\n"
                                     "1. `reversed()` returns an iterator and leaves the list alone.\n"
                                     "2. Slicing with a step of -1 makes a reversed copy:\n\n"
                                     "```python\nnumbers = [1, 2, 3, 4]\nbackwards = numbers[::-1]\n"
                                     "numbers.reverse()  # in place\n```\n\n"
                                     "For the weather, I'll ask the weather tool."),
                      QStringLiteral("The user wants two things. Reversing: list.reverse(), reversed(), slicing. "
                                     "Weather needs the tool."),
                      calls, stats);
    return id;
}

qint64 seedInterrupted(ConversationStore & store) {
    Conversation c;
    c.title = QStringLiteral("A story about a fox");
    const qint64 id = store.createConversation(c);
    Message user;
    user.role = MessageRole::User;
    user.content = QStringLiteral("Tell me a story about a fox.");
    const qint64 u = store.appendMessage(id, 0, user);
    GenerationInfo info;
    info.modelFile = QStringLiteral("stories260K.gguf");
    info.seed = 9;
    const qint64 r = store.beginReply(id, u, info);
    store.saveStreamingText(r, QStringLiteral("Once upon a time, there was a little fox named Sam. Sam"), QString());
    return id;  // left `streaming`: the next open marks it interrupted
}

}  // namespace

class TestChatWindow : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_data;
    QString m_model;
    qint64 m_richId = 0;
    qint64 m_interruptedId = 0;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow * m_window = nullptr;
    ChatController * m_chat = nullptr;
    ConversationsController * m_convs = nullptr;    // the sidebar (App.conversations)
    ChatModelController * m_chatModel = nullptr;    // which model answers (App.chatModel)
    ChatSettingsController * m_settings = nullptr;  // the open chat's settings (App.chatSettings)

    QImage shoot(const QString & name, bool settle = true) {
        if (settle) QTest::qWait(150);  // let animations and layout settle
        return gui_test::saveShot(m_window, name);
    }
    QQuickItem * item(const char * name) {
        QQuickItem * i = findItem(m_window->contentItem(), QLatin1String(name), true);
        return i ? i : findItem(m_window->contentItem(), QLatin1String(name), false);
    }
    bool shown(const char * name) {
        QQuickItem * i = item(name);
        if (!i) qWarning("no item named %s", name);
        return i && i->isVisible();
    }

    // A story text of at least `n` tokens of the fixture's vocabulary.
    QString textOfTokens(int n, const QString & who) {
        const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(hearth::GgufFile::open(m_model.toStdString()));
        QString text;
        for (int i = 0; int(tok.tokenize(text.toStdString(), false).size()) < n; ++i)
            text += QStringLiteral("%1 found %2 shiny stones by the river. ").arg(who).arg(i + 1);
        return text.trimmed();
    }

    void typeAndSend(const QString & text) {
        QQuickItem * input = item("composerInput");
        QVERIFY(input);
        input->forceActiveFocus();
        typeText(m_window, text);
        QTest::keyClick(m_window, Qt::Key_Return);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_data.isValid());
        m_model = QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf"));
        gui_test::useDataDir(m_data);
        {
            ConversationStore store;  // the app's own database, in the temp data dir
            QCOMPARE(QFileInfo(store.path()).absolutePath(), QDir(m_data.path()).absolutePath());
            m_richId = seedRichConversation(store);
            m_interruptedId = seedInterrupted(store);
        }
        m_window = gui_test::loadMainWindow(m_engine);
        QVERIFY(m_window);
        m_chat = gui_test::chatOf(m_window);
        QVERIFY(m_chat);
        m_convs = gui_test::conversationsOf(m_window);
        QVERIFY(m_convs);
        m_chatModel = gui_test::chatModelOf(m_window);
        QVERIFY(m_chatModel);
        m_settings = gui_test::chatSettingsOf(m_window);
        QVERIFY(m_settings);
    }

    void welcomeWithoutModel() {
        QCOMPARE(m_chatModel->modelState(), ChatModelController::NoModel);
        QCOMPARE(m_convs->list()->count(), 2);  // the seeded ones
        QVERIFY(shown("emptyState"));
        QVERIFY(shown("downloadModelButton"));
        QVERIFY(shown("openModelButton"));
        const QImage shot = shoot(QStringLiteral("01_welcome_no_model"));
        QCOMPARE(shot.size(), m_window->size() * m_window->devicePixelRatio());
        QVERIFY2(accentPixels(shot) > 500, "the accent-coloured button and logo are drawn");
        QVERIFY(meanLightness(shot) > 180);  // the light theme (Xvfb has a light palette)
    }

    void loadModelShowsReadyState() {
        m_chatModel->loadModel(m_model);
        QTRY_COMPARE_WITH_TIMEOUT(m_chatModel->modelState(), ChatModelController::Ready, kTimeoutMs);
        QCOMPARE(m_chatModel->modelName(), QStringLiteral("stories260K"));
        QVERIFY(!shown("downloadModelButton"));
        shoot(QStringLiteral("02_ready_empty"));
    }

    void typeSendAndStream() {
        m_settings->setSetting(QStringLiteral("maxTokens"), 200);
        m_settings->setSetting(QStringLiteral("seed"), 11);
        QQuickItem * input = item("composerInput");
        QVERIFY(input);
        input->forceActiveFocus();
        typeText(m_window, QStringLiteral("Tell me a story"));
        QTest::keyClick(m_window, Qt::Key_Return, Qt::ShiftModifier);  // a new line, not a send
        QCOMPARE(m_chat->completedReplies(), 0);
        QVERIFY(!m_chat->generating());
        QCOMPARE(input->property("text").toString(), QStringLiteral("Tell me a story\n"));
        typeText(m_window, QStringLiteral("about a brave little cat."));
        QTest::keyClick(m_window, Qt::Key_Return);
        QVERIFY(m_chat->generating());
        QCOMPARE(input->property("text").toString(), QString());  // sent and cleared
        QVERIFY(item("stopButton"));
        shoot(QStringLiteral("03_streaming"), false);  // at once: the tiny model is quick

        QTRY_COMPARE_WITH_TIMEOUT(m_chat->completedReplies(), 1, kTimeoutMs);
        QCOMPARE(m_chat->messages()->count(), 2);
        const QModelIndex reply = m_chat->messages()->index(1);
        QVERIFY(!reply.data(MessageListModel::ContentRole).toString().isEmpty());
        QCOMPARE(m_chat->messages()->index(0).data(MessageListModel::ContentRole).toString(),
                 QStringLiteral("Tell me a story\nabout a brave little cat."));
        QTRY_VERIFY(shown("replyStats"));
        QVERIFY(item("replyStats")->property("text").toString().contains(QStringLiteral("tok/s")));
        shoot(QStringLiteral("04_reply"));
    }

    void sidebarWithConversations() {
        QTest::keyClick(m_window, Qt::Key_N, Qt::ControlModifier);
        QCOMPARE(m_chat->currentConversationId(), 0);
        typeAndSend(QStringLiteral("Once upon a time there was a dragon"));
        QTRY_COMPARE_WITH_TIMEOUT(m_chat->completedReplies(), 2, kTimeoutMs);
        QCOMPARE(m_convs->list()->count(), 4);
        m_convs->togglePinned(m_richId);
        QTRY_COMPARE(m_convs->list()->index(0).data(ConversationListModel::IdRole).toLongLong(), m_richId);
        shoot(QStringLiteral("05_sidebar"));
    }

    void richReplyRendering() {
        m_chat->setCurrentConversationId(m_richId);
        QTRY_COMPARE(m_chat->messages()->count(), 2);  // read on the store thread
        QTRY_VERIFY(shown("copyCodeButton"));
        QTRY_VERIFY(shown("thinkingHeader"));
        QCOMPARE(item("thinkingHeader")->property("text").toString(), QStringLiteral("▸ Thought for 12 s"));
        shoot(QStringLiteral("06_rich_reply"));
        // A click opens the block; another closes it again.
        QQuickItem * header = item("thinkingHeader");
        const QPoint at = header->mapToScene(header->boundingRect().center()).toPoint();
        QTest::mouseClick(m_window, Qt::LeftButton, {}, at);
        QTRY_COMPARE(header->property("text").toString(), QStringLiteral("▾ Thought for 12 s"));
        shoot(QStringLiteral("19_thinking_open"));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, at);
        QTRY_COMPARE(header->property("text").toString(), QStringLiteral("▸ Thought for 12 s"));
    }

    void darkTheme() {
        const int light = meanLightness(m_window->grabWindow());
        m_window->setProperty("themeMode", QStringLiteral("dark"));
        const QImage dark = shoot(QStringLiteral("07_dark_reply"));
        QVERIFY2(meanLightness(dark) < light - 100, "the dark theme is dark");
        QObject * drawer = gui_test::openPopup(m_window, QStringLiteral("settingsDrawer"));
        QVERIFY(drawer);
        QTRY_COMPARE(drawer->property("position").toDouble(), 1.0);
        shoot(QStringLiteral("08_dark_settings"));
        QMetaObject::invokeMethod(drawer, "close");
        QTRY_COMPARE(drawer->property("position").toDouble(), 0.0);
        m_window->setProperty("themeMode", QStringLiteral("light"));
    }

    void deleteShowsUndo() {
        const int before = m_convs->list()->count();
        m_convs->deleteConversation(m_convs->list()->index(1).data(ConversationListModel::IdRole).toLongLong());
        QTRY_COMPARE(m_convs->list()->count(), before - 1);
        QTRY_VERIFY(shown("undoToast"));
        shoot(QStringLiteral("09_undo_toast"));
        m_convs->undoDelete();
        QTRY_COMPARE(m_convs->list()->count(), before);
        QVERIFY(!shown("undoToast"));
    }

    void exportFromTheMenu() {
        m_chat->setCurrentConversationId(m_richId);
        QTRY_VERIFY(shown("chatMenuButton"));
        QQuickItem * button = item("chatMenuButton");
        QTest::mouseClick(m_window, Qt::LeftButton, {}, button->mapToScene(button->boundingRect().center()).toPoint());
        QObject * menu = m_window->findChild<QObject *>(QStringLiteral("chatMenu"));
        QVERIFY(menu);
        QTRY_VERIFY(menu->property("opened").toBool());
        shoot(QStringLiteral("13_export_menu"));
        QMetaObject::invokeMethod(menu, "close");
        QTRY_VERIFY(!menu->property("visible").toBool());

        // "Export as Markdown…" opens the save dialog with a proposed name.
        QObject * dialogs = m_window->findChild<QObject *>(QStringLiteral("exportDialogs"));
        QVERIFY(dialogs);
        // The dialogs open where the last export went; start in the temp dir, not the home folder.
        dialogs->setProperty("lastFolder", QUrl::fromLocalFile(m_data.path()).toString());
        QMetaObject::invokeMethod(dialogs, "exportConversation", Q_ARG(QVariant, m_richId),
                                  Q_ARG(QVariant, QStringLiteral("Reverse a list in Python")), Q_ARG(QVariant, "md"),
                                  Q_ARG(QVariant, false));
        QObject * dialog = m_window->findChild<QObject *>(QStringLiteral("exportSaveDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->property("visible").toBool());
        QVERIFY(dialog->property("currentFile")
                    .toUrl()
                    .toString()
                    .endsWith(QStringLiteral("%1-reverse-a-list-in-python.md").arg(m_richId)));
        QTest::qWait(300);  // the dialog's folder listing fills in
        shoot(QStringLiteral("14_export_dialog"));

        // Accepting the proposed name writes the file on the worker thread, then a toast says so.
        const QString out = m_data.filePath(QStringLiteral("%1-reverse-a-list-in-python.md").arg(m_richId));
        QVERIFY(!QFile::exists(out));
        QMetaObject::invokeMethod(dialog, "accept");
        QTRY_VERIFY(!dialog->property("visible").toBool());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out), 10000);
        QTRY_VERIFY(shown("infoToast"));
        QVERIFY(
            item("infoToast")->property("message").toString().contains(QStringLiteral("-reverse-a-list-in-python.md")));
        QFile md(out);
        QVERIFY(md.open(QIODevice::ReadOnly));
        const QByteArray text = md.readAll();
        QVERIFY(text.contains("<details><summary>Thought for 12 s</summary>"));
        QVERIFY(text.contains("title: \"Reverse a list in Python\""));
        shoot(QStringLiteral("15_export_done"));
        QMetaObject::invokeMethod(item("infoToast"), "hide");
    }

    void conversationMenuAndImport() {
        // Right-click a conversation in the sidebar.
        QQuickItem * list = item("conversationList");
        QVERIFY(list);
        QQuickItem * row = nullptr;
        QMetaObject::invokeMethod(list, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, row), Q_ARG(int, 0));
        QVERIFY(row);
        QTest::mouseClick(m_window, Qt::RightButton, {}, row->mapToScene(QPointF(60, row->height() / 2)).toPoint());
        QObject * menu = row->findChild<QObject *>(QStringLiteral("conversationMenu"));  // each row has its own
        QVERIFY(menu);
        QTRY_VERIFY(menu->property("opened").toBool());
        // It opens where the row was clicked, not wherever the pointer last was.
        QVERIFY2(qAbs(menu->property("y").toReal() - row->height() / 2) < 2,
                 qPrintable(QString::number(menu->property("y").toReal())));
        shoot(QStringLiteral("16_conversation_menu"));
        QMetaObject::invokeMethod(menu, "close");
        QTRY_VERIFY(!menu->property("visible").toBool());

        // Export the rich conversation as JSON, then import that file.
        QObject * dialogs = m_window->findChild<QObject *>(QStringLiteral("exportDialogs"));
        auto * exporter = dialogs->property("exporter").value<QObject *>();
        QVERIFY(exporter);
        const QString json = m_data.filePath(QStringLiteral("rich.json"));
        QSignalSpy finished(exporter, SIGNAL(finished(bool, QString, QString)));
        bool started = false;
        QMetaObject::invokeMethod(exporter, "exportConversation", Q_RETURN_ARG(bool, started), Q_ARG(qint64, m_richId),
                                  Q_ARG(QString, QStringLiteral("Reverse a list in Python")), Q_ARG(QString, json),
                                  Q_ARG(QString, QStringLiteral("json")), Q_ARG(bool, false));
        QVERIFY(started);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QVERIFY(finished[0][0].toBool());

        const int before = m_convs->list()->count();
        QVariant ok;
        QMetaObject::invokeMethod(dialogs, "importFrom", Q_RETURN_ARG(QVariant, ok),
                                  Q_ARG(QVariant, QUrl::fromLocalFile(json).toString()));
        QVERIFY(ok.toBool());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
        QVERIFY2(finished[1][0].toBool(), qPrintable(finished[1][1].toString()));
        QTRY_COMPARE(m_convs->list()->count(), before + 1);
        QTRY_VERIFY(m_chat->currentConversationId() != m_richId);  // the imported copy is open
        QTRY_COMPARE(m_chat->currentTitle(), QStringLiteral("Reverse a list in Python"));
        QTRY_VERIFY(shown("thinkingHeader"));
        QCOMPARE(item("thinkingHeader")->property("text").toString(), QStringLiteral("▸ Thought for 12 s"));
        QTRY_VERIFY(shown("infoToast"));
        QCOMPARE(item("infoToast")->property("message").toString(),
                 QStringLiteral("Imported 1 conversation from rich.json"));
        QCOMPARE(item("infoToast")->property("actionText").toString(), QString());  // no "Show" for an import
        shoot(QStringLiteral("17_imported"));
        QMetaObject::invokeMethod(item("infoToast"), "hide");
    }

    void searchFromTheKeyboard() {
        m_chat->newChat();
        QTest::keyClick(m_window, Qt::Key_F, Qt::ControlModifier);
        QQuickItem * field = item("searchField");
        QVERIFY(field);
        QTRY_VERIFY(field->hasActiveFocus());
        typeText(m_window, QStringLiteral("weather"));
        QTRY_VERIFY(m_convs->searchResults().size() >= 2);  // the rich chat and its imported copy
        shoot(QStringLiteral("18_search"));
        const QVariantMap hit = m_convs->searchResults().first().toMap();
        m_convs->openSearchResult(hit.value("conversationId").toLongLong(), hit.value("messageId").toLongLong());
        QCOMPARE(m_chat->currentConversationId(), hit.value("conversationId").toLongLong());
        QTRY_VERIFY(m_chat->messages()->rowOf(hit.value("messageId").toLongLong()) >= 0);
        QTest::keyClick(m_window, Qt::Key_Escape);  // clears the search
        QTRY_COMPARE(field->property("text").toString(), QString());
    }

    void interruptedReply() {
        m_chat->setCurrentConversationId(m_interruptedId);
        QTRY_COMPARE(m_chat->messages()->index(1).data(MessageListModel::StateRole).value<MessageState>(),
                     MessageState::Interrupted);
        QTRY_VERIFY(shown("continueButton"));
        shoot(QStringLiteral("10_interrupted"));
        const int done = m_chat->completedReplies();
        QVERIFY(m_chat->continueReply(m_chat->messages()->index(1).data(MessageListModel::IdRole).toLongLong()));
        QTRY_COMPARE_WITH_TIMEOUT(m_chat->completedReplies(), done + 1, kTimeoutMs);
        QVERIFY(m_chat->messages()
                    ->index(1)
                    .data(MessageListModel::ContentRole)
                    .toString()
                    .startsWith(QStringLiteral("Once upon a time, there was a little fox named Sam. Sam")));
    }

    // Chatting into a 256-token context: the reply that hits the limit stays,
    // says why it stopped, and continues after the oldest turn makes room;
    // the GUI thread never stalls meanwhile.
    void contextFullAndTheMeter() {
        m_chat->newChat();
        m_settings->setSetting(QStringLiteral("contextSize"), 256);
        QTRY_COMPARE_WITH_TIMEOUT(m_chat->context()->size(), 256, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_chatModel->modelState(), ChatModelController::Ready, kTimeoutMs);
        m_settings->setSetting(QStringLiteral("maxTokens"), 12);
        int done = m_chat->completedReplies();
        QVERIFY(m_chat->send(textOfTokens(30, QStringLiteral("Tom"))));
        QTRY_COMPARE_WITH_TIMEOUT(m_chat->completedReplies(), done + 1, kTimeoutMs);
        ++done;
        m_settings->setSetting(QStringLiteral("maxTokens"), 0);
        m_settings->setSetting(QStringLiteral("temperature"), 1.0);
        m_settings->setSetting(QStringLiteral("seed"), -1);

        // The GUI thread's longest pause while replies run into the limit.
        QElapsedTimer clock;
        qint64 last = 0, worst = 0;
        QTimer tick;
        connect(&tick, &QTimer::timeout, [&] {
            worst = qMax(worst, clock.elapsed() - last);
            last = clock.elapsed();
        });
        clock.start();
        tick.start(5);
        QVERIFY(m_chat->send(textOfTokens(40, QStringLiteral("Mia"))));
        QTRY_COMPARE_WITH_TIMEOUT(m_chat->completedReplies(), done + 1, kTimeoutMs);
        ++done;
        auto stop = [&] { return m_chat->messages()->index(3).data(MessageListModel::StopReasonRole).toString(); };
        for (int i = 0; i < 6 && stop() != QLatin1String("context_full"); ++i) {
            QVERIFY(m_chat->regenerate(m_chat->messages()->index(3).data(MessageListModel::IdRole).toLongLong()));
            QTRY_COMPARE_WITH_TIMEOUT(m_chat->completedReplies(), done + 1, kTimeoutMs);
            ++done;
        }
        QCOMPARE(stop(), QStringLiteral("context_full"));
        QCOMPARE(m_chat->errorMessage(), QString());  // no red error
        QTRY_VERIFY(shown("continueBar"));
        QVERIFY(item("continueReason")->property("text").toString().contains(QStringLiteral("context is full")));
        QCOMPARE(item("contextMeterText")->property("text").toString(), QStringLiteral("256 / 256 tokens"));
        QCOMPARE(item("composerHint")->property("text").toString(), m_chat->context()->warning());
        QQuickItem * view = item("messageView");
        QQuickItem * row = nullptr;
        QMetaObject::invokeMethod(view, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, row), Q_ARG(int, 3));
        QVERIFY(row);
        QQuickItem * stats = findItem(row, QStringLiteral("replyStats"), true);
        QVERIFY(stats);
        QVERIFY2(stats->property("text").toString().endsWith(QStringLiteral("context full")),
                 qPrintable(stats->property("text").toString()));
        shoot(QStringLiteral("20_context_full"));

        QQuickItem * button = item("continueButton");
        QVERIFY(button && button->isVisible());
        QTest::mouseClick(m_window, Qt::LeftButton, {}, button->mapToScene(button->boundingRect().center()).toPoint());
        QTRY_COMPARE_WITH_TIMEOUT(m_chat->completedReplies(), done + 1, kTimeoutMs);
        ++done;
        tick.stop();
        QCOMPARE(m_chat->errorMessage(), QString());
        QTRY_VERIFY(shown("contextNotice"));
        QVERIFY(m_chat->context()->notice().contains(QStringLiteral("left out")));
        shoot(QStringLiteral("21_context_notice"));
        qInfo("longest GUI-thread pause while replies reached the context limit: %lld ms", worst);
        QVERIFY2(worst < 500, qPrintable(QString::number(worst)));

        QObject * drawer = gui_test::openPopup(m_window, QStringLiteral("settingsDrawer"));
        QTRY_COMPARE(drawer->property("position").toDouble(), 1.0);
        QQuickItem * policy = item("contextPolicyBox");
        QVERIFY(policy && policy->isVisible());
        QCOMPARE(policy->property("currentValue").toString(), QString());  // the app's default
        m_settings->setSetting(QStringLiteral("contextOverflow"), QStringLiteral("truncate_middle"));
        QTRY_COMPARE(policy->property("currentText").toString(), QStringLiteral("Truncate middle"));
        shoot(QStringLiteral("22_context_policy"));
        QMetaObject::invokeMethod(drawer, "close");
        QTRY_COMPARE(drawer->property("position").toDouble(), 0.0);

        m_settings->setSetting(QStringLiteral("contextSize"), 0);
        QTRY_COMPARE_WITH_TIMEOUT(m_chat->context()->size(), 2048, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_chatModel->modelState(), ChatModelController::Ready, kTimeoutMs);
    }

    void modelsPageOpensFromTheApp() {
        QObject * popup = m_window->findChild<QObject *>(QStringLiteral("modelsPopup"));
        QVERIFY(popup);
        QMetaObject::invokeMethod(popup, "open");
        QTRY_VERIFY(popup->property("opened").toBool());
        auto * content = popup->property("contentItem").value<QQuickItem *>();
        QVERIFY(content);
        // The page's QML components (and the Theme singleton) resolve in the real app's engine.
        QQuickItem * page = findItem(content, QStringLiteral("modelsPage"), true);
        QVERIFY(page);
        QVERIFY(page->width() > 600 && page->height() > 400);
        shoot(QStringLiteral("12_models_page"));
        QMetaObject::invokeMethod(popup, "close");
        QTRY_VERIFY(!popup->property("visible").toBool());
    }

    void loadErrorShown() {
        const QString bad = m_data.filePath(QStringLiteral("broken-model.gguf"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("GGUF\x03\0\0\0", 8) + QByteArray(64, '\x7f'));
        f.close();
        m_chat->newChat();
        m_chatModel->loadModel(bad);
        // The model that worked is loaded again, and the chat says why the other one did not load
        // (without a working model: the empty state's error card, test_everyday_window).
        QTRY_VERIFY_WITH_TIMEOUT(!m_chatModel->loadNotice().isEmpty(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_chatModel->modelState(), ChatModelController::Ready, kTimeoutMs);
        QTRY_VERIFY(shown("loadNotice"));
        shoot(QStringLiteral("11_load_error"));
    }

    void cleanupTestCase() {
        m_engine.reset();  // the controller stops the engine thread
    }
};

QTEST_MAIN(TestChatWindow)
#include "test_chat_window.moc"
