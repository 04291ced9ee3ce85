#include "conversation_list_model.h"

#include "age_text.h"

#include <exception>

#include "core/conversation_store.h"

namespace Hearth {

ConversationListModel::ConversationListModel(QObject *parent) : QAbstractListModel(parent) {
    m_ageTimer.setInterval(60 * 1000);
    connect(&m_ageTimer, &QTimer::timeout, this, &ConversationListModel::refreshAges);
    m_ageTimer.start();
}

void ConversationListModel::refreshAges() {
    if (!m_rows.isEmpty()) emit dataChanged(index(0), index(int(m_rows.size() - 1)), {AgeTextRole});
}

template <typename Fn>
bool ConversationListModel::guarded(Fn &&fn) {
    if (!m_store) {
        emit errorOccurred(tr("No conversation store"));
        return false;
    }
    try {
        fn();
        return true;
    } catch (const std::exception &e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
        return false;
    }
}

void ConversationListModel::setStore(ConversationStore *store) {
    m_store = store;
    reload();
}

int ConversationListModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Conversation &c = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole: return c.title;
    case IdRole: return c.id;
    case ModelRole: return c.model;
    case CreatedAtRole: return c.createdAt;
    case UpdatedAtRole: return c.updatedAt;
    case AgeTextRole: return ageText(c.updatedAt, QDateTime::currentDateTimeUtc());
    case PinnedRole: return c.pinned;
    case ImportedRole: return c.importedAt.isValid();
    default: return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{IdRole, "conversationId"}, {TitleRole, "title"},         {ModelRole, "model"},
            {CreatedAtRole, "createdAt"}, {UpdatedAtRole, "updatedAt"}, {PinnedRole, "pinned"}, {AgeTextRole, "ageText"},
            {ImportedRole, "imported"}};
}

void ConversationListModel::reload() {
    QList<Conversation> rows;
    if (m_store && !guarded([&] { rows = m_store->listConversations(); })) return;
    int before = count();
    beginResetModel();
    m_rows = rows;
    endResetModel();
    if (before != count()) emit countChanged();
}

int ConversationListModel::rowOf(qint64 conversationId) const {
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == conversationId) return i;
    return -1;
}

qint64 ConversationListModel::create(const QString &title) {
    qint64 id = 0;
    Conversation c;
    c.title = title;
    if (!guarded([&] { id = m_store->createConversation(c); })) return 0;
    reload();
    return id;
}

bool ConversationListModel::rename(qint64 conversationId, const QString &title) {
    if (!guarded([&] { m_store->renameConversation(conversationId, title); })) return false;
    int row = rowOf(conversationId);
    if (row >= 0) {
        m_rows[row].title = title;
        emit dataChanged(index(row), index(row), {TitleRole, Qt::DisplayRole});
    }
    return true;
}

bool ConversationListModel::setPinned(qint64 conversationId, bool pinned) {
    if (!guarded([&] { m_store->setPinned(conversationId, pinned); })) return false;
    reload();  // the row moves
    return true;
}

bool ConversationListModel::remove(qint64 conversationId) {
    if (!guarded([&] { m_store->softDeleteConversation(conversationId); })) return false;
    int row = rowOf(conversationId);
    if (row >= 0) {
        beginRemoveRows(QModelIndex(), row, row);
        m_rows.removeAt(row);
        endRemoveRows();
        emit countChanged();
    }
    return true;
}

bool ConversationListModel::restore(qint64 conversationId) {
    if (!guarded([&] { m_store->restoreConversation(conversationId); })) return false;
    reload();
    return true;
}

int ConversationListModel::purgeDeleted() {
    int purged = 0;
    guarded([&] { purged = m_store->purgeDeleted(QDateTime::currentDateTimeUtc().addSecs(1)); });
    return purged;
}

}  // namespace Hearth
