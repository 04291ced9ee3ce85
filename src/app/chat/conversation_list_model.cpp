#include "conversation_list_model.h"

#include <exception>
#include <type_traits>

#include "age_text.h"
#include "core/conversation_store.h"
#include "core/store_worker.h"

namespace Hearth {

ConversationListModel::ConversationListModel(QObject * parent) : QAbstractListModel(parent) {
    m_ageTimer.setInterval(60 * 1000);
    connect(&m_ageTimer, &QTimer::timeout, this, &ConversationListModel::refreshAges);
    m_ageTimer.start();
}

void ConversationListModel::refreshAges() {
    if (!m_rows.isEmpty()) emit dataChanged(index(0), index(int(m_rows.size() - 1)), {AgeTextRole});
}

template <typename Fn, typename Apply>
bool ConversationListModel::query(Fn job, Apply apply) {
    using R = std::invoke_result_t<Fn, ConversationStore &>;
    if (m_worker) {
        m_worker->request(this, std::move(job), std::move(apply),
                          [this](const QString & message) { emit errorOccurred(message); });
        return true;
    }
    if (!m_store) {
        emit errorOccurred(tr("No conversation store"));
        return false;
    }
    try {
        if constexpr (std::is_void_v<R>) {
            job(*m_store);
            apply();
        } else {
            apply(job(*m_store));
        }
        return true;
    } catch (const std::exception & e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
        return false;
    }
}

void ConversationListModel::setStore(ConversationStore * store) {
    m_store = store;
    reload();
}

void ConversationListModel::setWorker(StoreWorker * worker) {
    m_worker = worker;
    reload();
}

int ConversationListModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex & index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Conversation & c = m_rows.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
        case TitleRole:
            return c.title;
        case IdRole:
            return c.id;
        case ModelRole:
            return c.model;
        case CreatedAtRole:
            return c.createdAt;
        case UpdatedAtRole:
            return c.updatedAt;
        case AgeTextRole:
            return ageText(c.updatedAt, QDateTime::currentDateTimeUtc());
        case PinnedRole:
            return c.pinned;
        case ImportedRole:
            return c.importedAt.isValid();
        default:
            return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{IdRole, "conversationId"},   {TitleRole, "title"},         {ModelRole, "model"},
            {CreatedAtRole, "createdAt"}, {UpdatedAtRole, "updatedAt"}, {PinnedRole, "pinned"},
            {AgeTextRole, "ageText"},     {ImportedRole, "imported"}};
}

void ConversationListModel::reload() {
    if (!m_store && !m_worker) return;
    query([](ConversationStore & store) { return store.listConversations(); },
          [this](QList<Conversation> rows) { replaceRows(std::move(rows)); });
}

void ConversationListModel::replaceRows(QList<Conversation> rows) {
    const int before = count();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (before != count()) emit countChanged();
}

int ConversationListModel::rowOf(qint64 conversationId) const {
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == conversationId) return i;
    return -1;
}

qint64 ConversationListModel::create(const QString & title) {
    Conversation c;
    c.title = title;
    qint64 id = 0;
    try {
        id = m_worker  ? m_worker->call([c](ConversationStore & store) { return store.createConversation(c); })
             : m_store ? m_store->createConversation(c)
                       : 0;
    } catch (const std::exception & e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
        return 0;
    }
    if (id == 0)
        emit errorOccurred(tr("No conversation store"));
    else
        reload();
    return id;
}

bool ConversationListModel::rename(qint64 conversationId, const QString & title) {
    return query([=](ConversationStore & store) { store.renameConversation(conversationId, title); },
                 [this, conversationId, title] {
                     const int row = rowOf(conversationId);
                     if (row < 0) return;
                     m_rows[row].title = title;
                     emit dataChanged(index(row), index(row), {TitleRole, Qt::DisplayRole});
                 });
}

bool ConversationListModel::setPinned(qint64 conversationId, bool pinned) {
    // The row moves: the list is read again behind the write.
    if (!query([=](ConversationStore & store) { store.setPinned(conversationId, pinned); }, [] {})) return false;
    reload();
    return true;
}

bool ConversationListModel::remove(qint64 conversationId) {
    return query([=](ConversationStore & store) { store.softDeleteConversation(conversationId); },
                 [this, conversationId] {
                     const int row = rowOf(conversationId);
                     if (row < 0) return;
                     beginRemoveRows(QModelIndex(), row, row);
                     m_rows.removeAt(row);
                     endRemoveRows();
                     emit countChanged();
                 });
}

bool ConversationListModel::restore(qint64 conversationId) {
    if (!query([=](ConversationStore & store) { store.restoreConversation(conversationId); }, [] {})) return false;
    reload();
    return true;
}

int ConversationListModel::purgeDeleted() {
    int purged = m_worker ? -1 : 0;
    query([](ConversationStore & store) { return store.purgeDeleted(QDateTime::currentDateTimeUtc().addSecs(1)); },
          [&purged, sync = !m_worker](int n) {
              if (sync) purged = n;
          });
    return purged;
}

}  // namespace Hearth
