// HubFileModel: one repository's GGUF models (HubClient::groupGgufFiles): a
// single file or all shards of a split one per row, with its quant, size and a
// fit badge. A remote file's metadata is unknown before download, so the badge
// estimates from the file size (weights plus scratch; the KV cache is not
// counted, which the Library tab's badge then refines).
//
// Roles (QML names):
//   name          QString      display name (path without shard suffix / ".gguf")
//   quant         QString      "Q4_K_M"; "" when the name does not say
//   sizeBytes     qint64       all shards together
//   sizeText      QString      "4.1 GiB"
//   shardCount    int          1 for a single file
//   files         QStringList  repository paths, shards in order
//   complete      bool         every shard of a split is present in the repo
//   isProjector   bool         an "mmproj" file
//   fit           QString      "gpu", "partial", "cpu", "toobig"
//   fitText       QString      "Fits GPU", "Partial offload", "CPU only", "Too big"
//   downloaded    bool         the first file is already in a library folder
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>
#include <QSet>

#include "core/hub_types.h"
#include "model_library_model.h"

namespace Hearth {

class HubFileModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ModelsController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        QuantRole,
        SizeBytesRole,
        SizeTextRole,
        ShardCountRole,
        FilesRole,
        CompleteRole,
        IsProjectorRole,
        FitRole,
        FitTextRole,
        DownloadedRole,
    };

    explicit HubFileModel(QObject * parent = nullptr);

    int rowCount(const QModelIndex & parent = {}) const override;
    QVariant data(const QModelIndex & index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setFiles(const QList<HubModelFile> & files);
    void setBudget(const MemoryBudget & budget);
    // File names (no folder) present in the library folders.
    void setLocalFileNames(const QSet<QString> & names);
    HubModelFile fileAt(int row) const { return row >= 0 && row < m_files.size() ? m_files[row] : HubModelFile{}; }

signals:
    void countChanged();

private:
    bool isDownloaded(const HubModelFile & f) const;
    void refreshRoles(const QList<int> & roles);

    QList<HubModelFile> m_files;
    MemoryBudget m_budget;
    QSet<QString> m_localNames;
};

}  // namespace Hearth
