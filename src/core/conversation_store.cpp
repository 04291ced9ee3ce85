// ConversationStore: opening the database, conversations and search. The
// message tree and streaming replies are in conversation_store_messages.cpp.
#include "core/conversation_store.h"

#include <QAtomicInteger>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

#include "core/app_paths.h"
#include "core/store_schema.h"
#include "core/store_sql.h"
#include "hearth/error.h"

namespace Hearth {

namespace {

const QString kConversationColumns = QStringLiteral(
    "id, title, created_at, updated_at, model, system_prompt, sampling, pinned, active_leaf_id, deleted_at,"
    " imported_at");

QJsonObject parseObject(const QString & json) {
    return json == QLatin1String("{}") ? QJsonObject() : QJsonDocument::fromJson(json.toUtf8()).object();
}

QString compact(const QJsonObject & o) {
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

Conversation conversationFromRow(const QSqlQuery & q) {
    Conversation c;
    c.id = q.value(0).toLongLong();
    c.title = q.value(1).toString();
    c.createdAt = fromStoredTime(q.value(2).toLongLong());
    c.updatedAt = fromStoredTime(q.value(3).toLongLong());
    c.model = q.value(4).toString();
    c.systemPrompt = q.value(5).toString();
    c.sampling = parseObject(q.value(6).toString());
    c.pinned = q.value(7).toBool();
    c.activeLeafId = q.value(8).isNull() ? 0 : q.value(8).toLongLong();
    if (!q.value(9).isNull()) c.deletedAt = fromStoredTime(q.value(9).toLongLong());
    if (!q.value(10).isNull()) c.importedAt = fromStoredTime(q.value(10).toLongLong());
    return c;
}

// Each word becomes a quoted FTS5 string, so user text such as `AND`, `-x`
// or `"` is searched for rather than parsed; the last word matches as a
// prefix so results appear while typing.
QString ftsQuery(const QString & text) {
    QStringList words = text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    QStringList terms;
    for (QString w : words) {
        w.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        terms << QLatin1Char('"') + w + QLatin1Char('"');
    }
    if (!terms.isEmpty()) terms.last() += QLatin1Char('*');
    return terms.join(QLatin1Char(' '));
}

QAtomicInteger<quint64> s_connectionCounter;

}  // namespace

ConversationStore::ConversationStore() : ConversationStore(databasePath()) {}

ConversationStore::ConversationStore(const QString & path) : m_path(path) {
    m_connectionName = QStringLiteral("hearth-store-%1").arg(s_connectionCounter.fetchAndAddRelaxed(1));
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(path);
    try {
        open();
    } catch (...) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
        throw;
    }
}

ConversationStore::~ConversationStore() {
    m_db.close();
    m_db = QSqlDatabase();  // the last handle must go before removeDatabase
    QSqlDatabase::removeDatabase(m_connectionName);
}

void ConversationStore::open() {
    if (!m_db.open())
        throw hearth::Error(
            hearth::ErrorCode_io,
            QStringLiteral("cannot open database %1: %2").arg(m_path, m_db.lastError().text()).toStdString());
    // A file that is not SQLite opens fine and fails on the first read.
    StoreSql::exec(m_db, QStringLiteral("PRAGMA busy_timeout = 5000"));
    QString mode = StoreSql::scalar(m_db, QStringLiteral("PRAGMA journal_mode = WAL")).toString();
    if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        throw hearth::Error(
            hearth::ErrorCode_io,
            QStringLiteral("database %1: cannot use WAL journaling (got '%2')").arg(m_path, mode).toStdString());
    // NORMAL in WAL mode: each commit survives the process being killed; only
    // power loss may drop the last commits.
    StoreSql::exec(m_db, QStringLiteral("PRAGMA synchronous = NORMAL"));
    StoreSql::exec(m_db, QStringLiteral("PRAGMA foreign_keys = ON"));
    StoreSchema::migrate(m_db);
    m_interruptedOnOpen = recoverInterrupted();
}

int ConversationStore::recoverInterrupted() {
    QSqlQuery q =
        StoreSql::run(m_db, QStringLiteral("UPDATE messages SET state = 'interrupted' WHERE state = 'streaming'"));
    return q.numRowsAffected();
}

void ConversationStore::requireConversation(qint64 id) const {
    if (!StoreSql::scalar(m_db, QStringLiteral("SELECT 1 FROM conversations WHERE id = ?"), {id}).isValid())
        throw hearth::Error(hearth::ErrorCode_invalid_argument,
                            QStringLiteral("database %1: no conversation %2").arg(m_path).arg(id).toStdString());
}

qint64 ConversationStore::createConversation(const Conversation & info) {
    qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 created = info.createdAt.isValid() ? info.createdAt.toMSecsSinceEpoch() : now;
    qint64 updated = info.updatedAt.isValid() ? info.updatedAt.toMSecsSinceEpoch() : created;
    QSqlQuery q = StoreSql::run(
        m_db,
        QStringLiteral("INSERT INTO conversations (title, created_at, updated_at, model, system_prompt, sampling,"
                       " pinned, deleted_at, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {StoreSql::text(info.title), created, updated, StoreSql::text(info.model), StoreSql::text(info.systemPrompt),
         compact(info.sampling), info.pinned ? 1 : 0,
         info.deletedAt.isValid() ? QVariant(info.deletedAt.toMSecsSinceEpoch()) : QVariant(),
         info.importedAt.isValid() ? QVariant(info.importedAt.toMSecsSinceEpoch()) : QVariant()});
    return q.lastInsertId().toLongLong();
}

std::optional<Conversation> ConversationStore::conversation(qint64 id) const {
    QSqlQuery q = StoreSql::run(
        m_db, QStringLiteral("SELECT %1 FROM conversations WHERE id = ?").arg(kConversationColumns), {id});
    if (!q.next()) return std::nullopt;
    return conversationFromRow(q);
}

QList<Conversation> ConversationStore::listConversations() const {
    // The list leaves out the system prompt and sampling settings (empty
    // strings here): parsing 10,000 JSON objects was a third of the time.
    QSqlQuery q =
        StoreSql::run(m_db, QStringLiteral("SELECT id, title, created_at, updated_at, model, '', '{}', pinned,"
                                           " active_leaf_id, deleted_at, imported_at FROM conversations"
                                           " WHERE deleted_at IS NULL"
                                           " ORDER BY pinned DESC, updated_at DESC, id DESC"));
    QList<Conversation> list;
    while (q.next()) list.append(conversationFromRow(q));
    return list;
}

QList<Conversation> ConversationStore::deletedConversations() const {
    QSqlQuery q = StoreSql::run(
        m_db, QStringLiteral("SELECT %1 FROM conversations WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC")
                  .arg(kConversationColumns));
    QList<Conversation> list;
    while (q.next()) list.append(conversationFromRow(q));
    return list;
}

int ConversationStore::conversationCount() const {
    return StoreSql::scalar(m_db, QStringLiteral("SELECT count(*) FROM conversations WHERE deleted_at IS NULL"))
        .toInt();
}

void ConversationStore::renameConversation(qint64 id, const QString & title) {
    requireConversation(id);
    StoreSql::run(m_db, QStringLiteral("UPDATE conversations SET title = ? WHERE id = ?"), {StoreSql::text(title), id});
}

void ConversationStore::setPinned(qint64 id, bool pinned) {
    requireConversation(id);
    StoreSql::run(m_db, QStringLiteral("UPDATE conversations SET pinned = ? WHERE id = ?"), {pinned ? 1 : 0, id});
}

void ConversationStore::setConversationSettings(qint64 id, const QString & model, const QString & systemPrompt,
                                                const QJsonObject & sampling) {
    requireConversation(id);
    StoreSql::run(m_db,
                  QStringLiteral("UPDATE conversations SET model = ?, system_prompt = ?, sampling = ? WHERE id = ?"),
                  {StoreSql::text(model), StoreSql::text(systemPrompt), compact(sampling), id});
}

void ConversationStore::softDeleteConversation(qint64 id) {
    requireConversation(id);
    StoreSql::run(m_db, QStringLiteral("UPDATE conversations SET deleted_at = ? WHERE id = ?"),
                  {QDateTime::currentMSecsSinceEpoch(), id});
}

void ConversationStore::restoreConversation(qint64 id) {
    requireConversation(id);
    StoreSql::run(m_db, QStringLiteral("UPDATE conversations SET deleted_at = NULL WHERE id = ?"), {id});
}

int ConversationStore::purgeDeleted(const QDateTime & cutoff) {
    QSqlQuery q =
        StoreSql::run(m_db, QStringLiteral("DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?"),
                      {cutoff.toMSecsSinceEpoch()});
    return q.numRowsAffected();
}

void ConversationStore::deleteConversation(qint64 id) {
    requireConversation(id);
    StoreSql::run(m_db, QStringLiteral("DELETE FROM conversations WHERE id = ?"), {id});
}

void ConversationStore::touchConversation(qint64 conversationId, qint64 timeMs) {
    StoreSql::run(m_db, QStringLiteral("UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?"),
                  {timeMs, conversationId});
}

void ConversationStore::setActiveLeaf(qint64 conversationId, qint64 leafId) {
    StoreSql::run(m_db, QStringLiteral("UPDATE conversations SET active_leaf_id = ? WHERE id = ?"),
                  {leafId ? QVariant(leafId) : QVariant(), conversationId});
}

QList<SearchHit> ConversationStore::search(const QString & text, int limit) const {
    QString match = ftsQuery(text);
    if (match.isEmpty() || limit <= 0) return {};
    QSqlQuery q = StoreSql::run(m_db,
                                QStringLiteral("SELECT m.conversation_id, m.id, c.title, m.role,"
                                               " snippet(messages_fts, -1, '[', ']', '…', 12)"
                                               " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
                                               " JOIN conversations c ON c.id = m.conversation_id"
                                               " WHERE messages_fts MATCH ? AND c.deleted_at IS NULL"
                                               " ORDER BY rank, m.id LIMIT ?"),
                                {match, limit});
    QList<SearchHit> hits;
    while (q.next()) {
        SearchHit h;
        h.conversationId = q.value(0).toLongLong();
        h.messageId = q.value(1).toLongLong();
        h.conversationTitle = q.value(2).toString();
        h.role = roleFromName(q.value(3).toString()).value_or(MessageRole::User);
        h.snippet = q.value(4).toString();
        hits.append(h);
    }
    return hits;
}

}  // namespace Hearth
