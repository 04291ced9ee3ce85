// Schema migrations: a database written at each earlier version (v1..v5) is
// brought to the latest, with its data intact and searchable; a fresh one
// uses WAL and foreign keys; newer or corrupt files are refused clearly.
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include "core/conversation_store.h"
#include "core/store_schema.h"
#include "core/store_sql.h"
#include "core/tool_choices.h"
#include "hearth/error.h"

using namespace Hearth;

namespace {

// A raw connection, outside ConversationStore, to write old-version files.
class RawDb {
public:
    explicit RawDb(const QString & path) {
        m_db = QSqlDatabase::addDatabase("QSQLITE", "raw-" + path);
        m_db.setDatabaseName(path);
        if (!m_db.open()) qFatal("cannot open %s", qPrintable(path));
    }
    ~RawDb() {
        QString name = m_db.connectionName();
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
    QSqlDatabase & db() { return m_db; }
    void exec(const QString & sql) {
        QSqlQuery q(m_db);
        if (!q.exec(sql)) qFatal("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
    }

private:
    QSqlDatabase m_db;
};

// Rows valid in every schema version (v1 columns only).
void insertOldRows(RawDb & raw) {
    raw.exec(
        "INSERT INTO conversations (id, title, created_at, updated_at, model, sampling, pinned, active_leaf_id)"
        " VALUES (1, 'Old chat', 1000, 5000, 'old.gguf', '{\"temperature\":0.5}', 1, 3)");
    raw.exec("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (2, 'Second', 2000, 6000)");
    raw.exec(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at)"
        " VALUES (1, 1, NULL, 'user', 'Tell me about marmalade', 1000)");
    raw.exec(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, reasoning, created_at, state,"
        " model_file, generated_tokens, generation_tps, stop_reason)"
        " VALUES (2, 1, 1, 'assistant', 'Marmalade is a citrus preserve.', 'think about oranges', 2000,"
        " 'complete', 'old.gguf', 9, 12.5, 'eos')");
    raw.exec(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at, state)"
        " VALUES (3, 1, 2, 'assistant', 'Half-written answer about quin', 3000, 'streaming')");
}

void checkMigratedData(ConversationStore & store) {
    QSqlDatabase db = store.database();
    QCOMPARE(StoreSchema::version(db), StoreSchema::kLatestVersion);
    QList<Conversation> list = store.listConversations();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0].title, QString("Old chat"));  // pinned first
    QCOMPARE(store.conversation(1)->sampling.value("temperature").toDouble(), 0.5);
    QVERIFY(!list[0].deletedAt.isValid());
    QCOMPARE(list[1].title, QString("Second"));
    QList<Message> path = store.activePath(1);
    QCOMPARE(path.size(), 3);
    QCOMPARE(path[1].content, QString("Marmalade is a citrus preserve."));
    QCOMPARE(path[1].stats.generationTokensPerSecond, 12.5);
    QCOMPARE(path[1].stats.thinkingMs, 0.0);  // v4's column: unknown for old replies
    // Left streaming by the old app: recovered as interrupted.
    QCOMPARE(store.interruptedOnOpen(), 1);
    QCOMPARE(path[2].state, MessageState::Interrupted);
    // Rows written before the FTS index existed are searchable.
    QList<SearchHit> hits = store.search("marmalade");
    QCOMPARE(hits.size(), 2);
    hits = store.search("oranges");  // reasoning is indexed too
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].messageId, 2);
    // And the new features work on the migrated file.
    store.softDeleteConversation(2);
    QCOMPARE(store.listConversations().size(), 1);
    qint64 id = store.appendMessage(2, 0, Message{});
    QVERIFY(id > 3);
    // v4: a finished reply keeps its thinking time, and the sha256 fills in later.
    GenerationInfo info;
    info.modelFile = QStringLiteral("new.gguf");
    qint64 reply = store.beginReply(2, id, info);
    ReplyStats stats;
    stats.thinkingMs = 4250;
    store.finishReply(reply, QStringLiteral("answer"), QStringLiteral("pondering"), {}, stats);
    QCOMPARE(store.message(reply)->stats.thinkingMs, 4250.0);
    QCOMPARE(store.setModelSha256({reply, 2}, QStringLiteral("ABCDEF")), 2);
    QCOMPARE(store.message(reply)->generation.modelSha256, QString("abcdef"));
    // v5: a chat's tool choices, kept per conversation and gone with it.
    QCOMPARE(ToolChoiceStore::load(db, 1), ToolChoices{});
    ToolChoices choices;
    choices.offered.insert(QStringLiteral("calculator"), false);
    choices.offered.insert(QStringLiteral("get-sum"), true);
    choices.always.insert(QStringLiteral("get-sum"));
    choices.always.insert(QStringLiteral("echo"));
    ToolChoiceStore::save(db, 1, choices);
    QCOMPARE(ToolChoiceStore::load(db, 1), choices);
    QCOMPARE(ToolChoiceStore::load(db, 2), ToolChoices{});
    store.deleteConversation(1);
    QCOMPARE(StoreSql::scalar(db, QStringLiteral("SELECT count(*) FROM conversation_tools")).toInt(), 0);
    // v6: chats written before it are not imported ones; an imported one says when it came.
    QVERIFY(!list[0].importedAt.isValid());
    Conversation imported;
    imported.title = QStringLiteral("From a file");
    imported.importedAt = QDateTime::fromMSecsSinceEpoch(7000, Qt::UTC);
    const qint64 importedId = store.createConversation(imported);
    QCOMPARE(store.conversation(importedId)->importedAt, imported.importedAt);
    bool listed = false;
    for (const Conversation & c : store.listConversations())
        if (c.id == importedId) listed = c.importedAt == imported.importedAt;
    QVERIFY(listed);
}

}  // namespace

class TestStoreSchema : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    void migrateFrom(int version) {
        QString path = m_dir.filePath(QStringLiteral("v%1.sqlite").arg(version));
        {
            RawDb raw(path);
            StoreSchema::migrate(raw.db(), version);
            QCOMPARE(StoreSchema::version(raw.db()), version);
            insertOldRows(raw);
        }
        ConversationStore store(path);
        checkMigratedData(store);
    }

private slots:
    void freshDatabaseIsLatestWithWalAndForeignKeys() {
        ConversationStore store(m_dir.filePath("fresh.sqlite"));
        QSqlQuery q(store.database());
        QVERIFY(q.exec("PRAGMA user_version") && q.next());
        QCOMPARE(q.value(0).toInt(), StoreSchema::kLatestVersion);
        QVERIFY(q.exec("PRAGMA journal_mode") && q.next());
        QCOMPARE(q.value(0).toString(), QString("wal"));
        QVERIFY(q.exec("PRAGMA foreign_keys") && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QVERIFY(q.exec("SELECT count(*) FROM sqlite_master WHERE name = 'messages_fts'") && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }

    void migratesFromVersion1() { migrateFrom(1); }
    void migratesFromVersion2() { migrateFrom(2); }
    void migratesFromVersion3() { migrateFrom(3); }
    void migratesFromVersion4() { migrateFrom(4); }
    void migratesFromVersion5() { migrateFrom(5); }

    void everyEarlierVersionIsTested() {
        // A new schema step needs its own migratesFromVersionN above.
        QCOMPARE(StoreSchema::kLatestVersion, 6);
    }

    void eachStepSetsItsVersion() {
        RawDb raw(m_dir.filePath("steps.sqlite"));
        for (int v = 1; v <= StoreSchema::kLatestVersion; ++v) {
            StoreSchema::migrate(raw.db(), v);
            QCOMPARE(StoreSchema::version(raw.db()), v);
        }
        StoreSchema::migrate(raw.db());  // nothing left to do
        QCOMPARE(StoreSchema::version(raw.db()), StoreSchema::kLatestVersion);
    }

    void refusesNewerDatabase() {
        QString path = m_dir.filePath("future.sqlite");
        {
            RawDb raw(path);
            raw.exec("PRAGMA user_version = 99");
        }
        try {
            ConversationStore store(path);
            QFAIL("a newer database was opened");
        } catch (const hearth::Error & e) {
            QCOMPARE(e.code(), hearth::ErrorCode_unsupported);
            QVERIFY2(QString(e.what()).contains("99"), e.what());
        }
    }

    void refusesFileThatIsNotADatabase() {
        QString path = m_dir.filePath("garbage.sqlite");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        try {
            ConversationStore store(path);
            QFAIL("garbage was opened as a database");
        } catch (const hearth::Error & e) {
            QVERIFY2(QString(e.what()).contains("garbage.sqlite"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestStoreSchema)
#include "test_store_schema.moc"
