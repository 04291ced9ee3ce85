// bench_store: how long listing 10,000 conversations takes (the sidebar's
// query; the target is under 200 ms). A benchmark that prints figures, not a
// test: run it by hand.
//
//   bench_store [DB_PATH] [COUNT]
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>

#include "core/conversation_store.h"
#include "core/store_sql.h"

using namespace Hearth;

int main(int argc, char ** argv) {
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    QString path = argc > 1 ? QString::fromLocal8Bit(argv[1]) : dir.filePath("bench.sqlite");
    int count = argc > 2 ? std::atoi(argv[2]) : 10000;
    QFile::remove(path);

    QElapsedTimer timer;
    timer.start();
    {
        ConversationStore store(path);
        QSqlDatabase db = store.database();
        StoreSql::Transaction tx(db);
        for (int i = 0; i < count; ++i) {
            Conversation c;
            c.title = QStringLiteral("Conversation %1 about something worth a title").arg(i);
            c.model = QStringLiteral("qwen3-0.6b-q8_0.gguf");
            c.systemPrompt = QStringLiteral("You are a helpful assistant.");
            c.sampling = QJsonObject{{"temperature", 0.7}, {"top_p", 0.9}, {"top_k", 40}, {"seed", i}};
            c.pinned = i % 97 == 0;
            c.createdAt = QDateTime::fromMSecsSinceEpoch(Q_INT64_C(1767607200000) + qint64(i) * 60000, Qt::UTC);
            qint64 id = store.createConversation(c);
            Message m;
            m.content = QStringLiteral("Question number %1").arg(i);
            m.createdAt = c.createdAt;
            Message row = m;
            store.appendMessage(id, 0, row);
        }
        tx.commit();
    }
    std::printf("created %d conversations (one message each) in %lld ms\n", count, timer.elapsed());

    ConversationStore store(path);  // a fresh connection: nothing cached in it yet
    QList<double> runs;
    int listed = 0;
    for (int run = 0; run < 11; ++run) {
        QElapsedTimer t;
        t.start();
        QList<Conversation> list = store.listConversations();
        runs.append(double(t.nsecsElapsed()) / 1e6);
        listed = int(list.size());
    }
    double first = runs.first();
    std::sort(runs.begin(), runs.end());
    std::printf("listConversations(): %d rows; first %.1f ms, median %.1f ms, max %.1f ms (target < 200 ms)\n", listed,
                first, runs[runs.size() / 2], runs.last());

    QElapsedTimer t;
    t.start();
    QList<SearchHit> hits = store.search(QStringLiteral("question 42"), 50);
    std::printf("search('question 42'): %lld hits in %.1f ms\n", static_cast<long long>(hits.size()),
                double(t.nsecsElapsed()) / 1e6);
    return 0;
}
