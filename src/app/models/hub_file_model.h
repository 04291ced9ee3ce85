// HubFileModel: one repository's GGUF models (HubClient::groupGgufFiles): a
// single file or all shards of a split one per row, with its quant, size and a
// fit badge. The badge comes from the memory planner (plan_memory) on the
// remote file's header, which the controller fetches with Range requests
// (setFootprint), planned as a load with default settings would be; until
// that lands, or when the header cannot be read, the row has no badge and
// fitDetail says why.
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
//   fit           QString      "gpu", "partial", "cpu", "toobig", "unsupported"; "" without a plan
//   fitText       QString      "Fits GPU", "Partial offload", "CPU only", "Too big", "Not supported"
//   downloaded    bool         the first file is already in a library folder
//   planned       bool         the badge comes from the planner on the remote header
//   planPending   bool         that header is being fetched
//   fitDetail     QString      the placement ("All 6 layers + output on the GPU · 1.3 MiB VRAM"),
//                              or why there is no plan
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>
#include <QSet>

#include "core/hub_types.h"
#include "hearth/memory_planner.h"
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
        PlannedRole,
        PlanPendingRole,
        FitDetailRole,
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

    // The planner's input for the model whose first file is `firstPath`, or
    // why it could not be read; kept across setFiles() for the same paths.
    void setPlanPending(const QString & firstPath);
    void setFootprint(const QString & firstPath, const hearth::ModelFootprint & footprint);
    void setPlanError(const QString & firstPath, const QString & error);
    // The engine cannot run the file (its architecture or a tensor type): the
    // row says so before anyone downloads it.
    void setUnsupported(const QString & firstPath, const QString & reason);
    void clearPlans();

signals:
    void countChanged();

private:
    struct PlanState {
        bool pending = false;
        bool ready = false;
        hearth::ModelFootprint footprint;
        QString error;
        QString unsupported;
    };
    bool isDownloaded(const HubModelFile & f) const;
    const PlanState * planFor(const HubModelFile & f) const;
    hearth::MemoryPlan plan(const PlanState & state) const;
    void planChanged(const QString & firstPath);
    void refreshRoles(const QList<int> & roles);

    QList<HubModelFile> m_files;
    MemoryBudget m_budget;
    QSet<QString> m_localNames;
    QHash<QString, PlanState> m_plans;  // by the model's first repository path
};

}  // namespace Hearth
