#include "core/store_schema.h"

#include <QStringList>

#include "core/store_sql.h"
#include "hearth/error.h"

namespace Hearth::StoreSchema {

namespace {

void runAll(QSqlDatabase & db, const QStringList & statements) {
    for (const QString & s : statements) StoreSql::exec(db, s);
}

// Times are milliseconds since the epoch (UTC). JSON columns hold compact JSON
// text. active_leaf_id has no foreign key: it would make the two tables refer
// to each other, and the store keeps it valid itself.
void toVersion1(QSqlDatabase & db) {
    runAll(db, {
                   QStringLiteral("CREATE TABLE conversations ("
                                  " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                  " title TEXT NOT NULL DEFAULT '',"
                                  " created_at INTEGER NOT NULL,"
                                  " updated_at INTEGER NOT NULL,"
                                  " model TEXT NOT NULL DEFAULT '',"
                                  " system_prompt TEXT NOT NULL DEFAULT '',"
                                  " sampling TEXT NOT NULL DEFAULT '{}',"
                                  " pinned INTEGER NOT NULL DEFAULT 0,"
                                  " active_leaf_id INTEGER)"),
                   QStringLiteral("CREATE TABLE messages ("
                                  " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                  " conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
                                  " parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,"
                                  " role TEXT NOT NULL CHECK (role IN ('system','user','assistant','tool')),"
                                  " content TEXT NOT NULL DEFAULT '',"
                                  " reasoning TEXT NOT NULL DEFAULT '',"
                                  " tool_calls TEXT NOT NULL DEFAULT '[]',"
                                  " tool_results TEXT NOT NULL DEFAULT '[]',"
                                  " created_at INTEGER NOT NULL,"
                                  " state TEXT NOT NULL DEFAULT 'complete'"
                                  "   CHECK (state IN ('complete','streaming','interrupted')),"
                                  " model_file TEXT NOT NULL DEFAULT '',"
                                  " model_sha256 TEXT NOT NULL DEFAULT '',"
                                  " sampling TEXT NOT NULL DEFAULT '{}',"
                                  " seed INTEGER NOT NULL DEFAULT -1,"
                                  " prompt_tokens INTEGER NOT NULL DEFAULT 0,"
                                  " generated_tokens INTEGER NOT NULL DEFAULT 0,"
                                  " prompt_tps REAL NOT NULL DEFAULT 0,"
                                  " generation_tps REAL NOT NULL DEFAULT 0,"
                                  " ttft_ms REAL NOT NULL DEFAULT 0,"
                                  " stop_reason TEXT NOT NULL DEFAULT '')"),
                   QStringLiteral(
                       "CREATE INDEX conversations_by_recent ON conversations(pinned DESC, updated_at DESC, id DESC)"),
                   QStringLiteral("CREATE INDEX messages_by_conversation ON messages(conversation_id, created_at, id)"),
                   QStringLiteral("CREATE INDEX messages_by_parent ON messages(parent_id, created_at, id)"),
                   QStringLiteral("CREATE INDEX messages_streaming ON messages(state) WHERE state = 'streaming'"),
               });
}

// External-content FTS5 table: the text lives once, in messages; the index
// follows it through triggers (also on cascade deletes), and 'rebuild' indexes
// the rows a v1 database already holds.
void toVersion2(QSqlDatabase & db) {
    runAll(db,
           {
               QStringLiteral("CREATE VIRTUAL TABLE messages_fts USING fts5(content, reasoning,"
                              " content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"),
               QStringLiteral(
                   "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN"
                   " INSERT INTO messages_fts(rowid, content, reasoning) VALUES (new.id, new.content, new.reasoning);"
                   " END"),
               QStringLiteral("CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
                              " INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)"
                              "   VALUES ('delete', old.id, old.content, old.reasoning);"
                              " END"),
               QStringLiteral(
                   "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, reasoning ON messages BEGIN"
                   " INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)"
                   "   VALUES ('delete', old.id, old.content, old.reasoning);"
                   " INSERT INTO messages_fts(rowid, content, reasoning) VALUES (new.id, new.content, new.reasoning);"
                   " END"),
               QStringLiteral("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')"),
           });
}

// The list skips soft-deleted rows through a partial index, so listing stays
// one index walk however many conversations wait in the bin.
void toVersion3(QSqlDatabase & db) {
    runAll(db, {
                   QStringLiteral("ALTER TABLE conversations ADD COLUMN deleted_at INTEGER"),
                   QStringLiteral("DROP INDEX conversations_by_recent"),
                   QStringLiteral(
                       "CREATE INDEX conversations_listed ON conversations(pinned DESC, updated_at DESC, id DESC)"
                       " WHERE deleted_at IS NULL"),
                   QStringLiteral(
                       "CREATE INDEX conversations_deleted ON conversations(deleted_at) WHERE deleted_at IS NOT NULL"),
               });
}

// How long the model spent in its reasoning block, so the UI can say "Thought
// for 12 s" after a restart and exports carry it. 0: no reasoning, or a reply
// written before v4 (unknown).
void toVersion4(QSqlDatabase & db) {
    runAll(db, {
                   QStringLiteral("ALTER TABLE messages ADD COLUMN thinking_ms REAL NOT NULL DEFAULT 0"),
               });
}

// A chat's own tool choices (core/tool_choices.h): one row per tool the
// chat decided about; a tool without a row follows the app's default. Rows
// go with their conversation.
void toVersion5(QSqlDatabase & db) {
    runAll(db, {
                   QStringLiteral("CREATE TABLE conversation_tools ("
                                  " conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
                                  " tool TEXT NOT NULL,"
                                  " offered INTEGER,"  // NULL: the app's default; 0/1: the chat's choice
                                  " always_allow INTEGER NOT NULL DEFAULT 0,"
                                  " PRIMARY KEY (conversation_id, tool)) WITHOUT ROWID"),
               });
}

// When a conversation came in through an import, so the sidebar can mark it.
// NULL: written here.
void toVersion6(QSqlDatabase & db) {
    runAll(db, {
                   QStringLiteral("ALTER TABLE conversations ADD COLUMN imported_at INTEGER"),
               });
}

using Step = void (*)(QSqlDatabase &);
constexpr Step kSteps[kLatestVersion] = {toVersion1, toVersion2, toVersion3, toVersion4, toVersion5, toVersion6};

}  // namespace

int version(QSqlDatabase & db) {
    return StoreSql::scalar(db, QStringLiteral("PRAGMA user_version"), {}, 0).toInt();
}

void migrate(QSqlDatabase & db, int target) {
    int current = version(db);
    if (current > kLatestVersion)
        throw hearth::Error(hearth::ErrorCode_unsupported,
                            QStringLiteral("database %1 has schema version %2; this Hearth knows up to %3")
                                .arg(db.databaseName())
                                .arg(current)
                                .arg(kLatestVersion)
                                .toStdString());
    if (target > kLatestVersion) target = kLatestVersion;
    for (int v = current + 1; v <= target; ++v) {
        StoreSql::Transaction tx(db);
        kSteps[v - 1](db);
        StoreSql::exec(db, QStringLiteral("PRAGMA user_version = %1").arg(v));
        tx.commit();
    }
}

}  // namespace Hearth::StoreSchema
