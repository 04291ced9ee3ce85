// Not a test: measures the chat view with a long conversation, in the real
// app's QML under Xvfb (docs/benchmarks.md has the command and the figures):
//   open     a 2000-message chat, from the call to the first frame that shows it
//            (the rows are read on the store thread; the call returns at once)
//   stream   a Markdown reply streamed at 250 tokens/s (4 characters a token,
//            fed every 16 ms through a StreamSaver posting to a StoreWorker,
//            as the controller does):
//            frames per second and the longest gap between two frames
//   finish   the reply stopping at a full context ("context_full"): the GUI
//            thread's time to queue the write and the reload, the time until
//            the view shows the finished reply, and the frame gap
// Usage: xvfb-run -a -s "-screen 0 1280x1024x24" build/tests/src/app/bench_long_chat [messages] [seconds]
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTimer>
#include <QtQml/QQmlExtensionPlugin>
#include <algorithm>
#include <cstdio>

#include "app_context.h"
#include "chat_controller.h"
#include "core/conversation_store.h"
#include "core/store_sql.h"
#include "core/store_worker.h"
#include "core/stream_saver.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Hearth;

namespace {

// A reply as models write them: prose, a list, a code block, a table.
QString replyText(int i) {
    return QStringLiteral(
               "Reply %1: here is how to do it.\n\nFirst, read the input:\n\n"
               "1. Open the file.\n2. Parse each line.\n\n"
               "```python\nfor line in open('data.txt'):\n    print(line.strip())\n```\n\n"
               "| step | cost |\n|---|---|\n| parse | low |\n\n"
               "That is all; the loop reads the file **once**.")
        .arg(i);
}

qint64 seedLongChat(ConversationStore & store, int messages) {
    Conversation c;
    c.title = QStringLiteral("A very long chat");
    const qint64 id = store.createConversation(c);
    QSqlDatabase db = store.database();
    StoreSql::Transaction tx(db);
    qint64 parent = 0;
    for (int i = 0; i < messages; ++i) {
        Message m;
        m.role = i % 2 ? MessageRole::Assistant : MessageRole::User;
        m.content = i % 2 ? replyText(i) : QStringLiteral("Question %1: how do I read a file line by line?").arg(i);
        m.createdAt = QDateTime::currentDateTimeUtc().addSecs(i - messages);
        parent = store.appendMessage(id, parent, m);
    }
    tx.commit();
    return id;
}

// Frame times of the window, from frameSwapped.
class FrameClock : public QObject {
public:
    explicit FrameClock(QQuickWindow * w) {
        m_clock.start();
        connect(w, &QQuickWindow::frameSwapped, this, [this] { m_frames.append(m_clock.nsecsElapsed() / 1e6); });
    }
    double now() const { return m_clock.nsecsElapsed() / 1e6; }
    QList<double> framesSince(double t) const {
        QList<double> out;
        for (double f : m_frames)
            if (f >= t) out.append(f);
        return out;
    }
    // Waits for the first frame after `t`; returns its time (or -1 after 5 s).
    double nextFrameAfter(double t) {
        QElapsedTimer guard;
        guard.start();
        while (guard.elapsed() < 5000) {
            for (double f : m_frames)
                if (f > t) return f;
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        }
        return -1;
    }

private:
    QElapsedTimer m_clock;
    QList<double> m_frames;
};

void wait(int ms) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
}

// Runs the event loop until `done()` (at most 5 s); false on time-out.
template <typename Fn>
bool waitFor(Fn done) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > 5000) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    }
    return true;
}

double median(QList<double> v) {
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char ** argv) {
    QGuiApplication app(argc, argv);
    const int messages = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 2000;
    const int seconds = argc > 2 ? QString::fromLocal8Bit(argv[2]).toInt() : 8;
    QTemporaryDir data;
    qputenv("HEARTH_DATA_DIR", data.path().toUtf8());
    qunsetenv("HEARTH_MODEL");
    ConversationStore store;  // the benchmark's own connection to the app's database (WAL)
    const qint64 longId = seedLongChat(store, messages);
    const qint64 shortId = seedLongChat(store, 2);

    QQuickStyle::setStyle(QStringLiteral("Basic"));
    AppContext context(nullptr);  // the app's controllers, as main.cpp makes them
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Hearth/Main.qml")));
    if (engine.rootObjects().isEmpty()) return 1;
    auto * window = qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    auto * chat = window->property("chat").value<ChatController *>();
    window->resize(1280, 840);
    window->show();
    FrameClock clock(window);
    wait(1000);

    // --- open ------------------------------------------------------------
    QList<double> opens, calls;
    for (int run = 0; run < 5; ++run) {
        chat->setCurrentConversationId(shortId);
        wait(300);
        const double t0 = clock.now();
        chat->setCurrentConversationId(longId);
        calls.append(clock.now() - t0);
        // The rows come back from the store thread; then the frame that draws them.
        waitFor([&] { return chat->messages()->count() > 2; });
        const double frame = clock.nextFrameAfter(clock.now());
        opens.append(frame - t0);
        wait(300);
    }
    std::printf(
        "open %d-message chat: median %.1f ms, max %.1f ms to the first frame (the call itself, the"
        " query queued on the store thread: median %.1f ms; %d rows loaded)\n",
        messages, median(opens), *std::max_element(opens.begin(), opens.end()), median(calls),
        chat->messages()->count());

    // --- stream ----------------------------------------------------------
    const qint64 leaf = store.conversation(longId)->activeLeafId;
    Message user;
    user.role = MessageRole::User;
    user.content = QStringLiteral("Write a long answer.");
    const qint64 userId = store.appendMessage(longId, leaf, user);
    const qint64 replyId = store.beginReply(longId, userId, GenerationInfo{});
    chat->messages()->reload();
    wait(500);
    QString source;
    for (int i = 0; source.size() < 250 * 4 * seconds; ++i) source += replyText(i) + QStringLiteral("\n\n");
    StoreWorker worker(store.path());  // as the controller's: the saves are queued on the store thread
    StreamSaver saver(&worker, replyId);
    QElapsedTimer streamClock;
    streamClock.start();
    const double s0 = clock.now();
    qsizetype fed = 0;
    double busy = 0, busiest = 0;       // GUI thread time in the updates (model, bindings, layout)
    double saving = 0, savingMost = 0;  // of which StreamSaver (queueing its SQLite writes)
    QTimer feed;
    feed.setTimerType(Qt::PreciseTimer);
    QObject::connect(&feed, &QTimer::timeout, [&] {
        const qsizetype want = qMin<qsizetype>(source.size(), streamClock.elapsed() * 250 * 4 / 1000);
        if (want <= fed) return;
        const double b0 = clock.now();
        saver.appendContent(source.mid(fed, want - fed));
        const double saved = clock.now() - b0;
        saving += saved;
        savingMost = std::max(savingMost, saved);
        fed = want;
        chat->messages()->setStreamingText(replyId, saver.content(), saver.reasoning());
        const double spent = clock.now() - b0;
        busy += spent;
        busiest = std::max(busiest, spent);
    });
    feed.start(16);
    wait(seconds * 1000);
    feed.stop();
    const double s1 = clock.now();
    const QList<double> frames = clock.framesSince(s0);
    double gap = 0;
    for (qsizetype i = 1; i < frames.size(); ++i) gap = std::max(gap, frames[i] - frames[i - 1]);
    gap = std::max(gap, frames.isEmpty() ? s1 - s0 : frames.first() - s0);
    std::printf(
        "stream %d s at 250 tok/s (%lld chars): %.1f fps, longest frame gap %.1f ms; updates took %.1f%% of"
        " the GUI thread, the longest %.1f ms (saving the text: %.1f%%, the longest %.1f ms)\n",
        seconds, static_cast<long long>(fed), frames.size() * 1000.0 / (s1 - s0), gap, 100 * busy / (s1 - s0), busiest,
        100 * saving / (s1 - s0), savingMost);

    // --- finish at a full context ----------------------------------------
    ReplyStats stats;
    stats.generatedTokens = int(fed / 4);
    stats.stopReason = QStringLiteral("context_full");
    const double f0 = clock.now();
    saver.finish(stats, {});
    // The benchmark's worker is not the controller's: reload once its write is in.
    worker.request(
        &app, [](ConversationStore &) {}, [chat] { chat->messages()->reload(); });
    const double f1 = clock.now();
    const double next = clock.nextFrameAfter(f1);
    const int row = chat->messages()->rowOf(replyId);
    waitFor([&] {
        return chat->messages()->index(row).data(MessageListModel::StopReasonRole).toString() ==
               QLatin1String("context_full");
    });
    const double shown = clock.now();
    std::printf(
        "finish at a full context: GUI thread busy %.1f ms, next frame after %.1f ms, the view has the"
        " finished reply after %.1f ms\n",
        f1 - f0, next - f0, shown - f0);
    return 0;
}
