// HubSearchModel: the Hub's answer to a search, one row per repository.
//
// Roles (QML names):
//   repoId         QString    "owner/name"
//   author         QString    "owner"
//   repoName       QString    "name"
//   downloads      qint64
//   downloadsText  QString    "1.2M"
//   likes          qint64
//   updated        QDateTime  last modified (invalid when unknown)
//   updatedText    QString    "2024-05-01"; "" when unknown
//   gated          bool       files need an accepted licence and a token
//   isPrivate      bool
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>

#include "core/hub_types.h"

namespace Hearth {

QString formatCount(qint64 n);  // 1234567 -> "1.2M"

class HubSearchModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ModelsController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        RepoIdRole = Qt::UserRole + 1,
        AuthorRole,
        RepoNameRole,
        DownloadsRole,
        DownloadsTextRole,
        LikesRole,
        UpdatedRole,
        UpdatedTextRole,
        GatedRole,
        IsPrivateRole,
    };

    explicit HubSearchModel(QObject * parent = nullptr);

    int rowCount(const QModelIndex & parent = {}) const override;
    QVariant data(const QModelIndex & index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setResults(const QList<HubModelSummary> & results);
    Q_INVOKABLE QString repoIdAt(int row) const;

signals:
    void countChanged();

private:
    QList<HubModelSummary> m_results;
};

}  // namespace Hearth
