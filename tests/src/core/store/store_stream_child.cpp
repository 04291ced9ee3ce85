// Helper process for test_stream_saver's crash test: streams a reply into the
// database through StreamSaver until it is killed.
//
//   store_stream_child DB_PATH
//
// Prints "message ID" once, then "produced N" after every piece, where N is
// the length of the reply text so far. The text is "w0 w1 w2 ...", so the
// test can check that what was saved is a prefix of it.
#include <QCoreApplication>
#include <QTimer>
#include <cstdio>

#include "core/conversation_store.h"
#include "core/stream_saver.h"

int main(int argc, char ** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: store_stream_child DB_PATH\n");
        return 2;
    }
    Hearth::ConversationStore store(QString::fromLocal8Bit(argv[1]));
    Hearth::Conversation c;
    c.title = QStringLiteral("crash test");
    qint64 conversation = store.createConversation(c);
    Hearth::Message question;
    question.content = QStringLiteral("Count for me.");
    qint64 user = store.appendMessage(conversation, 0, question);
    qint64 reply = store.beginReply(conversation, user, Hearth::GenerationInfo{});
    std::printf("message %lld\n", static_cast<long long>(reply));
    std::fflush(stdout);

    Hearth::StreamSaver saver(&store, reply);
    int i = 0;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        saver.appendContent(QStringLiteral("w%1 ").arg(i++));
        std::printf("produced %lld\n", static_cast<long long>(saver.content().size()));
        std::fflush(stdout);
    });
    tick.start(2);
    // A safety net: never outlive a test that forgot to kill us.
    QTimer::singleShot(60000, &app, [] { QCoreApplication::exit(3); });
    return app.exec();
}
