// ConversationsController: the sidebar (App.conversations). The list of
// conversations, the full-text search and its hits, renaming, pinning, and
// deleting with an undo window; all through the store thread.
//
// A delete hides the conversation at once and keeps its rows until the undo
// toast times out (commitDelete) or another delete comes; a delete whose undo
// window was still open when the app quit is made final at the next start.
// It acts on the open chat through ChatController: a rename changes its
// title, a delete of it opens a new chat (not while it generates), and a
// search hit opens its chat and scrolls to the message. Store errors become
// errorOccurred(), shown on the chat's error line.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QObject>
#include <QString>
#include <QVariantList>

#include "conversation_list_model.h"
#include "search_result_model.h"

namespace Hearth {

class ChatController;
class StoreWorker;

class ConversationsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("made by ChatFeature; App.conversations")
    Q_PROPERTY(Hearth::ConversationListModel * list READ list CONSTANT)
    // The database file, for work done on other threads (export, import).
    Q_PROPERTY(QString databasePath READ databasePath CONSTANT)
    // [{conversationId, messageId, title, snippet, role}]
    Q_PROPERTY(Hearth::SearchResultModel * searchResults READ searchResultModel CONSTANT)
    Q_PROPERTY(QString pendingDeleteTitle READ pendingDeleteTitle NOTIFY pendingDeleteChanged)

public:
    // The list reads `worker`'s store (null: the list stays empty).
    ConversationsController(StoreWorker * worker, QObject * parent);

    // The open chat these actions affect (ChatFeature, before any action).
    void setChat(ChatController * chat) { m_chat = chat; }

    ConversationListModel * list() { return &m_list; }
    QString databasePath() const;
    SearchResultModel * searchResultModel() { return &m_searchResults; }
    QVariantList searchResults() const { return m_searchResults.toVariantList(); }  // a copy of the rows
    QString pendingDeleteTitle() const { return m_pendingDeleteTitle; }

    Q_INVOKABLE void rename(qint64 conversationId, const QString & title);
    Q_INVOKABLE void togglePinned(qint64 conversationId);
    Q_INVOKABLE void deleteConversation(qint64 conversationId);
    Q_INVOKABLE void undoDelete();
    Q_INVOKABLE void commitDelete();  // the undo toast timed out
    Q_INVOKABLE void search(const QString & text);
    Q_INVOKABLE void openSearchResult(qint64 conversationId, qint64 messageId);
    // After conversations were added behind the controller's back (an import).
    Q_INVOKABLE void reloadConversations();

signals:
    void pendingDeleteChanged();
    void errorOccurred(const QString & message);

private:
    StoreWorker * m_worker;
    ChatController * m_chat = nullptr;
    ConversationListModel m_list;
    SearchResultModel m_searchResults;
    QString m_searchText;  // the query of m_searchResults: an opened hit marks its words
    qint64 m_pendingDeleteId = 0;
    QString m_pendingDeleteTitle;
};

}  // namespace Hearth
