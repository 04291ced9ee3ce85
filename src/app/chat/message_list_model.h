// MessageListModel: the chat view's messages, the active branch of one
// conversation (root -> active leaf), with the branch switcher's figures.
//
// Roles (QML names):
//   messageId            qint64
//   role                 int       MessageRole (QML: Message.System, .User, .Assistant, .Tool)
//   content              QString   Markdown
//   reasoning            QString   shown in the collapsible Thinking block
//   toolCalls            QString   JSON array text ("" when none)
//   toolResults          QString   JSON array text ("" when none)
//   state                int       MessageState (QML: Message.Complete, .Streaming, .Interrupted)
//   createdAt            QDateTime UTC
//   modelFile            QString   assistant replies: the model's file name
//   modelSha256          QString   its sha256 (lower-case hex; "" = not known)
//   generatedTokens      int
//   tokensPerSecond      double    generation speed
//   timeToFirstTokenMs   double
//   stopReason           QString
//   thinkingMs           double    time spent in the reasoning block (0: unknown / none)
//   thinkingText         QString   the same as people read it, "12 s" ("" when unknown)
//   siblingIndex         int       0-based position among its siblings ("2/3" shows index+1)
//   siblingCount         int       1 when there is no other branch here
//   continuable          bool      an interrupted reply, or one cut off by its length limit or a
//                                  full context: "Continue" picks it up (ConversationStore::resumeReply)
//
// Long chats: a load is one query (ConversationStore::activeBranch, sibling
// figures included) for the newest kPageSize messages; fetchOlder() prepends
// the page above when the view reaches the top, and reveal() pages back to a
// message (a search hit). reload() after a structural change (a new message,
// a finished reply, a branch switch) re-reads the path only down from the
// oldest message shown and reports the difference (changed rows, rows
// removed and inserted at the end), not a model reset, so the view keeps its
// delegates. Switching conversations resets.
//
// Threads: with a StoreWorker (the app) every load is queued on the store's
// thread and applied here when its result comes back, so the GUI thread never
// waits on SQLite; results for a chat the view has left are dropped. Then
// fetchOlder(), fetchAllOlder() and selectSibling() return true for "asked"
// and the rows change later. With a ConversationStore on this thread (tests,
// tools) the same calls run at once.
//
// While a reply streams, the controller feeds its text with
// setStreamingText(), batched at about 60 Hz; only that row's text roles
// change. Errors from the store are reported through errorOccurred(); nothing throws.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>
#include <functional>

#include "core/conversation_store.h"

namespace Hearth {

class StoreWorker;

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(qint64 conversationId READ conversationId WRITE setConversationId NOTIFY conversationIdChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // Older messages of the branch are not loaded yet (fetchOlder() adds them).
    Q_PROPERTY(bool hasOlder READ hasOlder NOTIFY hasOlderChanged)
    // The search hit being shown, and the query whose words its text marks.
    Q_PROPERTY(qint64 highlightId READ highlightId NOTIFY highlightChanged)
    Q_PROPERTY(QString highlightText READ highlightText NOTIFY highlightChanged)

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        RoleRole,
        ContentRole,
        ReasoningRole,
        ToolCallsRole,
        ToolResultsRole,
        StateRole,
        CreatedAtRole,
        ModelFileRole,
        GeneratedTokensRole,
        TokensPerSecondRole,
        TimeToFirstTokenRole,
        StopReasonRole,
        SiblingIndexRole,
        SiblingCountRole,
        ModelSha256Role,
        ThinkingMsRole,
        ThinkingTextRole,
        ContinuableRole,
    };
    Q_ENUM(Role)

    static constexpr int kPageSize = 100;

    explicit MessageListModel(QObject * parent = nullptr);

    void setStore(ConversationStore * store);  // not owned; same thread
    void setWorker(StoreWorker * worker);      // not owned; must be destroyed before this model
    qint64 conversationId() const { return m_conversationId; }
    void setConversationId(qint64 id);
    int count() const { return int(m_rows.size()); }
    qint64 highlightId() const { return m_highlightId; }
    QString highlightText() const { return m_highlightText; }
    // Marks `messageId`'s words of `text` (0 / "": none).
    void setHighlight(qint64 messageId, const QString & text);
    bool hasOlder() const { return !m_rows.isEmpty() && m_rows.first().message.parentId != 0; }

    int rowCount(const QModelIndex & parent = QModelIndex()) const override;
    QVariant data(const QModelIndex & index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE void reload();
    // Prepends the page of messages above the oldest loaded one; false when none.
    Q_INVOKABLE bool fetchOlder();
    // Loads every older message of the branch (one query): Ctrl+Home goes to the start.
    Q_INVOKABLE bool fetchAllOlder();
    Q_INVOKABLE int rowOf(qint64 messageId) const;
    // The row of `messageId`, loading older pages until it shows (-1: not on
    // this branch). With a worker only what is loaded counts: use showMessage().
    Q_INVOKABLE int reveal(qint64 messageId);
    // Loads the branch down from `messageId` (first making its branch the
    // active one when `switchBranch` and it is not on it), then calls
    // `done(row)` (-1: not found).
    void showMessage(qint64 messageId, bool switchBranch, std::function<void(int)> done);
    // Shows the sibling `delta` steps from the message at `row` (-1: previous
    // branch, +1: next) and the newest leaf under it.
    Q_INVOKABLE bool selectSibling(int row, int delta);
    // The streaming reply's whole text so far.
    Q_INVOKABLE void setStreamingText(qint64 messageId, const QString & content, const QString & reasoning);

signals:
    void conversationIdChanged();
    void countChanged();
    void hasOlderChanged();
    void highlightChanged();
    void errorOccurred(const QString & message);

private:
    using Row = BranchMessage;

    void replaceRows(QList<Row> rows);
    // A load read while the reply streamed holds older text than shown: keep the shown text.
    void keepStreamingText(QList<Row> & rows);
    void resetRows(QList<Row> rows);
    void countsChanged(int before, bool olderBefore);
    bool prependOlder(int limit);
    // Runs `job(store)` now or on the worker, then `apply(result)` here unless
    // the view left the chat meanwhile; errors go to errorOccurred().
    template <typename Fn, typename Apply>
    void query(Fn job, Apply apply);
    void loadFailed(const QString & message);

    ConversationStore * m_store = nullptr;
    StoreWorker * m_worker = nullptr;
    quint64 m_serial = 0;          // bumped when the chat changes: older results are dropped
    bool m_fetchingOlder = false;  // one older page at a time
    qint64 m_streamingId = 0;      // the row setStreamingText() feeds, while it is `streaming`
    QString m_streamingContent, m_streamingReasoning;
    qint64 m_conversationId = 0;
    QList<Row> m_rows;
    qint64 m_highlightId = 0;
    QString m_highlightText;
};

}  // namespace Hearth
