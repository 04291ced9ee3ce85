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
// While a reply streams, the controller feeds its text with
// setStreamingText(), batched at about 60 Hz; only that row's text roles
// change. Structural changes (a new message, a branch switch) reload the path.
// Errors from the store are reported through errorOccurred(); nothing throws.
#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

#include "core/conversation_types.h"

namespace Hearth {

class ConversationStore;

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(qint64 conversationId READ conversationId WRITE setConversationId NOTIFY conversationIdChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

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

    explicit MessageListModel(QObject *parent = nullptr);

    void setStore(ConversationStore *store);  // not owned; same thread
    qint64 conversationId() const { return m_conversationId; }
    void setConversationId(qint64 id);
    int count() const { return int(m_rows.size()); }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE void reload();
    Q_INVOKABLE int rowOf(qint64 messageId) const;
    // Shows the sibling `delta` steps from the message at `row` (-1: previous
    // branch, +1: next) and the newest leaf under it.
    Q_INVOKABLE bool selectSibling(int row, int delta);
    // The streaming reply's whole text so far.
    Q_INVOKABLE void setStreamingText(qint64 messageId, const QString &content, const QString &reasoning);

signals:
    void conversationIdChanged();
    void countChanged();
    void errorOccurred(const QString &message);

private:
    struct Row {
        Message message;
        int siblingIndex = 0;
        int siblingCount = 1;
    };

    ConversationStore *m_store = nullptr;
    qint64 m_conversationId = 0;
    QList<Row> m_rows;
};

}  // namespace Hearth
