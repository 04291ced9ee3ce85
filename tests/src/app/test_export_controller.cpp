// ExportController: the menu's export/import actions run on a worker thread
// against the same database the GUI holds open, report busy/progress while
// they run and a sentence when done, and refuse a second job meanwhile.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

#include "core/conversation_store.h"
#include "core/json_exporter.h"
#include "core/markdown_exporter.h"
#include "export_controller.h"

using namespace Hearth;

namespace {

QByteArray readAll(const QString & path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

qint64 addChat(ConversationStore & store, const QString & title) {
    Conversation c;
    c.title = title;
    const qint64 id = store.createConversation(c);
    Message m;
    m.role = MessageRole::User;
    m.content = QStringLiteral("A question about ") + title;
    const qint64 u = store.appendMessage(id, 0, m);
    GenerationInfo info;
    info.modelFile = QStringLiteral("m.gguf");
    const qint64 r = store.beginReply(id, u, info);
    ReplyStats stats;
    stats.thinkingMs = 3200;
    stats.generatedTokens = 5;
    store.finishReply(r, QStringLiteral("An answer."), QStringLiteral("Let me think."), {}, stats);
    return id;
}

}  // namespace

class TestExportController : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<ConversationStore> m_store;  // the "GUI's" connection, open throughout
    ExportController m_exporter;

    // Waits for the job's finished(); returns its arguments.
    QList<QVariant> waitFinished(QSignalSpy & spy) {
        [&] { QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 20000); }();
        return spy.isEmpty() ? QList<QVariant>{} : spy.takeFirst();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<ConversationStore>(m_dir.filePath("app.sqlite"));
        m_exporter.setDatabasePath(m_store->path());
    }

    void exportsOneConversationAsMarkdown() {
        const qint64 id = addChat(*m_store, QStringLiteral("Tea"));
        const QString out = m_dir.filePath("tea.md");
        QSignalSpy finished(&m_exporter, &ExportController::finished);
        QSignalSpy busy(&m_exporter, &ExportController::busyChanged);
        QVERIFY(m_exporter.exportConversation(id, QStringLiteral("Tea"), QUrl::fromLocalFile(out).toString(), "md"));
        QVERIFY(m_exporter.busy());
        QVERIFY(m_exporter.busyText().contains("Tea"));
        // One job at a time.
        QVERIFY(!m_exporter.exportAll(m_dir.filePath("x.json"), "json"));
        const QList<QVariant> args = waitFinished(finished);
        QVERIFY(!m_exporter.busy());
        QCOMPARE(busy.size(), 2);
        QCOMPARE(args.value(0).toBool(), true);
        QCOMPARE(args.value(1).toString(), QStringLiteral("Exported “Tea” to tea.md"));
        QCOMPARE(args.value(2).toString(), out);
        QCOMPARE(QString::fromUtf8(readAll(out)), MarkdownExporter::render(m_store->tree(id)));
        QVERIFY(readAll(out).contains("<summary>Thought for 3.2 s</summary>"));
        QCOMPARE(m_exporter.progress(), 1.0);
    }

    void exportsAllAsJsonAndImportsItBack() {
        addChat(*m_store, QStringLiteral("Coffee"));
        const int before = m_store->conversationCount();
        const QString out = m_dir.filePath("all.json");
        QSignalSpy finished(&m_exporter, &ExportController::finished);
        QVERIFY(m_exporter.exportAll(out, "json"));
        QList<QVariant> args = waitFinished(finished);
        QVERIFY2(args.value(0).toBool(), qPrintable(args.value(1).toString()));
        QCOMPARE(args.value(1).toString(), QStringLiteral("Exported %1 conversations to all.json").arg(before));
        QVERIFY(readAll(out).contains("\"thinking_ms\": 3200"));

        QSignalSpy imported(&m_exporter, &ExportController::imported);
        QVERIFY(m_exporter.importJson(QUrl::fromLocalFile(out).toString()));
        args = waitFinished(finished);
        QVERIFY2(args.value(0).toBool(), qPrintable(args.value(1).toString()));
        QCOMPARE(args.value(1).toString(), QStringLiteral("Imported %1 conversations from all.json").arg(before));
        QCOMPARE(args.value(2).toString(), QString());  // nothing new on disk to show
        QCOMPARE(imported.size(), 1);
        const QList<qint64> ids = imported[0][0].value<QList<qint64>>();
        QCOMPARE(ids.size(), before);
        // The GUI's own connection sees the worker's rows at once.
        QCOMPARE(m_store->conversationCount(), 2 * before);
        QCOMPARE(m_store->activePath(ids.last()).last().stats.thinkingMs, 3200.0);
    }

    void exportsAllAsAMarkdownFolder() {
        const QString folder = m_dir.filePath("markdown");
        QSignalSpy finished(&m_exporter, &ExportController::finished);
        QVERIFY(m_exporter.exportAll(QUrl::fromLocalFile(folder).toString(), "md"));
        const QList<QVariant> args = waitFinished(finished);
        QVERIFY2(args.value(0).toBool(), qPrintable(args.value(1).toString()));
        QCOMPARE(QDir(folder).entryList(QDir::Files).size(), m_store->conversationCount());
        QCOMPARE(m_exporter.revealUrl(folder), QUrl::fromLocalFile(folder).toString());
        QCOMPARE(m_exporter.revealUrl(QDir(folder).filePath("x.md")), QUrl::fromLocalFile(folder).toString());
    }

    void failuresComeBackAsSentences() {
        QSignalSpy finished(&m_exporter, &ExportController::finished);
        const QString bad = m_dir.filePath("not-hearth.json");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"something else\", \"version\": 1, \"conversations\": []}");
        f.close();
        const int before = m_store->conversationCount();
        QVERIFY(m_exporter.importJson(bad));
        QList<QVariant> args = waitFinished(finished);
        QCOMPARE(args.value(0).toBool(), false);
        QVERIFY2(args.value(1).toString().contains("is not a Hearth conversation export"),
                 qPrintable(args.value(1).toString()));
        QCOMPARE(m_store->conversationCount(), before);

        QVERIFY(m_exporter.exportAll(bad + "/below-a-file.json", "json"));
        args = waitFinished(finished);
        QCOMPARE(args.value(0).toBool(), false);
        QVERIFY2(args.value(1).toString().contains("below-a-file.json"), qPrintable(args.value(1).toString()));
        QVERIFY(!m_exporter.busy());
    }

    void suggestsSafeFileNames() {
        QCOMPARE(m_exporter.suggestedFileName(7, QStringLiteral("Weather in Lisbon?"), "md"),
                 QStringLiteral("7-weather-in-lisbon.md"));
        QCOMPARE(m_exporter.suggestedFileName(7, QStringLiteral("Weather in Lisbon?"), "json"),
                 QStringLiteral("7-weather-in-lisbon.json"));
        QVERIFY(m_exporter.documentsFolder().startsWith("file://"));
    }
};

QTEST_GUILESS_MAIN(TestExportController)
#include "test_export_controller.moc"
