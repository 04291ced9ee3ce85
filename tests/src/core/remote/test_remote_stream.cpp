// The remote engine against a scripted OpenAI-compatible endpoint: the SSE
// decoder and the reply assembler on streams cut anywhere; tool calls in
// pieces; reasoning under both names; the request body the chat sends; and
// broken servers (malformed events, a dropped connection, an oversized line,
// deep nesting, an error event, a refused key, nobody listening), each with a
// clear error and the text received before it kept. Then RemoteEngine's
// signals, cancel and model list.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

#include "core/remote_client.h"
#include "core/remote_engine.h"
#include "core/remote_request.h"
#include "core/sse_decoder.h"
#include "scripted_sse_server.h"

using namespace Hearth;

namespace {

Message msg(MessageRole role, const QString & content) {
    Message m;
    m.role = role;
    m.content = content;
    return m;
}

RemoteEndpoint endpointOf(const remote_test::ScriptedSseServer & s, const QString & key = {}) {
    return RemoteEndpoint{QStringLiteral("Scripted"), QString::fromStdString(s.baseUrl()), key};
}

QByteArray bodyFor(const QString & model) {
    Message user;
    user.role = MessageRole::User;
    user.content = QStringLiteral("Hi");
    return remoteChatRequest(model, {user}, QString(), GenerationSettings{}, 1);
}

RemoteStreamResult stream(const RemoteEndpoint & e, const QString & model, QString * shown = nullptr) {
    std::atomic<bool> cancel{false};
    return streamRemoteChat(
        e, bodyFor(model),
        [shown](const RemoteDelta & d) {
            if (shown) *shown += d.content;
        },
        cancel);
}

}  // namespace

class TestRemoteStream : public QObject {
    Q_OBJECT
    std::unique_ptr<remote_test::ScriptedSseServer> m_server;

private slots:
    void initTestCase() { m_server = std::make_unique<remote_test::ScriptedSseServer>(); }

    void sseDecoderByteByByte() {
        const QByteArray text = ": comment\nevent: x\ndata: one\r\n\r\ndata: a\ndata:b\nid: 3\n\ndata: [DONE]";
        SseDecoder d;
        QList<QByteArray> events;
        for (char c : text) events += d.feed(&c, 1);
        events += d.finish();
        QCOMPARE(events, (QList<QByteArray>{"one", "a\nb", "[DONE]"}));
        QVERIFY(!d.failed());
    }

    void sseDecoderBoundsLines() {
        SseDecoder d(64);
        const QByteArray ok = "data: short\n\n";
        QCOMPARE(d.feed(ok.constData(), size_t(ok.size())).size(), 1);
        const QByteArray longLine(100, 'x');
        QVERIFY(d.feed(longLine.constData(), size_t(longLine.size())).isEmpty());
        QVERIFY(d.failed());
        QVERIFY(d.error().contains(QLatin1String("longer than")));
        QVERIFY(d.feed(ok.constData(), size_t(ok.size())).isEmpty());  // nothing after a failure
        // Many short data lines that add up past the bound fail too.
        SseDecoder e(64);
        const QByteArray many = QByteArray("data: 0123456789\n").repeated(10);
        e.feed(many.constData(), size_t(many.size()));
        QVERIFY(e.failed());
    }

    void requestBody() {
        Message sys = msg(MessageRole::System, QStringLiteral("stored system"));
        Message user = msg(MessageRole::User, QStringLiteral("Weather?"));
        Message asst = msg(MessageRole::Assistant, QString());
        asst.reasoning = QStringLiteral("need a tool");
        asst.toolCalls = QJsonArray{
            QJsonObject{{"id", "c1"}, {"name", "get_weather"}, {"arguments", QJsonObject{{"city", "Oslo"}}}}};
        Message tool = msg(MessageRole::Tool, QStringLiteral("-3 C"));
        tool.toolResults = QJsonArray{QJsonObject{{"call_id", "c1"}, {"name", "get_weather"}, {"result", "-3 C"}}};
        GenerationSettings s;
        s.systemPrompt = QStringLiteral("Be brief.");
        s.temperature = 0.25;
        s.maxTokens = 33;
        s.thinking = false;
        s.tools = QJsonArray{QJsonObject{{"type", "function"}, {"function", QJsonObject{{"name", "get_weather"}}}}};
        const QJsonObject b =
            QJsonDocument::fromJson(remoteChatRequest("m", {sys, user, asst, tool}, {}, s, 77)).object();
        QCOMPARE(b["model"].toString(), QStringLiteral("m"));
        QCOMPARE(b["stream"].toBool(), true);
        QCOMPARE(b["temperature"].toDouble(), 0.25);
        QCOMPARE(b["max_tokens"].toInt(), 33);
        QCOMPARE(b["seed"].toInteger(), qint64(77));
        QCOMPARE(b["tools"].toArray(), s.tools);
        QCOMPARE(b["chat_template_kwargs"].toObject()["enable_thinking"].toBool(true), false);
        const QJsonArray m = b["messages"].toArray();
        QCOMPARE(m.size(), 4);  // the chat's system prompt replaces the stored one
        QCOMPARE(m[0].toObject()["content"].toString(), QStringLiteral("Be brief."));
        const QJsonObject call = m[2].toObject()["tool_calls"].toArray()[0].toObject();
        QCOMPARE(call["id"].toString(), QStringLiteral("c1"));
        QCOMPARE(call["function"].toObject()["name"].toString(), QStringLiteral("get_weather"));
        QCOMPARE(call["function"].toObject()["arguments"].toString(), QStringLiteral("{\"city\":\"Oslo\"}"));
        QCOMPARE(m[2].toObject()["reasoning_content"].toString(), QStringLiteral("need a tool"));
        QCOMPARE(m[3].toObject()["role"].toString(), QStringLiteral("tool"));
        QCOMPARE(m[3].toObject()["tool_call_id"].toString(), QStringLiteral("c1"));
        // Continuing: the partial reply goes last, as the assistant's.
        const QJsonArray c =
            QJsonDocument::fromJson(remoteChatRequest("m", {user}, "Once upon", {}, 1)).object()["messages"].toArray();
        QCOMPARE(c.last().toObject()["content"].toString(), QStringLiteral("Once upon"));
        QCOMPARE(c.last().toObject()["role"].toString(), QStringLiteral("assistant"));
    }

    void streamInPieces() {
        QString shown;
        RemoteStreamResult r = stream(endpointOf(*m_server), "pieces", &shown);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.reply.content(), QString::fromUtf8("Hello \u00e9"));
        QCOMPARE(shown, r.reply.content());
        QCOMPARE(r.reply.reasoning(), QStringLiteral("Let me think."));
        const QJsonArray calls = r.reply.toolCalls();
        QVERIFY2(r.reply.error().isEmpty(), qPrintable(r.reply.error()));
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls[0].toObject()["id"].toString(), QStringLiteral("call_a"));
        QCOMPARE(calls[0].toObject()["name"].toString(), QStringLiteral("get_weather"));
        QCOMPARE(calls[0].toObject()["arguments"].toObject(), (QJsonObject{{"city", "Paris"}}));
        QCOMPARE(calls[1].toObject()["name"].toString(), QStringLiteral("now"));
        const ReplyStats st = r.reply.stats();
        QCOMPARE(st.promptTokens, 12);
        QCOMPARE(st.generatedTokens, 7);
        QCOMPARE(st.stopReason, QStringLiteral("eos"));
        QVERIFY(m_server->lastAuthorization().empty());  // no key, no header
    }

    void brokenStreams_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("kept");
        QTest::addColumn<QString>("error");
        QTest::newRow("malformed") << "malformed"
                                   << "Kept text"
                                   << "malformed stream event";
        QTest::newRow("dropped") << "drop"
                                 << "partial text"
                                 << "The text so far is kept";
        QTest::newRow("oversized line") << "oversized"
                                        << "before"
                                        << "longer than 1024 KiB";
        QTest::newRow("deep nesting") << "deep"
                                      << "shallow"
                                      << "nested deeper than";
        QTest::newRow("error event") << "error"
                                     << "so far"
                                     << "model overloaded";
        QTest::newRow("not a stream") << "notsse"
                                      << ""
                                      << "without a stream of events";
    }
    void brokenStreams() {
        QFETCH(QString, model);
        QFETCH(QString, kept);
        QFETCH(QString, error);
        const RemoteStreamResult r = stream(endpointOf(*m_server), model);
        QVERIFY2(r.error.contains(error), qPrintable(r.error));
        QCOMPARE(r.reply.content(), kept);
    }

    void finishWithoutDone() {
        const RemoteStreamResult r = stream(endpointOf(*m_server), "nodone");
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.reply.stats().stopReason, QStringLiteral("length"));
    }

    void malformedToolArguments() {
        RemoteStreamResult r = stream(endpointOf(*m_server), "badargs");
        r.reply.toolCalls();
        QVERIFY2(r.reply.error().contains(QLatin1String("not a JSON object")), qPrintable(r.reply.error()));
    }

    void apiKey() {
        const RemoteStreamResult wrong = stream(endpointOf(*m_server, "wrong-secret"), "auth");
        QVERIFY2(wrong.error.contains(QLatin1String("HTTP 401")), qPrintable(wrong.error));
        QVERIFY(wrong.error.contains(QLatin1String("API key")));
        QVERIFY(!wrong.error.contains(QLatin1String("wrong-secret")));
        QCOMPARE(m_server->lastAuthorization(), std::string("Bearer wrong-secret"));
        const RemoteStreamResult right = stream(endpointOf(*m_server, "right"), "auth");
        QVERIFY2(right.error.isEmpty(), qPrintable(right.error));
        QCOMPARE(right.reply.content(), QString::fromUtf8("Hello \u00e9"));
    }

    void unreachable() {
        const RemoteEndpoint nobody{"Nobody", "http://127.0.0.1:1", {}};
        const RemoteStreamResult r = stream(nobody, "x");
        QVERIFY2(r.error.startsWith(QLatin1String("Could not reach Nobody")), qPrintable(r.error));
        QVERIFY(!fetchRemoteModels(nobody).error.isEmpty());
        QVERIFY(fetchRemoteModels(RemoteEndpoint{"x", "ftp://host", {}}).error.contains(QLatin1String("not an http")));
    }

    void endpointUrls() {
        QCOMPARE(RemoteEndpoint({"a", "http://h:8000", {}}).apiUrl("models"),
                 QStringLiteral("http://h:8000/v1/models"));
        QCOMPARE(RemoteEndpoint({"a", "http://h:8000/v1/", {}}).apiUrl("models"),
                 QStringLiteral("http://h:8000/v1/models"));
        QCOMPARE(RemoteEndpoint({"", "http://h:8000", {}}).label("m"), QString::fromUtf8("h \u00b7 m"));
    }

    void engineStreamsAndFinishes() {
        RemoteEngine engine;
        engine.setModel(RemoteModel{endpointOf(*m_server), "pieces", 8192});
        QSignalSpy text(&engine, &RemoteEngine::textReceived);
        QSignalSpy done(&engine, &RemoteEngine::generationFinished);
        QSignalSpy planned(&engine, &RemoteEngine::contextPlanned);
        Message user = msg(MessageRole::User, QStringLiteral("Hi"));
        GenerationSettings s;
        s.seed = 5;
        engine.generate(42, {user}, s);
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 10000);
        QString content;
        QString reasoning;
        for (const auto & args : text) {
            QCOMPARE(args[0].toLongLong(), qint64(42));
            content += args[1].toString();
            reasoning += args[2].toString();
        }
        QCOMPARE(content, QString::fromUtf8("Hello \u00e9"));
        QCOMPARE(reasoning, QStringLiteral("Let me think."));
        const auto result = done[0][1].value<GenerationResult>();
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(result.toolCalls.size(), 2);
        QCOMPARE(result.seed, qint64(5));
        QCOMPARE(result.stats.stopReason, QStringLiteral("eos"));
        QVERIFY(result.stats.timeToFirstTokenMs > 0);
        QVERIFY(result.stats.thinkingMs >= 0);
        QCOMPARE(planned.size(), 1);
        QCOMPARE(planned[0][1].value<ContextUsage>().contextSize, 8192);
        QCOMPARE(planned[0][1].value<ContextUsage>().promptTokens, 12);
        const QJsonObject sent = QJsonDocument::fromJson(QByteArray::fromStdString(m_server->lastBody())).object();
        QCOMPARE(sent["seed"].toInteger(), qint64(5));
        QCOMPARE(sent["model"].toString(), QStringLiteral("pieces"));
    }

    void engineCancelStopsTheTransfer() {
        RemoteEngine engine;
        engine.setModel(RemoteModel{endpointOf(*m_server), "slow", 0});
        QSignalSpy text(&engine, &RemoteEngine::textReceived);
        QSignalSpy done(&engine, &RemoteEngine::generationFinished);
        QSignalSpy planned(&engine, &RemoteEngine::contextPlanned);
        engine.generate(7, {msg(MessageRole::User, QStringLiteral("Go"))}, {});
        QTRY_VERIFY_WITH_TIMEOUT(text.size() > 0, 10000);
        engine.cancel(7);
        // The slow stream would run 10 s; cancel ends it at once.
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 3000);
        const auto result = done[0][1].value<GenerationResult>();
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(result.stats.stopReason, QStringLiteral("user"));
        QVERIFY(result.content.startsWith(QLatin1String("tick ")));
        QVERIFY(planned.isEmpty());  // no context size known: the meter is not fed
        QTRY_VERIFY_WITH_TIMEOUT(m_server->slowStreamAbandoned(), 3000);
    }

    void engineShutsDownMidStream() {
        auto engine = std::make_unique<RemoteEngine>();
        engine->setModel(RemoteModel{endpointOf(*m_server), "slow", 0});
        QSignalSpy text(engine.get(), &RemoteEngine::textReceived);
        engine->generate(8, {msg(MessageRole::User, QStringLiteral("Go"))}, {});
        QTRY_VERIFY_WITH_TIMEOUT(text.size() > 0, 10000);
        QElapsedTimer clock;
        clock.start();
        engine.reset();  // cancels and joins the transfer
        QVERIFY(clock.elapsed() < 3000);
    }

    void engineListsModels() {
        RemoteEngine engine;
        QSignalSpy listed(&engine, &RemoteEngine::modelsListed);
        engine.listModels(endpointOf(*m_server));
        QTRY_COMPARE_WITH_TIMEOUT(listed.size(), 1, 10000);
        QCOMPARE(listed[0][2].toString(), QString());
        const auto models = listed[0][1].value<QList<RemoteModel>>();
        QCOMPARE(models.size(), 2);
        QCOMPARE(models[0].id, QStringLiteral("pieces"));
        QCOMPARE(models[0].contextSize, 8192);
        QCOMPARE(models[1].contextSize, 0);
        QCOMPARE(models[1].endpoint.name, QStringLiteral("Scripted"));
        engine.listModels(RemoteEndpoint{"Nobody", "http://127.0.0.1:1", {}});
        QTRY_COMPARE_WITH_TIMEOUT(listed.size(), 2, 15000);
        QVERIFY(listed[1][2].toString().contains(QLatin1String("Could not reach")));
    }
};

QTEST_GUILESS_MAIN(TestRemoteStream)
#include "test_remote_stream.moc"
