// ConversationStore: Hearth's conversations and their message trees, in one
// SQLite file (WAL, foreign keys, FTS5 search), through QtSql.
//
// Messages form a tree through parentId. Editing a user message or
// regenerating a reply adds a sibling (same parent), so nothing is ever lost;
// the conversation remembers its active leaf, and the active path is the chain
// root -> leaf. Switching to a sibling makes the newest leaf under it active.
//
// Streaming replies: beginReply() creates an assistant message in state
// `streaming`; StreamSaver saves its text as it grows; finishReply() records
// the stats. Opening the store turns any message left `streaming` (the app
// died) into `interrupted`.
//
// Threads: a QSqlDatabase connection belongs to the thread that opened it, so
// a store must be used only on the thread that constructed it. The app's
// store lives on its own thread (StoreWorker, store_worker.h): the GUI thread
// posts jobs there and never waits on SQLite, not even when another
// connection holds the write lock and a write would wait up to busy_timeout.
// Bulk work (export all, import) opens its own store on a worker thread or in
// hearth-cli: WAL lets readers run beside the one writer, and busy_timeout
// makes a writer wait for the other rather than fail.
//
// Errors (SQL failures, unknown ids, a database newer than this build) throw
// hearth::Error; callers in Qt slots catch them.
#pragma once

#include <QSqlDatabase>
#include <QString>
#include <optional>

#include "core/conversation_types.h"

namespace Hearth {

// A message of a branch with its place among its siblings (same parent), for
// the branch switcher's "2 / 3".
struct BranchMessage {
    Message message;
    int siblingIndex = 0;  // 0-based, creation order
    int siblingCount = 1;
};

class ConversationStore {
public:
    // Opens (creating if needed) and migrates the database at `path`.
    explicit ConversationStore(const QString & path);
    ConversationStore();  // Hearth::databasePath()
    ~ConversationStore();
    ConversationStore(const ConversationStore &) = delete;
    ConversationStore & operator=(const ConversationStore &) = delete;

    QString path() const { return m_path; }
    QSqlDatabase database() const { return m_db; }
    // Messages found `streaming` at open and marked `interrupted`.
    int interruptedOnOpen() const { return m_interruptedOnOpen; }

    // --- conversations ---------------------------------------------------
    // Uses title, model, systemPrompt, sampling, pinned and, when valid, the
    // times (import); returns the new id.
    qint64 createConversation(const Conversation & info);
    std::optional<Conversation> conversation(qint64 id) const;
    // Not deleted; pinned first, then most recently updated first. For the
    // sidebar: systemPrompt and sampling are left empty (see conversation()).
    QList<Conversation> listConversations() const;
    QList<Conversation> deletedConversations() const;
    int conversationCount() const;  // not deleted
    void renameConversation(qint64 id, const QString & title);
    void setPinned(qint64 id, bool pinned);
    void setConversationSettings(qint64 id, const QString & model, const QString & systemPrompt,
                                 const QJsonObject & sampling);
    // Soft delete: hidden from the list and search until restored or purged.
    void softDeleteConversation(qint64 id);
    void restoreConversation(qint64 id);
    // Removes soft-deleted conversations deleted before `cutoff`; returns how many.
    int purgeDeleted(const QDateTime & cutoff);
    void deleteConversation(qint64 id);  // now, with every message (cascade)

    // --- the message tree ------------------------------------------------
    // Adds `m` under parentId (0: a root) and makes it the active leaf.
    qint64 appendMessage(qint64 conversationId, qint64 parentId, const Message & m);
    std::optional<Message> message(qint64 id) const;
    QList<Message> messages(qint64 conversationId) const;    // every branch, creation order
    QList<Message> activePath(qint64 conversationId) const;  // root -> active leaf
    QList<Message> siblings(qint64 messageId) const;         // same parent, itself included, creation order
    // The chat view's loads, each one query (conversation_store_branch.cpp):
    // the active path's newest `limit` messages (limit <= 0: all), root ->
    // leaf, with their sibling figures, going no further up than `stopAt`
    // when it is on the path (the oldest message a view already shows); and
    // the `limit` messages above `messageId` on its path (its ancestors,
    // nearest last), for fetching older messages as the view scrolls up.
    QList<BranchMessage> activeBranch(qint64 conversationId, int limit = 0, qint64 stopAt = 0) const;
    QList<BranchMessage> branchAbove(qint64 messageId, int limit = 0) const;
    QList<Message> children(qint64 messageId) const;
    ConversationTree tree(qint64 conversationId) const;
    // A new sibling of `messageId` holding `content` (a copy of its role and
    // tool data); it becomes the active leaf. Returns its id.
    qint64 editMessage(qint64 messageId, const QString & content);
    // Makes the newest leaf under `messageId` active; returns that leaf.
    qint64 switchBranch(qint64 messageId);
    // Imports a whole tree (ids are reassigned); returns the conversation id.
    qint64 insertTree(const ConversationTree & tree);

    // --- streaming replies -----------------------------------------------
    qint64 beginReply(qint64 conversationId, qint64 parentId, const GenerationInfo & info);
    // A new streaming sibling of the reply `messageId` (regenerate).
    qint64 regenerate(qint64 messageId, const GenerationInfo & info);
    void saveStreamingText(qint64 messageId, const QString & content, const QString & reasoning);
    void finishReply(qint64 messageId, const QString & content, const QString & reasoning, const QJsonArray & toolCalls,
                     const ReplyStats & stats);
    // Fills in the model's sha256 on replies that were generated before the
    // hash was known (it is computed in the background); a reply that already
    // has one keeps it. Returns how many rows changed.
    int setModelSha256(const QList<qint64> & messageIds, const QString & sha256);
    // Continue an interrupted reply, or one that stopped at its length limit
    // or a full context ("length", "context_full"): back to `streaming`, text kept.
    void resumeReply(qint64 messageId);
    // Removes a streaming reply that never got any text (its prompt was
    // refused); the active branch goes back to its newest sibling, or ends at
    // its parent. Throws for any other message.
    void discardReply(qint64 messageId);

    // --- search ----------------------------------------------------------
    // Words of `text` must all appear (the last one as a prefix); FTS syntax
    // in `text` is taken literally. Best matches first.
    QList<SearchHit> search(const QString & text, int limit = 50) const;

private:
    void open();
    int recoverInterrupted();
    void touchConversation(qint64 conversationId, qint64 timeMs);
    void setActiveLeaf(qint64 conversationId, qint64 leafId);
    qint64 insertMessage(const Message & m);
    Message requireMessage(qint64 id) const;
    void requireConversation(qint64 id) const;
    QList<BranchMessage> selectBranch(const QString & start, qint64 startId, int limit, qint64 stopAt) const;
    QList<Message> selectMessages(const QString & where, std::initializer_list<QVariant> values) const;

    QString m_path;
    QString m_connectionName;
    QSqlDatabase m_db;
    int m_interruptedOnOpen = 0;
};

}  // namespace Hearth
