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
//
// Threads: with a StoreWorker (the app) the list is read and every change is
// written on the store's thread; the rows change when the answer comes back
// (in order), and the calls return true for "queued". With a
// ConversationStore on this thread (tests, tools) they run at once.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>
#include <QTimer>

#include "core/conversation_types.h"

namespace Hearth {

class ConversationStore;
class StoreWorker;

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        ModelRole,
        CreatedAtRole,
        UpdatedAtRole,
        PinnedRole,
        AgeTextRole,
        ImportedRole
    };
    Q_ENUM(Role)

    explicit ConversationListModel(QObject * parent = nullptr);

    // Not owned; must live on this model's thread. Reloads.
    void setStore(ConversationStore * store);
    // Not owned; must be destroyed before this model. Reloads.
    void setWorker(StoreWorker * worker);

    int rowCount(const QModelIndex & parent = QModelIndex()) const override;
    QVariant data(const QModelIndex & index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }

    Q_INVOKABLE void reload();
    // Every row's ageText changed (the minute timer calls it).
    void refreshAges();
    Q_INVOKABLE int rowOf(qint64 conversationId) const;  // -1 when not listed
    // 0 on failure. With a worker it waits for the insert: not for the GUI's paths.
    Q_INVOKABLE qint64 create(const QString & title);
    Q_INVOKABLE bool rename(qint64 conversationId, const QString & title);
    Q_INVOKABLE bool setPinned(qint64 conversationId, bool pinned);
    Q_INVOKABLE bool remove(qint64 conversationId);
    Q_INVOKABLE bool restore(qint64 conversationId);
    // How many were purged; with a worker -1: queued, the count is not waited for.
    Q_INVOKABLE int purgeDeleted();

signals:
    void countChanged();
    void errorOccurred(const QString & message);

private:
    QTimer m_ageTimer;
    // Runs `job(store)` now or on the worker, then `apply(result)` (or
    // `apply()` for a job returning nothing) here; false when it failed at once.
    template <typename Fn, typename Apply>
    bool query(Fn job, Apply apply);
    void replaceRows(QList<Conversation> rows);

    ConversationStore * m_store = nullptr;
    StoreWorker * m_worker = nullptr;
    QList<Conversation> m_rows;
};

}  // namespace Hearth
