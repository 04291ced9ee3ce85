#include "message_list_model.h"

#include <QJsonDocument>
#include <exception>
#include <utility>


namespace Hearth {

namespace {
QString jsonText(const QJsonArray &a) {
    return a.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}
bool sameRow(const BranchMessage &a, const BranchMessage &b) {
    const Message &x = a.message, &y = b.message;
    return a.siblingIndex == b.siblingIndex && a.siblingCount == b.siblingCount && x.role == y.role &&
           x.state == y.state && x.content == y.content && x.reasoning == y.reasoning && x.stats == y.stats &&
           x.generation == y.generation && x.toolCalls == y.toolCalls && x.toolResults == y.toolResults &&
           x.createdAt == y.createdAt;
}

}  // namespace

MessageListModel::MessageListModel(QObject *parent) : QAbstractListModel(parent) {}

void MessageListModel::setStore(ConversationStore *store) {
    m_store = store;
    resetRows({});
    reload();
}

void MessageListModel::setConversationId(qint64 id) {
    if (id == m_conversationId) return;
    m_conversationId = id;
    emit conversationIdChanged();
    setHighlight(0, QString());
    // Another chat: its newest page, without diffing against the old one.
    resetRows({});
    reload();
}

int MessageListModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Row &row = m_rows.at(index.row());
    const Message &m = row.message;
    switch (role) {
    case Qt::DisplayRole:
    case ContentRole: return m.content;
    case IdRole: return m.id;
    case RoleRole: return int(m.role);
    case ReasoningRole: return m.reasoning;
    case ToolCallsRole: return jsonText(m.toolCalls);
    case ToolResultsRole: return jsonText(m.toolResults);
    case StateRole: return int(m.state);
    case CreatedAtRole: return m.createdAt;
    case ModelFileRole: return m.generation.modelFile;
    case GeneratedTokensRole: return m.stats.generatedTokens;
    case TokensPerSecondRole: return m.stats.generationTokensPerSecond;
    case TimeToFirstTokenRole: return m.stats.timeToFirstTokenMs;
    case StopReasonRole: return m.stats.stopReason;
    case SiblingIndexRole: return row.siblingIndex;
    case SiblingCountRole: return row.siblingCount;
    case ModelSha256Role: return m.generation.modelSha256;
    case ThinkingMsRole: return m.stats.thinkingMs;
    case ThinkingTextRole: return durationText(m.stats.thinkingMs);
    case ContinuableRole:
        return m.role == MessageRole::Assistant &&
               (m.state == MessageState::Interrupted ||
                (m.state == MessageState::Complete && (m.stats.stopReason == QLatin1String("length") ||
                                                       m.stats.stopReason == QLatin1String("context_full"))));
    default: return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    return {{IdRole, "messageId"},
            {RoleRole, "role"},
            {ContentRole, "content"},
            {ReasoningRole, "reasoning"},
            {ToolCallsRole, "toolCalls"},
            {ToolResultsRole, "toolResults"},
            {StateRole, "state"},
            {CreatedAtRole, "createdAt"},
            {ModelFileRole, "modelFile"},
            {GeneratedTokensRole, "generatedTokens"},
            {TokensPerSecondRole, "tokensPerSecond"},
            {TimeToFirstTokenRole, "timeToFirstTokenMs"},
            {StopReasonRole, "stopReason"},
            {SiblingIndexRole, "siblingIndex"},
            {SiblingCountRole, "siblingCount"},
            {ModelSha256Role, "modelSha256"},
            {ThinkingMsRole, "thinkingMs"},
            {ThinkingTextRole, "thinkingText"},
            {ContinuableRole, "continuable"}};
}

void MessageListModel::reload() {
    QList<Row> rows;
    if (m_store && m_conversationId != 0) {
        try {
            // Down from the oldest message shown: the rows above it stay as they are.
            const qint64 oldest = m_rows.isEmpty() ? 0 : m_rows.first().message.id;
            rows = m_store->activeBranch(m_conversationId, int(m_rows.size()) + kPageSize, oldest);
        } catch (const std::exception &e) {
            emit errorOccurred(QString::fromUtf8(e.what()));
            return;
        }
    }
    replaceRows(std::move(rows));
}

// The new rows against the shown ones: when both start at the same message,
// the common part is updated in place and only the tail is removed and
// inserted; otherwise (another branch above the window) a reset.
void MessageListModel::replaceRows(QList<Row> rows) {
    if (rows.isEmpty() || m_rows.isEmpty() || rows.first().message.id != m_rows.first().message.id) {
        resetRows(std::move(rows));
        return;
    }
    const int before = count();
    const bool olderBefore = hasOlder();
    qsizetype common = 0;
    while (common < qMin(rows.size(), m_rows.size()) && rows[common].message.id == m_rows[common].message.id) ++common;
    for (qsizetype i = 0; i < common; ++i) {
        if (sameRow(m_rows[i], rows[i])) continue;
        m_rows[i] = rows[i];
        emit dataChanged(index(int(i)), index(int(i)));
    }
    if (common < m_rows.size()) {
        beginRemoveRows({}, int(common), int(m_rows.size() - 1));
        m_rows.resize(common);
        endRemoveRows();
    }
    if (common < rows.size()) {
        beginInsertRows({}, int(common), int(rows.size() - 1));
        m_rows.append(rows.mid(common));
        endInsertRows();
    }
    countsChanged(before, olderBefore);
}

void MessageListModel::resetRows(QList<Row> rows) {
    const int before = count();
    const bool olderBefore = hasOlder();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    countsChanged(before, olderBefore);
}

void MessageListModel::countsChanged(int before, bool olderBefore) {
    if (before != count()) emit countChanged();
    if (olderBefore != hasOlder()) emit hasOlderChanged();
}

bool MessageListModel::fetchOlder() { return prependOlder(kPageSize); }

bool MessageListModel::fetchAllOlder() { return prependOlder(0); }

bool MessageListModel::prependOlder(int limit) {
    if (!m_store || !hasOlder()) return false;
    QList<Row> older;
    try {
        older = m_store->branchAbove(m_rows.first().message.id, limit);
    } catch (const std::exception &e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
        return false;
    }
    if (older.isEmpty()) return false;
    const int before = count();
    const bool olderBefore = hasOlder();
    beginInsertRows({}, 0, int(older.size() - 1));
    m_rows = older + m_rows;
    endInsertRows();
    countsChanged(before, olderBefore);
    return true;
}

void MessageListModel::setHighlight(qint64 messageId, const QString &text) {
    if (messageId == m_highlightId && text == m_highlightText) return;
    m_highlightId = messageId;
    m_highlightText = text;
    emit highlightChanged();
}

int MessageListModel::rowOf(qint64 messageId) const {
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].message.id == messageId) return i;
    return -1;
}

int MessageListModel::reveal(qint64 messageId) {
    int row = rowOf(messageId);
    while (row < 0 && fetchOlder()) row = rowOf(messageId);
    return row;
}

bool MessageListModel::selectSibling(int row, int delta) {
    if (!m_store || row < 0 || row >= m_rows.size()) return false;
    try {
        QList<Message> siblings = m_store->siblings(m_rows[row].message.id);
        int target = m_rows[row].siblingIndex + delta;
        if (target < 0 || target >= siblings.size()) return false;
        m_store->switchBranch(siblings[target].id);
    } catch (const std::exception &e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
        return false;
    }
    reload();
    return true;
}

void MessageListModel::setStreamingText(qint64 messageId, const QString &content, const QString &reasoning) {
    int row = rowOf(messageId);
    if (row < 0) return;
    Message &m = m_rows[row].message;
    m.content = content;
    m.reasoning = reasoning;
    emit dataChanged(index(row), index(row), {ContentRole, ReasoningRole, Qt::DisplayRole});
}

}  // namespace Hearth
