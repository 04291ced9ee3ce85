// JSON export/import: export -> import into a fresh database -> export gives
// identical bytes, the imported trees equal the originals field by field, and
// malformed files are refused with the JSON path of the problem.
#include <QTemporaryDir>
#include <QtTest>

#include "core/conversation_store.h"
#include "core/json_exporter.h"
#include "core/json_importer.h"
#include "hearth/error.h"
#include "store_test_util.h"

using namespace Hearth;

namespace {

QList<ConversationTree> allTrees(ConversationStore & store) {
    QList<ConversationTree> trees;
    for (const Conversation & c : store.listConversations()) trees.append(store.tree(c.id));
    return trees;
}

void fillSource(ConversationStore & store) {
    StoreTest::buildSample(store);
    Conversation c;
    c.title = QStringLiteral("Ünïcödé ✓ and a pinned one");
    c.pinned = true;
    c.createdAt = StoreTest::at(100);
    qint64 id = store.createConversation(c);
    Message m = StoreTest::reply(QStringLiteral("streamed, then the app died"), 101, 3, QString());
    m.state = MessageState::Interrupted;
    m.generation.seed = Q_INT64_C(9007199254740993);  // 2^53 + 1: not exact as a JSON number
    qint64 root = store.appendMessage(id, 0, StoreTest::message(MessageRole::System, "system text", 100));
    store.appendMessage(id, root, m);
    Conversation empty;
    empty.title = QStringLiteral("empty");
    empty.createdAt = StoreTest::at(200);
    store.createConversation(empty);
}

// Field-by-field equality, with parents compared by position in the list.
void compareTrees(const ConversationTree & a, const ConversationTree & b) {
    QCOMPARE(b.conversation.title, a.conversation.title);
    QCOMPARE(b.conversation.model, a.conversation.model);
    QCOMPARE(b.conversation.systemPrompt, a.conversation.systemPrompt);
    QCOMPARE(b.conversation.sampling, a.conversation.sampling);
    QCOMPARE(b.conversation.pinned, a.conversation.pinned);
    QCOMPARE(b.conversation.createdAt, a.conversation.createdAt);
    QCOMPARE(b.conversation.updatedAt, a.conversation.updatedAt);
    QCOMPARE(b.messages.size(), a.messages.size());
    auto indexOf = [](const ConversationTree & t, qint64 id) {
        for (qsizetype i = 0; i < t.messages.size(); ++i)
            if (t.messages[i].id == id) return i;
        return qsizetype(-1);
    };
    QCOMPARE(indexOf(b, b.conversation.activeLeafId), indexOf(a, a.conversation.activeLeafId));
    for (qsizetype i = 0; i < a.messages.size(); ++i) {
        const Message &x = a.messages[i], &y = b.messages[i];
        QCOMPARE(indexOf(b, y.parentId), indexOf(a, x.parentId));
        QCOMPARE(y.role, x.role);
        QCOMPARE(y.content, x.content);
        QCOMPARE(y.reasoning, x.reasoning);
        QCOMPARE(y.toolCalls, x.toolCalls);
        QCOMPARE(y.toolResults, x.toolResults);
        QCOMPARE(y.createdAt, x.createdAt);
        QCOMPARE(y.state, x.state);
        QCOMPARE(y.generation, x.generation);
        QCOMPARE(y.stats, x.stats);
    }
}

}  // namespace

class TestJsonRoundTrip : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    void expectError(const QByteArray & json, const char * needle) {
        try {
            JsonImporter::parse(json, "bad.json");
            QFAIL(qPrintable(QStringLiteral("accepted: %1").arg(QString::fromUtf8(json))));
        } catch (const hearth::Error & e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String(needle)), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).startsWith("bad.json: "), e.what());
        }
    }

private slots:
    void exportImportExportIsIdentical() {
        ConversationStore source(m_dir.filePath("source.sqlite"));
        fillSource(source);
        QList<ConversationTree> original = allTrees(source);
        QCOMPARE(original.size(), 3);
        QByteArray first = JsonExporter::serialize(original);

        ConversationStore fresh(m_dir.filePath("fresh.sqlite"));
        QList<qint64> ids = JsonImporter::importInto(fresh, JsonImporter::parse(first, "export.json"));
        QCOMPARE(ids.size(), 3);
        QList<ConversationTree> imported = allTrees(fresh);
        QByteArray second = JsonExporter::serialize(imported);
        QCOMPARE(second, first);
        for (qsizetype i = 0; i < original.size(); ++i) compareTrees(original[i], imported[i]);
        // The copies are marked as imported (the sidebar shows it); the originals are not.
        for (qsizetype i = 0; i < original.size(); ++i) {
            QVERIFY(!original[i].conversation.importedAt.isValid());
            QVERIFY(imported[i].conversation.importedAt.isValid());
            QVERIFY(imported[i].conversation.importedAt.secsTo(QDateTime::currentDateTimeUtc()) < 60);
        }
        // The big seed went through as a string, exactly.
        QVERIFY(first.contains("\"seed\": \"9007199254740993\""));
        // The thinking time travels in the stats and comes back exactly.
        QVERIFY(first.contains("\"thinking_ms\": 12400"));
        bool sawThinking = false;
        for (const ConversationTree & t : imported)
            for (const Message & m : t.messages)
                if (m.stats.thinkingMs == 12400) sawThinking = true;
        QVERIFY(sawThinking);
        // Branch operations work on the imported tree.
        qint64 conversation = 0;
        for (qint64 id : ids)
            if (fresh.conversation(id)->title == QLatin1String("Weather in Lisbon")) conversation = id;
        QList<Message> path = fresh.activePath(conversation);
        QCOMPARE(path.size(), 6);
        QCOMPARE(fresh.siblings(path[3].id).size(), 2);
    }

    void importingTwiceAddsCopies() {
        ConversationStore source(m_dir.filePath("twice_src.sqlite"));
        fillSource(source);
        QByteArray json = JsonExporter::serialize(allTrees(source));
        ConversationStore target(m_dir.filePath("twice.sqlite"));
        JsonImporter::importInto(target, JsonImporter::parse(json, "a.json"));
        JsonImporter::importInto(target, JsonImporter::parse(json, "a.json"));
        QCOMPARE(target.conversationCount(), 6);
    }

    void malformedFilesAreRefused() {
        expectError("{not json", "not valid JSON");
        expectError("[]", "expected a JSON object");
        // Qt would take 1024 levels; the importer takes the engine's bound.
        expectError("{\"format\":" + QByteArray(200, '[') + QByteArray(200, ']') + "}",
                    "nested deeper than 128 levels");
        expectError(QByteArray(20000, '{'), "nested deeper than 128 levels");
        expectError(R"({"format":"other","version":1,"conversations":[]})", "format: 'other'");
        expectError(R"({"format":"hearth.conversations","version":2,"conversations":[]})", "version 2");
        expectError(R"({"format":"hearth.conversations","version":1})", "conversations: missing");
        const char * head = R"({"format":"hearth.conversations","version":1,"conversations":[{"title":"t",)"
                            R"("created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z",)";
        auto withMessages = [&](const char * tail) { return QByteArray(head) + tail + "}]}"; };
        expectError(
            withMessages(
                R"("messages":[{"id":1,"parent":null,"role":"bot","content":"x","created_at":"2026-01-01T00:00:00Z"}])"),
            "conversations[0].messages[0].role: unknown role 'bot'");
        expectError(
            withMessages(
                R"("messages":[{"id":1,"parent":2,"role":"user","content":"x","created_at":"2026-01-01T00:00:00Z"}])"),
            "conversations[0].messages[0].parent: 2 is not an earlier message");
        expectError(withMessages(R"("messages":[{"id":1,"role":"user","content":"x","created_at":"yesterday"}])"),
                    "messages[0].created_at: 'yesterday' is not an ISO 8601 date-time");
        expectError(
            withMessages(R"("messages":[{"id":1,"role":"user","content":7,"created_at":"2026-01-01T00:00:00Z"}])"),
            "messages[0].content: expected a string");
        expectError(withMessages(R"("active_leaf":5,"messages":[])"), "active_leaf: 5 is not a message");
        expectError(
            withMessages(R"("messages":[{"id":1,"role":"user","content":"x","created_at":"2026-01-01T00:00:00Z"},)"
                         R"({"id":1,"role":"user","content":"y","created_at":"2026-01-01T00:00:00Z"}])"),
            "messages[1].id: must be a new positive integer");
        expectError(
            withMessages(R"("messages":[{"id":1,"role":"assistant","content":"x","created_at":"2026-01-01T00:00:00Z",)"
                         R"("generation":{"seed":"abc"}}])"),
            "messages[0].generation.seed: 'abc' is not an integer");
        expectError(
            withMessages(R"("messages":[{"id":1,"role":"assistant","content":"x","created_at":"2026-01-01T00:00:00Z",)"
                         R"("stats":{"thinking_ms":-5}}])"),
            "messages[0].stats.thinking_ms: must not be negative");
        expectError(
            withMessages(R"("messages":[{"id":1,"role":"assistant","content":"x","created_at":"2026-01-01T00:00:00Z",)"
                         R"("stats":{"thinking_ms":"long"}}])"),
            "messages[0].stats.thinking_ms: expected a number");
    }

    void minimalHandWrittenFileImports() {
        QByteArray json = R"({"format":"hearth.conversations","version":1,"conversations":[{"title":"by hand",
            "created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:05Z",
            "messages":[{"id":10,"role":"user","content":"hi","created_at":"2026-01-01T00:00:00Z"},
                        {"id":20,"parent":10,"role":"assistant","content":"hello","created_at":"2026-01-01T00:00:05Z"}]}]})";
        ConversationStore store(m_dir.filePath("hand.sqlite"));
        QList<qint64> ids = JsonImporter::importInto(store, JsonImporter::parse(json, "hand.json"));
        QList<Message> path = store.activePath(ids.first());  // no active_leaf: the last message
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[1].content, QString("hello"));
        QCOMPARE(path[1].generation.seed, -1);
        QCOMPARE(path[1].stats.thinkingMs, 0.0);  // files from before thinking_ms existed still import
        QCOMPARE(store.conversation(ids.first())->updatedAt,
                 QDateTime::fromString("2026-01-01T00:00:05Z", Qt::ISODate));
    }
};

QTEST_GUILESS_MAIN(TestJsonRoundTrip)
#include "test_json_roundtrip.moc"
