// The bridge's pure helpers: the token batcher's coalescing, the sentences
// load errors become, and the settings' JSON form.
#include <QSignalSpy>
#include <QtTest>

#include "core/generation_types.h"
#include "core/load_error_text.h"
#include "core/token_batcher.h"

using namespace Hearth;

class TestBridgeText : public QObject {
    Q_OBJECT
private slots:
    void batcherCoalescesPiecesIntoOneFlush() {
        TokenBatcher batcher;
        QSignalSpy spy(&batcher, &TokenBatcher::flushed);
        for (int i = 0; i < 50; ++i) batcher.append(QStringLiteral("a"), i % 10 == 0 ? QStringLiteral("r") : QString());
        QCOMPARE(spy.count(), 0);  // nothing before the timer fires
        QTRY_COMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), QString(50, QLatin1Char('a')));
        QCOMPARE(spy.at(0).at(1).toString(), QStringLiteral("rrrrr"));
        QVERIFY(!batcher.hasPending());
    }

    void batcherFlushSendsPendingAtOnceAndNothingTwice() {
        TokenBatcher batcher;
        QSignalSpy spy(&batcher, &TokenBatcher::flushed);
        batcher.append(QStringLiteral("tail"), QString());
        batcher.flush();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("tail"));
        QTest::qWait(3 * TokenBatcher::kIntervalMs);
        QCOMPARE(spy.count(), 1);  // the stopped timer sends nothing more
        batcher.flush();
        QCOMPARE(spy.count(), 1);  // nothing pending: no empty signal
        batcher.append(QString(), QString());
        QTest::qWait(3 * TokenBatcher::kIntervalMs);
        QCOMPARE(spy.count(), 1);
    }

    void memoryErrorBecomesGigabytes() {
        const QString path = QStringLiteral("/models/big.gguf");
        const QString engine = path + QStringLiteral(
                                          ": not enough memory: a context of 32768 tokens needs 17357 MiB "
                                          "(KV cache and scratch) but only 14400 MiB is available; use a "
                                          "smaller context");
        const QString text = loadErrorText(hearth::ErrorCode_resources, engine, path);
        QVERIFY2(text.startsWith(QStringLiteral("This model needs 18.2 GB but 15.1 GB is free")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("32768 tokens")));
        QVERIFY(!text.contains(path));
    }

    void unsupportedArchitectureKeepsTheName() {
        const QString path = QStringLiteral("/m/x.gguf");
        const QString text = loadErrorText(hearth::ErrorCode_unsupported,
                                           path + QStringLiteral(": Unsupported architecture 'mamba'"), path);
        QVERIFY2(text.startsWith(QStringLiteral("Unsupported architecture 'mamba'.")), qPrintable(text));
        QVERIFY(!text.contains(path));
    }

    void otherErrorsAreSentences() {
        QCOMPARE(loadErrorText(hearth::ErrorCode_cancelled, QStringLiteral("x"), QString()),
                 QStringLiteral("Loading was cancelled."));
        const QString io = loadErrorText(hearth::ErrorCode_io, QStringLiteral("/a/b.gguf: cannot open file"),
                                         QStringLiteral("/a/b.gguf"));
        QCOMPARE(io, QStringLiteral("The model file could not be read: Cannot open file."));
        QCOMPARE(formatGigabytes(1.5e9), QStringLiteral("1.5 GB"));
    }

    void settingsRoundTripThroughJson() {
        GenerationSettings s;
        s.temperature = 0.3;
        s.topP = 0.5;
        s.topK = 7;
        s.minP = 0.1;
        s.maxTokens = 99;
        s.contextSize = 1024;
        s.seed = 42;
        s.systemPrompt = QStringLiteral("Be brief.");
        QCOMPARE(GenerationSettings::fromJson(s.samplingJson(), s.systemPrompt), s);
        QVERIFY(!s.samplingJson().contains(QStringLiteral("context_overflow")));  // the app's default
        s.contextOverflow = QStringLiteral("truncate_middle");
        QCOMPARE(s.samplingJson().value(QStringLiteral("context_overflow")).toString(), s.contextOverflow);
        QCOMPARE(GenerationSettings::fromJson(s.samplingJson(), s.systemPrompt), s);
        // Missing keys keep the defaults.
        QCOMPARE(GenerationSettings::fromJson({}, QString()), GenerationSettings{});
    }
};

QTEST_GUILESS_MAIN(TestBridgeText)
#include "test_bridge_text.moc"
