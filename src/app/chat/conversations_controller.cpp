#include "conversations_controller.h"

#include "chat_controller.h"
#include "core/conversation_store.h"
#include "core/store_worker.h"

namespace Hearth {

ConversationsController::ConversationsController(StoreWorker * worker, QObject * parent)
    : QObject(parent), m_worker(worker) {
    if (m_worker) {
        m_list.setWorker(m_worker);
        m_list.purgeDeleted();  // a delete whose undo window passed when the app quit
    }
    connect(&m_list, &ConversationListModel::errorOccurred, this, &ConversationsController::errorOccurred);
}

QString ConversationsController::databasePath() const {
    return m_worker ? m_worker->path() : QString();
}

void ConversationsController::reloadConversations() {
    m_list.reload();
}

void ConversationsController::rename(qint64 conversationId, const QString & title) {
    if (!title.trimmed().isEmpty() && m_list.rename(conversationId, title.trimmed()) &&
        conversationId == m_chat->currentConversationId())
        m_chat->setCurrentTitle(title.trimmed());
}

void ConversationsController::togglePinned(qint64 conversationId) {
    const int row = m_list.rowOf(conversationId);
    if (row < 0) return;
    const bool pinned = m_list.data(m_list.index(row), ConversationListModel::PinnedRole).toBool();
    m_list.setPinned(conversationId, !pinned);
}

void ConversationsController::deleteConversation(qint64 conversationId) {
    const bool open = conversationId == m_chat->currentConversationId();
    if (m_chat->generating() && open) return;
    commitDelete();
    const int row = m_list.rowOf(conversationId);
    const QString title =
        row >= 0 ? m_list.data(m_list.index(row), ConversationListModel::TitleRole).toString() : QString();
    if (!m_list.remove(conversationId)) return;
    m_pendingDeleteId = conversationId;
    m_pendingDeleteTitle = title;
    if (open) m_chat->newChat();
    emit pendingDeleteChanged();
}

void ConversationsController::undoDelete() {
    if (!m_pendingDeleteId) return;
    m_list.restore(m_pendingDeleteId);
    m_pendingDeleteId = 0;
    m_pendingDeleteTitle.clear();
    emit pendingDeleteChanged();
}

void ConversationsController::commitDelete() {
    if (!m_pendingDeleteId) return;
    if (m_worker)
        m_worker->request(
            this, [id = m_pendingDeleteId](ConversationStore & store) { store.deleteConversation(id); }, [] {},
            [this](const QString & message) { emit errorOccurred(message); });
    m_pendingDeleteId = 0;
    m_pendingDeleteTitle.clear();
    emit pendingDeleteChanged();
}

void ConversationsController::search(const QString & text) {
    m_searchText = text;
    if (!m_worker || text.trimmed().isEmpty()) {
        m_searchResults.setHits({});
        return;
    }
    // Typing sends a query per key: only the answer to the latest text is shown.
    m_worker->request(
        this, [text](ConversationStore & store) { return store.search(text, 30); },
        [this, text](const QList<SearchHit> & hits) {
            if (text != m_searchText) return;
            m_searchResults.setHits(hits);
        },
        [this](const QString & message) { emit errorOccurred(message); });
}

void ConversationsController::openSearchResult(qint64 conversationId, qint64 messageId) {
    if (m_chat->generating()) return;
    m_chat->openMessage(conversationId, messageId, m_searchText);
}

}  // namespace Hearth
