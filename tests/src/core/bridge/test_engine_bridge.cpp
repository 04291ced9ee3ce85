// The engine bridge against the real engine and the stories260K fixture:
// loading with progress, a streamed reply in batches, stats, cancellation,
// load errors as sentences, and calls that never block the calling thread
// (every call returns before any of its signals can arrive), and no thread
// besides the chat session's own.
#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "common/fixtures.h"
#include "core/engine_bridge.h"
#include "hearth/chat_session.h"
#include "hearth/gguf_writer.h"
#include "hearth/gpu.h"

using namespace Hearth;

namespace {

constexpr int kTimeoutMs = 60000;

QList<Message> userTurn(const QString & text) {
    Message m;
    m.role = MessageRole::User;
    m.content = text;
    return {m};
}

GenerationSettings greedy(int maxTokens) {
    GenerationSettings s;
    s.temperature = 0.0;
    s.seed = 7;
    s.maxTokens = maxTokens;
    return s;
}

// The threads of this process now (Linux: one entry per thread).
int threadCount() {
    return int(QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

}  // namespace

class TestEngineBridge : public QObject {
    Q_OBJECT
private:
    QString m_model;

    // Loads the fixture; returns false (after failing the test) if it did not load.
    bool load(EngineBridge & bridge) {
        QSignalSpy loaded(&bridge, &EngineBridge::modelLoaded);
        QSignalSpy failed(&bridge, &EngineBridge::loadFailed);
        bridge.loadModel(m_model);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(loaded.count() + failed.count() > 0, kTimeoutMs); }();
        if (failed.count()) qWarning("load failed: %s", qPrintable(failed.at(0).at(1).toString()));
        return loaded.count() == 1;
    }

private slots:
    void initTestCase() {
        m_model = QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf"));
        qRegisterMetaType<Hearth::GenerationResult>();
    }

    void loadsWithProgressWithoutBlocking() {
        EngineBridge bridge;
        QSignalSpy started(&bridge, &EngineBridge::loadStarted);
        QSignalSpy progress(&bridge, &EngineBridge::loadProgress);
        QSignalSpy loaded(&bridge, &EngineBridge::modelLoaded);
        bridge.loadModel(m_model);
        // Queued: nothing has happened yet on this thread.
        QCOMPARE(started.count(), 0);
        QCOMPARE(loaded.count(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);
        QCOMPARE(started.count(), 1);
        QCOMPARE(loaded.at(0).at(0).toString(), m_model);
        QVERIFY2(loaded.at(0).at(1).toString().startsWith(QStringLiteral("llama")),
                 qPrintable(loaded.at(0).at(1).toString()));
        QVERIFY(loaded.at(0).at(2).toInt() > 0);  // the context the session gets
        QVERIFY(progress.count() >= 1);
        double last = 0;
        for (const QList<QVariant> & p : progress) {
            QVERIFY(p.at(0).toDouble() >= last);
            last = p.at(0).toDouble();
        }
        QVERIFY(last <= 1.0);
    }

    void streamsBatchedTextAndStats() {
        EngineBridge bridge;
        QVERIFY(load(bridge));
        QSignalSpy text(&bridge, &EngineBridge::textReceived);
        QSignalSpy finished(&bridge, &EngineBridge::generationFinished);
        bridge.generate(11, userTurn(QStringLiteral("Once upon a time")), greedy(48));
        QCOMPARE(text.count(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QCOMPARE(finished.at(0).at(0).toLongLong(), 11);
        const auto result = finished.at(0).at(1).value<GenerationResult>();
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));

        QString streamed;
        for (const QList<QVariant> & t : text) {
            QCOMPARE(t.at(0).toLongLong(), 11);
            streamed += t.at(1).toString();
        }
        QVERIFY(!result.content.isEmpty());
        QCOMPARE(streamed, result.content);  // the batches add up to the reply
        QVERIFY(result.stats.generatedTokens > 0 && result.stats.generatedTokens <= 48);
        // Batched: fewer signals than tokens (a 260K model makes thousands of tokens a second).
        QVERIFY2(text.count() <= result.stats.generatedTokens, qPrintable(QString::number(text.count())));
        QVERIFY(result.stats.promptTokens > 0);
        QVERIFY(result.stats.generationTokensPerSecond > 0);
        QVERIFY(result.stats.timeToFirstTokenMs > 0);
        QVERIFY(result.stats.stopReason == QLatin1String("eos") || result.stats.stopReason == QLatin1String("length"));
        QCOMPARE(result.seed, 7);

        // Greedy with the same seed: the same reply again (prefix reuse must not change it).
        bridge.generate(12, userTurn(QStringLiteral("Once upon a time")), greedy(48));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
        QCOMPARE(finished.at(1).at(1).value<GenerationResult>().content, result.content);
    }

    // The session's worker is the one engine thread: the bridge starts none
    // (no relay thread), and its signals arrive on the bridge's thread, the
    // plan first, then the text, then the end.
    void addsNoThreadBesidesTheSessionWorker() {
        const int before = threadCount();
        int sessionThreads = 0;
        {
            auto session = hearth::ChatSession::start(m_model.toStdString(), hearth::LoadOptions{}, nullptr);
            QVERIFY(session->wait_loaded());
            sessionThreads = threadCount() - before;
        }
        QVERIFY(sessionThreads >= 1);
        QTRY_COMPARE_WITH_TIMEOUT(threadCount(), before, kTimeoutMs);

        EngineBridge bridge;
        QCOMPARE(threadCount(), before);
        QVERIFY(load(bridge));
        QCOMPARE(threadCount() - before, sessionThreads);

        QThread * const self = QThread::currentThread();
        QStringList order;
        bool offThread = false;
        auto note = [&](const QString & what) {
            offThread = offThread || QThread::currentThread() != self;
            if (order.isEmpty() || order.last() != what) order << what;
        };
        connect(
            &bridge, &EngineBridge::contextPlanned, this, [&] { note(QStringLiteral("planned")); },
            Qt::DirectConnection);
        connect(
            &bridge, &EngineBridge::textReceived, this, [&] { note(QStringLiteral("text")); }, Qt::DirectConnection);
        connect(
            &bridge, &EngineBridge::generationFinished, this, [&] { note(QStringLiteral("finished")); },
            Qt::DirectConnection);
        bridge.generate(21, userTurn(QStringLiteral("Once upon a time")), greedy(16));
        QTRY_VERIFY_WITH_TIMEOUT(order.contains(QStringLiteral("finished")), kTimeoutMs);
        QVERIFY(!offThread);
        QCOMPARE(order.first(), QStringLiteral("planned"));
        QCOMPARE(order.last(), QStringLiteral("finished"));
        QCOMPARE(order.count(QStringLiteral("planned")), 1);

        // A measurement is planned on the worker too and arrives here.
        QSignalSpy planned(&bridge, &EngineBridge::contextPlanned);
        bridge.measureContext(-4, userTurn(QStringLiteral("Once upon a time")), greedy(16));
        QCOMPARE(planned.count(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(planned.count(), 1, kTimeoutMs);
        QCOMPARE(planned.at(0).at(0).toLongLong(), -4);
        QVERIFY(planned.at(0).at(1).value<ContextUsage>().promptTokens > 0);
        QVERIFY(!offThread);
    }

    void lengthLimitStops() {
        EngineBridge bridge;
        QVERIFY(load(bridge));
        QSignalSpy finished(&bridge, &EngineBridge::generationFinished);
        bridge.generate(1, userTurn(QStringLiteral("Tom had a dog")), greedy(3));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        const auto result = finished.at(0).at(1).value<GenerationResult>();
        QVERIFY(result.stats.generatedTokens <= 3);
        if (result.stats.generatedTokens == 3) QCOMPARE(result.stats.stopReason, QStringLiteral("length"));
    }

    void cancelStopsTheReply() {
        EngineBridge bridge;
        QVERIFY(load(bridge));
        QSignalSpy finished(&bridge, &EngineBridge::generationFinished);
        GenerationSettings s = greedy(-1);
        s.temperature = 1.0;  // sampled text seldom ends quickly
        bridge.generate(5, userTurn(QStringLiteral("Lily")), s);
        bridge.cancel(5);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        const auto result = finished.at(0).at(1).value<GenerationResult>();
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(result.stats.stopReason, QStringLiteral("user"));
    }

    void continueReplyAppendsToThePartialText() {
        EngineBridge bridge;
        QVERIFY(load(bridge));
        QSignalSpy text(&bridge, &EngineBridge::textReceived);
        QSignalSpy finished(&bridge, &EngineBridge::generationFinished);
        bridge.continueReply(3, userTurn(QStringLiteral("Tell me a story")), QStringLiteral("Once upon a time"),
                             greedy(8));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        const auto result = finished.at(0).at(1).value<GenerationResult>();
        // The result holds the whole reply; the stream only what is new.
        QVERIFY2(result.content.startsWith(QStringLiteral("Once upon a time")), qPrintable(result.content));
        QString streamed;
        for (const QList<QVariant> & t : text) streamed += t.at(1).toString();
        QVERIFY(!streamed.startsWith(QStringLiteral("Once upon a time")));
    }

    void generateWithoutModelIsAnError() {
        EngineBridge bridge;
        QSignalSpy finished(&bridge, &EngineBridge::generationFinished);
        bridge.generate(9, userTurn(QStringLiteral("hi")), greedy(4));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        const auto result = finished.at(0).at(1).value<GenerationResult>();
        QVERIFY(result.error.startsWith(QStringLiteral("No model is loaded")));
        QCOMPARE(result.stats.stopReason, QStringLiteral("error"));
    }

    void corruptFileIsReadableError() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.gguf"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("GGUF\x03\0\0\0", 8) + QByteArray(40, '\xff'));
        f.close();
        EngineBridge bridge;
        QSignalSpy failed(&bridge, &EngineBridge::loadFailed);
        QSignalSpy loaded(&bridge, &EngineBridge::modelLoaded);
        bridge.loadModel(path);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
        QCOMPARE(loaded.count(), 0);
        const QString message = failed.at(0).at(1).toString();
        qInfo("corrupt: %s", qPrintable(message));
        QVERIFY2(message.startsWith(QStringLiteral("This file is not a usable GGUF model")), qPrintable(message));
        QVERIFY2(!message.contains(path), qPrintable(message));
    }

    void missingFileIsReadableError() {
        EngineBridge bridge;
        QSignalSpy failed(&bridge, &EngineBridge::loadFailed);
        bridge.loadModel(QStringLiteral("/nonexistent/dir/model.gguf"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
        const QString message = failed.at(0).at(1).toString();
        QVERIFY2(message.startsWith(QStringLiteral("The model file could not be read")), qPrintable(message));
    }

    void unsupportedArchitectureIsReadableError() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("mamba.gguf"));
        hearth::GgufWriter w;
        w.add_string("general.architecture", "mamba");
        w.add_u32("mamba.context_length", 1024);
        w.write_file(path.toStdString());
        EngineBridge bridge;
        QSignalSpy failed(&bridge, &EngineBridge::loadFailed);
        bridge.loadModel(path);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
        const QString message = failed.at(0).at(1).toString();
        QVERIFY2(message.startsWith(QStringLiteral("Unsupported architecture 'mamba'")), qPrintable(message));
    }

    void gpuProbeReasonArrivesWhenNoGpu() {
        EngineBridge bridge;
        QSignalSpy notice(&bridge, &EngineBridge::gpuNotice);
        QVERIFY(load(bridge));
        const hearth::GpuProbe probe = hearth::probe_gpus();
        if (probe.available()) {
            QCOMPARE(notice.count(), 0);
        } else {
            QCOMPARE(notice.count(), 1);
            QCOMPARE(notice.at(0).at(0).toString(),
                     QStringLiteral("Running on the CPU: ") + QString::fromStdString(probe.reason));
        }
    }
};

QTEST_GUILESS_MAIN(TestEngineBridge)
#include "test_engine_bridge.moc"
