#include "message_list_model.h"

#include <QJsonDocument>
#include <exception>

#include "core/conversation_store.h"

namespace Hearth {

namespace {
QString jsonText(const QJsonArray &a) {
    return a.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}
}  // namespace

MessageListModel::MessageListModel(QObject *parent) : QAbstractListModel(parent) {}

void MessageListModel::setStore(ConversationStore *store) {
    m_store = store;
    reload();
}

void MessageListModel::setConversationId(qint64 id) {
    if (id == m_conversationId) return;
    m_conversationId = id;
    emit conversationIdChanged();
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
            for (const Message &m : m_store->activePath(m_conversationId)) {
                Row r{m};
                // One indexed query per row; a path is one conversation's turns.
                QList<Message> siblings = m_store->siblings(m.id);
                r.siblingCount = int(siblings.size());
                for (int i = 0; i < siblings.size(); ++i)
                    if (siblings[i].id == m.id) r.siblingIndex = i;
                rows.append(r);
            }
        } catch (const std::exception &e) {
            emit errorOccurred(QString::fromUtf8(e.what()));
            return;
        }
    }
    int before = count();
    beginResetModel();
    m_rows = rows;
    endResetModel();
    if (before != count()) emit countChanged();
}

int MessageListModel::rowOf(qint64 messageId) const {
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].message.id == messageId) return i;
    return -1;
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
