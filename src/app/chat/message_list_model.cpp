#include "message_list_model.h"

#include <QJsonDocument>
#include <exception>
#include <type_traits>
#include <utility>

#include "core/store_worker.h"

namespace Hearth {

namespace {
QString jsonText(const QJsonArray & a) {
    return a.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}
bool contains(const QList<BranchMessage> & rows, qint64 messageId) {
    for (const BranchMessage & r : rows)
        if (r.message.id == messageId) return true;
    return false;
}

// The active branch from its newest page up to `messageId` (the pages above
// are read until it shows or the root is reached): empty when it is not on it.
QList<BranchMessage> branchDownFrom(ConversationStore & store, qint64 conversationId, qint64 messageId, int page) {
    QList<BranchMessage> rows = store.activeBranch(conversationId, page);
    while (!contains(rows, messageId) && !rows.isEmpty() && rows.first().message.parentId != 0) {
        const QList<BranchMessage> older = store.branchAbove(rows.first().message.id, page);
        if (older.isEmpty()) break;
        rows = older + rows;
    }
    return contains(rows, messageId) ? rows : QList<BranchMessage>();
}

bool sameRow(const BranchMessage & a, const BranchMessage & b) {
    const Message &x = a.message, &y = b.message;
    return a.siblingIndex == b.siblingIndex && a.siblingCount == b.siblingCount && x.role == y.role &&
           x.state == y.state && x.content == y.content && x.reasoning == y.reasoning && x.stats == y.stats &&
           x.generation == y.generation && x.toolCalls == y.toolCalls && x.toolResults == y.toolResults &&
           x.createdAt == y.createdAt;
}

}  // namespace

MessageListModel::MessageListModel(QObject * parent) : QAbstractListModel(parent) {}

void MessageListModel::setStore(ConversationStore * store) {
    m_store = store;
    resetRows({});
    reload();
}

void MessageListModel::setWorker(StoreWorker * worker) {
    m_worker = worker;
    ++m_serial;
    resetRows({});
    reload();
}

template <typename Fn, typename Apply>
void MessageListModel::query(Fn job, Apply apply) {
    using R = std::invoke_result_t<Fn, ConversationStore &>;
    if (m_worker) {
        const quint64 serial = m_serial;
        m_worker->request(
            this, std::move(job),
            [this, serial, apply = std::move(apply)](R result) {
                if (serial == m_serial) apply(std::move(result));
            },
            [this, serial](const QString & message) {
                if (serial == m_serial) loadFailed(message);
            });
        return;
    }
    if (!m_store) return;
    R result;
    try {
        result = job(*m_store);
    } catch (const std::exception & e) {
        loadFailed(QString::fromUtf8(e.what()));
        return;
    }
    apply(std::move(result));
}

void MessageListModel::loadFailed(const QString & message) {
    m_fetchingOlder = false;
    emit errorOccurred(message);
}

void MessageListModel::setConversationId(qint64 id) {
    if (id == m_conversationId) return;
    m_conversationId = id;
    ++m_serial;
    m_fetchingOlder = false;
    emit conversationIdChanged();
    setHighlight(0, QString());
    // Another chat: its newest page, without diffing against the old one.
    resetRows({});
    reload();
}

int MessageListModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessageListModel::data(const QModelIndex & index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Row & row = m_rows.at(index.row());
    const Message & m = row.message;
    switch (role) {
        case Qt::DisplayRole:
        case ContentRole:
            return m.content;
        case IdRole:
            return m.id;
        case RoleRole:
            return int(m.role);
        case ReasoningRole:
            return m.reasoning;
        case ToolCallsRole:
            return jsonText(m.toolCalls);
        case ToolResultsRole:
            return jsonText(m.toolResults);
        case StateRole:
            return int(m.state);
        case CreatedAtRole:
            return m.createdAt;
        case ModelFileRole:
            return m.generation.modelFile;
        case GeneratedTokensRole:
            return m.stats.generatedTokens;
        case TokensPerSecondRole:
            return m.stats.generationTokensPerSecond;
        case TimeToFirstTokenRole:
            return m.stats.timeToFirstTokenMs;
        case StopReasonRole:
            return m.stats.stopReason;
        case SiblingIndexRole:
            return row.siblingIndex;
        case SiblingCountRole:
            return row.siblingCount;
        case ModelSha256Role:
            return m.generation.modelSha256;
        case ThinkingMsRole:
            return m.stats.thinkingMs;
        case ThinkingTextRole:
            return durationText(m.stats.thinkingMs);
        case ContinuableRole:
            return m.role == MessageRole::Assistant &&
                   (m.state == MessageState::Interrupted ||
                    (m.state == MessageState::Complete && (m.stats.stopReason == QLatin1String("length") ||
                                                           m.stats.stopReason == QLatin1String("context_full"))));
        default:
            return {};
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
    if ((!m_store && !m_worker) || m_conversationId == 0) {
        replaceRows({});
        return;
    }
    // Down from the oldest message shown: the rows above it stay as they are.
    const qint64 conversationId = m_conversationId;
    const qint64 oldest = m_rows.isEmpty() ? 0 : m_rows.first().message.id;
    const int limit = int(m_rows.size()) + kPageSize;
    query([=](ConversationStore & store) { return store.activeBranch(conversationId, limit, oldest); },
          [this](QList<Row> rows) { replaceRows(std::move(rows)); });
}

// The new rows against the shown ones: when both start at the same message,
// the common part is updated in place and only the tail is removed and
// inserted; otherwise (another branch above the window) a reset.
void MessageListModel::keepStreamingText(QList<Row> & rows) {
    if (m_streamingId == 0) return;
    for (Row & r : rows) {
        if (r.message.id != m_streamingId) continue;
        if (r.message.state != MessageState::Streaming) {
            m_streamingId = 0;  // finished: the stored text is the whole text
            return;
        }
        r.message.content = m_streamingContent;
        r.message.reasoning = m_streamingReasoning;
    }
}

void MessageListModel::replaceRows(QList<Row> rows) {
    keepStreamingText(rows);
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
    keepStreamingText(rows);
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

bool MessageListModel::fetchOlder() {
    return prependOlder(kPageSize);
}

bool MessageListModel::fetchAllOlder() {
    return prependOlder(0);
}

bool MessageListModel::prependOlder(int limit) {
    if ((!m_store && !m_worker) || !hasOlder() || m_fetchingOlder) return false;
    const qint64 first = m_rows.first().message.id;
    bool added = false;
    m_fetchingOlder = true;
    query([=](ConversationStore & store) { return store.branchAbove(first, limit); },
          [this, first, &added, sync = !m_worker](QList<Row> older) {
              m_fetchingOlder = false;
              // A reload onto another branch came first: these rows no longer fit.
              if (older.isEmpty() || m_rows.isEmpty() || m_rows.first().message.id != first) return;
              const int before = count();
              const bool olderBefore = hasOlder();
              beginInsertRows({}, 0, int(older.size() - 1));
              m_rows = older + m_rows;
              endInsertRows();
              countsChanged(before, olderBefore);
              if (sync) added = true;  // `added` is gone by the time a worker's answer comes
          });
    return m_worker ? true : added;
}

void MessageListModel::setHighlight(qint64 messageId, const QString & text) {
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
    while (row < 0 && !m_worker && fetchOlder()) row = rowOf(messageId);
    return row;
}

void MessageListModel::showMessage(qint64 messageId, bool switchBranch, std::function<void(int)> done) {
    const qint64 conversationId = m_conversationId;
    const int row = rowOf(messageId);
    if (row >= 0 || conversationId == 0) {
        if (done) done(row);
        return;
    }
    query(
        [=](ConversationStore & store) {
            QList<Row> rows = branchDownFrom(store, conversationId, messageId, kPageSize);
            if (rows.isEmpty() && switchBranch) {
                store.switchBranch(messageId);
                rows = branchDownFrom(store, conversationId, messageId, kPageSize);
            }
            return rows;
        },
        [this, messageId, done](QList<Row> rows) {
            if (!rows.isEmpty()) replaceRows(std::move(rows));
            if (done) done(rowOf(messageId));
        });
}

bool MessageListModel::selectSibling(int row, int delta) {
    if ((!m_store && !m_worker) || row < 0 || row >= m_rows.size()) return false;
    const int target = m_rows[row].siblingIndex + delta;
    if (target < 0 || target >= m_rows[row].siblingCount) return false;
    // The switch and the reload in one job: the view shows the new branch with no gap.
    const qint64 messageId = m_rows[row].message.id;
    const qint64 conversationId = m_conversationId;
    const qint64 oldest = m_rows.first().message.id;
    const int limit = int(m_rows.size()) + kPageSize;
    bool switched = false;
    query(
        [=](ConversationStore & store) {
            const QList<Message> siblings = store.siblings(messageId);
            if (target >= siblings.size()) return QList<Row>();
            store.switchBranch(siblings[target].id);
            return store.activeBranch(conversationId, limit, oldest);
        },
        [this, &switched, sync = !m_worker](QList<Row> rows) {
            if (rows.isEmpty()) return;
            if (sync) switched = true;
            replaceRows(std::move(rows));
        });
    return m_worker ? true : switched;
}

void MessageListModel::setStreamingText(qint64 messageId, const QString & content, const QString & reasoning) {
    m_streamingId = messageId;
    m_streamingContent = content;
    m_streamingReasoning = reasoning;
    int row = rowOf(messageId);
    if (row < 0) return;
    Message & m = m_rows[row].message;
    m.content = content;
    m.reasoning = reasoning;
    emit dataChanged(index(row), index(row), {ContentRole, ReasoningRole, Qt::DisplayRole});
}

}  // namespace Hearth
