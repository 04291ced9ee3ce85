// ConversationStore: the message tree (append, edit, branches, active path),
// streaming replies and tree import.
#include <QHash>
#include <QJsonDocument>
#include <QSqlQuery>

#include "core/conversation_store.h"
#include "core/message_row.h"
#include "core/store_sql.h"
#include "hearth/error.h"

namespace Hearth {

namespace {

QString compact(const QJsonObject & o) {
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
QString compact(const QJsonArray & a) {
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QList<Message> readAll(QSqlQuery & q) {
    QList<Message> list;
    while (q.next()) list.append(MessageRow::fromQuery(q));
    return list;
}

}  // namespace

QList<Message> ConversationStore::selectMessages(const QString & where, std::initializer_list<QVariant> values) const {
    QSqlQuery q = StoreSql::run(m_db,
                                QStringLiteral("SELECT %1 FROM messages m WHERE %2 ORDER BY m.created_at, m.id")
                                    .arg(MessageRow::columns(), where),
                                values);
    return readAll(q);
}

Message ConversationStore::requireMessage(qint64 id) const {
    QList<Message> found = selectMessages(QStringLiteral("m.id = ?"), {id});
    if (found.isEmpty())
        throw hearth::Error(hearth::ErrorCode_invalid_argument,
                            QStringLiteral("database %1: no message %2").arg(m_path).arg(id).toStdString());
    return found.first();
}

qint64 ConversationStore::insertMessage(const Message & m) {
    if (m.parentId != 0) {
        QVariant owner =
            StoreSql::scalar(m_db, QStringLiteral("SELECT conversation_id FROM messages WHERE id = ?"), {m.parentId});
        if (!owner.isValid() || owner.toLongLong() != m.conversationId)
            throw hearth::Error(hearth::ErrorCode_invalid_argument,
                                QStringLiteral("database %1: parent message %2 is not in conversation %3")
                                    .arg(m_path)
                                    .arg(m.parentId)
                                    .arg(m.conversationId)
                                    .toStdString());
    }
    QSqlQuery q = StoreSql::run(
        m_db,
        QStringLiteral("INSERT INTO messages (conversation_id, parent_id, role, content, reasoning, tool_calls,"
                       " tool_results, created_at, state, model_file, model_sha256, sampling, seed, prompt_tokens,"
                       " generated_tokens, prompt_tps, generation_tps, ttft_ms, stop_reason, thinking_ms)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {m.conversationId,
         m.parentId ? QVariant(m.parentId) : QVariant(),
         roleName(m.role),
         StoreSql::text(m.content),
         StoreSql::text(m.reasoning),
         compact(m.toolCalls),
         compact(m.toolResults),
         toStoredTime(m.createdAt),
         stateName(m.state),
         StoreSql::text(m.generation.modelFile),
         StoreSql::text(m.generation.modelSha256),
         compact(m.generation.sampling),
         m.generation.seed,
         m.stats.promptTokens,
         m.stats.generatedTokens,
         m.stats.promptTokensPerSecond,
         m.stats.generationTokensPerSecond,
         m.stats.timeToFirstTokenMs,
         StoreSql::text(m.stats.stopReason),
         m.stats.thinkingMs});
    return q.lastInsertId().toLongLong();
}

qint64 ConversationStore::appendMessage(qint64 conversationId, qint64 parentId, const Message & m) {
    requireConversation(conversationId);
    Message row = m;
    row.conversationId = conversationId;
    row.parentId = parentId;
    if (!row.createdAt.isValid()) row.createdAt = QDateTime::currentDateTimeUtc();
    StoreSql::Transaction tx(m_db);
    qint64 id = insertMessage(row);
    setActiveLeaf(conversationId, id);
    touchConversation(conversationId, row.createdAt.toMSecsSinceEpoch());
    tx.commit();
    return id;
}

std::optional<Message> ConversationStore::message(qint64 id) const {
    QList<Message> found = selectMessages(QStringLiteral("m.id = ?"), {id});
    if (found.isEmpty()) return std::nullopt;
    return found.first();
}

QList<Message> ConversationStore::messages(qint64 conversationId) const {
    return selectMessages(QStringLiteral("m.conversation_id = ?"), {conversationId});
}

QList<Message> ConversationStore::activePath(qint64 conversationId) const {
    // Walk up from the active leaf; depth 0 is the leaf, so descending depth
    // gives root -> leaf.
    QSqlQuery q = StoreSql::run(
        m_db,
        QStringLiteral("WITH RECURSIVE path(id, depth) AS ("
                       "  SELECT active_leaf_id, 0 FROM conversations WHERE id = ? AND active_leaf_id IS NOT NULL"
                       "  UNION ALL"
                       "  SELECT p.parent_id, path.depth + 1 FROM messages p JOIN path ON p.id = path.id"
                       "  WHERE p.parent_id IS NOT NULL)"
                       " SELECT %1 FROM messages m JOIN path ON m.id = path.id ORDER BY path.depth DESC")
            .arg(MessageRow::columns()),
        {conversationId});
    return readAll(q);
}

QList<Message> ConversationStore::siblings(qint64 messageId) const {
    Message m = requireMessage(messageId);
    if (m.parentId == 0)
        return selectMessages(QStringLiteral("m.conversation_id = ? AND m.parent_id IS NULL"), {m.conversationId});
    return selectMessages(QStringLiteral("m.parent_id = ?"), {m.parentId});
}

QList<Message> ConversationStore::children(qint64 messageId) const {
    return selectMessages(QStringLiteral("m.parent_id = ?"), {messageId});
}

ConversationTree ConversationStore::tree(qint64 conversationId) const {
    std::optional<Conversation> c = conversation(conversationId);
    if (!c)
        throw hearth::Error(
            hearth::ErrorCode_invalid_argument,
            QStringLiteral("database %1: no conversation %2").arg(m_path).arg(conversationId).toStdString());
    return ConversationTree{*c, messages(conversationId)};
}

qint64 ConversationStore::editMessage(qint64 messageId, const QString & content) {
    Message old = requireMessage(messageId);
    Message edited;
    edited.role = old.role;
    edited.content = content;
    edited.toolCalls = old.toolCalls;
    edited.toolResults = old.toolResults;
    return appendMessage(old.conversationId, old.parentId, edited);
}

qint64 ConversationStore::switchBranch(qint64 messageId) {
    Message m = requireMessage(messageId);
    // The newest leaf in the subtree under messageId (itself when it has no children).
    qint64 leaf =
        StoreSql::scalar(m_db,
                         QStringLiteral("WITH RECURSIVE sub(id) AS ("
                                        "  SELECT ? UNION ALL"
                                        "  SELECT c.id FROM messages c JOIN sub ON c.parent_id = sub.id)"
                                        " SELECT m.id FROM messages m JOIN sub ON m.id = sub.id"
                                        " WHERE NOT EXISTS (SELECT 1 FROM messages k WHERE k.parent_id = m.id)"
                                        " ORDER BY m.created_at DESC, m.id DESC LIMIT 1"),
                         {messageId}, messageId)
            .toLongLong();
    setActiveLeaf(m.conversationId, leaf);
    return leaf;
}

qint64 ConversationStore::insertTree(const ConversationTree & tree) {
    StoreSql::Transaction tx(m_db);
    qint64 conversationId = createConversation(tree.conversation);
    QHash<qint64, qint64> newIds;
    for (const Message & source : tree.messages) {
        Message m = source;
        m.conversationId = conversationId;
        if (source.parentId != 0) {
            auto it = newIds.constFind(source.parentId);
            if (it == newIds.constEnd())
                throw hearth::Error(hearth::ErrorCode_format,
                                    QStringLiteral("conversation '%1': message %2 refers to parent %3, which does not"
                                                   " come before it")
                                        .arg(tree.conversation.title)
                                        .arg(source.id)
                                        .arg(source.parentId)
                                        .toStdString());
            m.parentId = *it;
        }
        newIds.insert(source.id, insertMessage(m));
    }
    qint64 leaf = newIds.value(tree.conversation.activeLeafId, 0);
    if (leaf == 0 && !tree.messages.isEmpty()) leaf = newIds.value(tree.messages.last().id);
    setActiveLeaf(conversationId, leaf);
    tx.commit();
    return conversationId;
}

qint64 ConversationStore::beginReply(qint64 conversationId, qint64 parentId, const GenerationInfo & info) {
    Message m;
    m.role = MessageRole::Assistant;
    m.state = MessageState::Streaming;
    m.generation = info;
    return appendMessage(conversationId, parentId, m);
}

qint64 ConversationStore::regenerate(qint64 messageId, const GenerationInfo & info) {
    Message old = requireMessage(messageId);
    return beginReply(old.conversationId, old.parentId, info);
}

void ConversationStore::saveStreamingText(qint64 messageId, const QString & content, const QString & reasoning) {
    QSqlQuery q = StoreSql::run(
        m_db, QStringLiteral("UPDATE messages SET content = ?, reasoning = ? WHERE id = ? AND state = 'streaming'"),
        {StoreSql::text(content), StoreSql::text(reasoning), messageId});
    if (q.numRowsAffected() != 1)
        throw hearth::Error(
            hearth::ErrorCode_invalid_argument,
            QStringLiteral("database %1: message %2 is not streaming").arg(m_path).arg(messageId).toStdString());
}

void ConversationStore::finishReply(qint64 messageId, const QString & content, const QString & reasoning,
                                    const QJsonArray & toolCalls, const ReplyStats & stats) {
    Message m = requireMessage(messageId);
    qint64 now = QDateTime::currentMSecsSinceEpoch();
    StoreSql::Transaction tx(m_db);
    StoreSql::run(m_db,
                  QStringLiteral("UPDATE messages SET content = ?, reasoning = ?, tool_calls = ?, state = 'complete',"
                                 " prompt_tokens = ?, generated_tokens = ?, prompt_tps = ?, generation_tps = ?,"
                                 " ttft_ms = ?, stop_reason = ?, thinking_ms = ? WHERE id = ?"),
                  {StoreSql::text(content), StoreSql::text(reasoning), compact(toolCalls), stats.promptTokens,
                   stats.generatedTokens, stats.promptTokensPerSecond, stats.generationTokensPerSecond,
                   stats.timeToFirstTokenMs, StoreSql::text(stats.stopReason), stats.thinkingMs, messageId});
    touchConversation(m.conversationId, now);
    tx.commit();
}

int ConversationStore::setModelSha256(const QList<qint64> & messageIds, const QString & sha256) {
    if (messageIds.isEmpty() || sha256.isEmpty()) return 0;
    int changed = 0;
    StoreSql::Transaction tx(m_db);
    for (qint64 id : messageIds) {
        QSqlQuery q = StoreSql::run(
            m_db, QStringLiteral("UPDATE messages SET model_sha256 = ? WHERE id = ? AND model_sha256 = ''"),
            {sha256.toLower(), id});
        changed += q.numRowsAffected();
    }
    tx.commit();
    return changed;
}

void ConversationStore::resumeReply(qint64 messageId) {
    QSqlQuery q = StoreSql::run(
        m_db,
        QStringLiteral("UPDATE messages SET state = 'streaming' WHERE id = ? AND role = 'assistant' AND (state ="
                       " 'interrupted' OR (state = 'complete' AND stop_reason IN ('length', 'context_full')))"),
        {messageId});
    if (q.numRowsAffected() != 1)
        throw hearth::Error(hearth::ErrorCode_invalid_argument,
                            QStringLiteral("database %1: message %2 is not an interrupted or cut-off reply")
                                .arg(m_path)
                                .arg(messageId)
                                .toStdString());
}

void ConversationStore::discardReply(qint64 messageId) {
    const Message m = requireMessage(messageId);
    if (m.role != MessageRole::Assistant || m.state != MessageState::Streaming || !m.content.isEmpty() ||
        !m.reasoning.isEmpty() || !children(messageId).isEmpty())
        throw hearth::Error(hearth::ErrorCode_invalid_argument,
                            QStringLiteral("database %1: message %2 is not an empty streaming reply")
                                .arg(m_path)
                                .arg(messageId)
                                .toStdString());
    StoreSql::Transaction tx(m_db);
    StoreSql::run(m_db, QStringLiteral("DELETE FROM messages WHERE id = ?"), {messageId});
    // A refused regenerate shows the reply it would have replaced again.
    const QList<Message> rest = m.parentId ? children(m.parentId) : QList<Message>();
    if (!rest.isEmpty())
        switchBranch(rest.last().id);
    else
        StoreSql::run(m_db,
                      QStringLiteral("UPDATE conversations SET active_leaf_id = ? WHERE id = ? AND active_leaf_id = ?"),
                      {m.parentId ? QVariant(m.parentId) : QVariant(), m.conversationId, messageId});
    tx.commit();
}

}  // namespace Hearth
