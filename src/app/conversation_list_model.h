// ConversationListModel: the sidebar's list of conversations, pinned first,
// then most recently updated first (ConversationStore::listConversations).
//
// Roles (QML names):
//   conversationId  qint64    the store id
//   title           QString
//   model           QString   the conversation's model file name
//   createdAt       QDateTime UTC
//   updatedAt       QDateTime UTC
//   pinned          bool
//   ageText         QString   "now", "5 min", "3 h", "2 d", "4 Dec" (age_text.h); the model
//                             re-announces it every minute, so the sidebar's ages stay current
//   imported        bool      it came from a JSON import (the sidebar marks it)
//
// Deleting is soft: remove() hides the row at once and restore() brings it
// back (the UI's "Undo"); purgeDeleted() makes it final. Every call catches
// store errors and reports them through errorOccurred(); none throws.
#pragma once

#include <QAbstractListModel>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include "core/conversation_types.h"

namespace Hearth {

class ConversationStore;

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, ModelRole, CreatedAtRole, UpdatedAtRole, PinnedRole, AgeTextRole,
                ImportedRole };
    Q_ENUM(Role)

    explicit ConversationListModel(QObject *parent = nullptr);

    // Not owned; must live on this model's thread. Reloads.
    void setStore(ConversationStore *store);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }

    Q_INVOKABLE void reload();
    // Every row's ageText changed (the minute timer calls it).
    void refreshAges();
    Q_INVOKABLE int rowOf(qint64 conversationId) const;  // -1 when not listed
    Q_INVOKABLE qint64 create(const QString &title);    // 0 on failure
    Q_INVOKABLE bool rename(qint64 conversationId, const QString &title);
    Q_INVOKABLE bool setPinned(qint64 conversationId, bool pinned);
    Q_INVOKABLE bool remove(qint64 conversationId);
    Q_INVOKABLE bool restore(qint64 conversationId);
    Q_INVOKABLE int purgeDeleted();

signals:
    void countChanged();
    void errorOccurred(const QString &message);

private:
    QTimer m_ageTimer;
    template <typename Fn>
    bool guarded(Fn &&fn);

    ConversationStore *m_store = nullptr;
    QList<Conversation> m_rows;
};

}  // namespace Hearth
