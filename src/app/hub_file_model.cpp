#include "hub_file_model.h"

#include <QFileInfo>

#include "core/download_task.h"

namespace Hearth {

HubFileModel::HubFileModel(QObject * parent) : QAbstractListModel(parent) {}

int HubFileModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : int(m_files.size());
}

QVariant HubFileModel::data(const QModelIndex & index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const HubModelFile & f = m_files[index.row()];
    const auto badge = [&] {
        ModelShape shape;
        shape.weightBytes = f.totalSize();
        return fitBadge(estimateMemory(shape, m_budget.contextLength, m_budget.kvType), m_budget.freeRamBytes,
                        m_budget.freeVramBytes);
    };
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
            return f.name;
        case QuantRole:
            return f.quant;
        case SizeBytesRole:
            return f.totalSize();
        case SizeTextRole:
            return formatBytes(f.totalSize());
        case ShardCountRole:
            return f.shardCount;
        case FilesRole: {
            QStringList paths;
            for (const HubFile & h : f.files) paths << h.path;
            return paths;
        }
        case CompleteRole:
            return f.complete;
        case IsProjectorRole:
            return f.isProjector;
        case FitRole:
            return fitKey(badge());
        case FitTextRole:
            return fitText(badge());
        case DownloadedRole:
            return isDownloaded(f);
        default:
            return {};
    }
}

QHash<int, QByteArray> HubFileModel::roleNames() const {
    return {{NameRole, "name"},
            {QuantRole, "quant"},
            {SizeBytesRole, "sizeBytes"},
            {SizeTextRole, "sizeText"},
            {ShardCountRole, "shardCount"},
            {FilesRole, "files"},
            {CompleteRole, "complete"},
            {IsProjectorRole, "isProjector"},
            {FitRole, "fit"},
            {FitTextRole, "fitText"},
            {DownloadedRole, "downloaded"}};
}

void HubFileModel::setFiles(const QList<HubModelFile> & files) {
    const bool countChanges = files.size() != m_files.size();
    beginResetModel();
    m_files = files;
    endResetModel();
    if (countChanges) emit countChanged();
}

void HubFileModel::setBudget(const MemoryBudget & budget) {
    m_budget = budget;
    refreshRoles({FitRole, FitTextRole});
}

void HubFileModel::setLocalFileNames(const QSet<QString> & names) {
    m_localNames = names;
    refreshRoles({DownloadedRole});
}

bool HubFileModel::isDownloaded(const HubModelFile & f) const {
    if (f.files.isEmpty()) return false;
    for (const HubFile & h : f.files)
        if (!m_localNames.contains(QFileInfo(h.path).fileName())) return false;
    return true;
}

void HubFileModel::refreshRoles(const QList<int> & roles) {
    if (!m_files.isEmpty()) emit dataChanged(index(0), index(int(m_files.size()) - 1), roles);
}

}  // namespace Hearth
