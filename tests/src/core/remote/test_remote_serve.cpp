// The remote engine against a real `hearth-cli serve` on 127.0.0.1 (the
// stories260K fixture, an API key): the model list with its context size, a
// streamed reply with the server's usage, cancel mid-stream, and the key
// right and wrong.
#include <QSignalSpy>
#include <QtTest>

#include "common/fixtures.h"
#include "core/remote_engine.h"
#include "server_process.h"

using namespace Hearth;
using server_test::ServerProcess;

namespace {

const QString kKey = QStringLiteral("k-remote-123");

Message userMessage(const QString & text) {
    Message m;
    m.role = MessageRole::User;
    m.content = text;
    return m;
}

}  // namespace

class TestRemoteServe : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerProcess> m_server;

    RemoteEndpoint endpoint(const QString & key = kKey) const {
        return RemoteEndpoint{QStringLiteral("Hearth box"), QString::fromStdString(m_server->baseUrl()), key};
    }

    // Lists the endpoint's models through the engine, as the picker does.
    static QList<QVariant> listed(RemoteEngine & engine, const RemoteEndpoint & e) {
        QSignalSpy spy(&engine, &RemoteEngine::modelsListed);
        engine.listModels(e);
        if (!spy.wait(20000)) return {};
        return spy[0];
    }

private slots:
    void initTestCase() {
        const std::string stories = HEARTH_FIXTURE("models/stories260K.gguf");
        m_server = std::make_unique<ServerProcess>(
            HEARTH_CLI, QStringList{"-m", QString::fromStdString(stories), "--api-key", kKey, "--threads", "1"});
        QVERIFY2(m_server->waitReady(), qPrintable(m_server->error()));
    }

    void listModels() {
        RemoteEngine engine;
        const QList<QVariant> ok = listed(engine, endpoint());
        QVERIFY(!ok.isEmpty());
        QCOMPARE(ok[2].toString(), QString());
        const auto models = ok[1].value<QList<RemoteModel>>();
        QCOMPARE(models.size(), 1);
        QCOMPARE(models[0].id, QStringLiteral("stories260K"));
        QCOMPARE(models[0].contextSize, 2048);

        const QList<QVariant> refused = listed(engine, endpoint(QStringLiteral("not-the-key")));
        QVERIFY(!refused.isEmpty());
        QVERIFY2(refused[2].toString().contains(QLatin1String("HTTP 401")), qPrintable(refused[2].toString()));
        QVERIFY(refused[2].toString().contains(QLatin1String("API key")));
        QVERIFY(!refused[2].toString().contains(QLatin1String("not-the-key")));
    }

    void streamReply() {
        RemoteEngine engine;
        engine.setModel(RemoteModel{endpoint(), QStringLiteral("stories260K"), 2048});
        QSignalSpy text(&engine, &RemoteEngine::textReceived);
        QSignalSpy done(&engine, &RemoteEngine::generationFinished);
        QSignalSpy planned(&engine, &RemoteEngine::contextPlanned);
        GenerationSettings s;
        s.temperature = 0;
        s.maxTokens = 40;
        engine.generate(1, {userMessage(QStringLiteral("Once upon a time"))}, s);
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
        const auto result = done[0][1].value<GenerationResult>();
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QString streamed;
        for (const auto & args : text) streamed += args[1].toString();
        QVERIFY(!streamed.isEmpty());
        QCOMPARE(streamed, result.content);
        QVERIFY(result.stats.promptTokens > 0);
        QVERIFY(result.stats.generatedTokens > 0 && result.stats.generatedTokens <= 40);
        QVERIFY2(result.stats.stopReason == QLatin1String("length") || result.stats.stopReason == QLatin1String("eos"),
                 qPrintable(result.stats.stopReason));
        QVERIFY(result.stats.generationTokensPerSecond > 0);  // Hearth's timings
        QCOMPARE(planned.size(), 1);
        QCOMPARE(planned[0][1].value<ContextUsage>().contextSize, 2048);
        QCOMPARE(planned[0][1].value<ContextUsage>().promptTokens, result.stats.promptTokens);

        // Greedy: the same request streams the same text again.
        engine.generate(2, {userMessage(QStringLiteral("Once upon a time"))}, s);
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 2, 60000);
        QCOMPARE(done[1][1].value<GenerationResult>().content, result.content);
    }

    void cancelMidStream() {
        RemoteEngine engine;
        engine.setModel(RemoteModel{endpoint(), QStringLiteral("stories260K"), 2048});
        QSignalSpy text(&engine, &RemoteEngine::textReceived);
        QSignalSpy done(&engine, &RemoteEngine::generationFinished);
        GenerationSettings s;
        s.maxTokens = 0;  // until the context is full: far longer than the cancel takes
        engine.generate(3, {userMessage(QStringLiteral("Tell me a story"))}, s);
        QTRY_VERIFY_WITH_TIMEOUT(text.size() > 0, 60000);
        engine.cancel(3);
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 10000);
        const auto result = done[0][1].value<GenerationResult>();
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(result.stats.stopReason, QStringLiteral("user"));
        QVERIFY(!result.content.isEmpty());
        // The server is still fine for the next request.
        s.maxTokens = 5;
        engine.generate(4, {userMessage(QStringLiteral("Hello"))}, s);
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 2, 60000);
        QVERIFY(done[1][1].value<GenerationResult>().error.isEmpty());
    }

    void wrongKey() {
        RemoteEngine engine;
        engine.setModel(RemoteModel{endpoint(QStringLiteral("bad")), QStringLiteral("stories260K"), 2048});
        QSignalSpy done(&engine, &RemoteEngine::generationFinished);
        engine.generate(5, {userMessage(QStringLiteral("Hi"))}, {});
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 20000);
        const auto result = done[0][1].value<GenerationResult>();
        QVERIFY2(result.error.contains(QLatin1String("HTTP 401")), qPrintable(result.error));
        QCOMPARE(result.stats.stopReason, QStringLiteral("error"));
    }
};

QTEST_GUILESS_MAIN(TestRemoteServe)
#include "test_remote_serve.moc"
