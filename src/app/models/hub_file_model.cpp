#include "hub_file_model.h"

#include <QFileInfo>

#include "core/download_task.h"
#include "core/plan_summary.h"

namespace Hearth {

HubFileModel::HubFileModel(QObject * parent) : QAbstractListModel(parent) {}

int HubFileModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : int(m_files.size());
}

QVariant HubFileModel::data(const QModelIndex & index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const HubModelFile & f = m_files[index.row()];
    const PlanState * state = planFor(f);
    const bool planned = state && state->ready;
    const bool unsupported = state && !state->unsupported.isEmpty();
    const auto badge = [&] {
        return unsupported ? FitBadge::Unsupported : fitBadgeFromPlan(plan(*state), m_budget.freeRamBytes);
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
            return planned || unsupported ? fitKey(badge()) : QString();
        case FitTextRole:
            return planned || unsupported ? fitText(badge()) : QString();
        case DownloadedRole:
            return isDownloaded(f);
        case PlannedRole:
            return planned || unsupported;
        case PlanPendingRole:
            return state && state->pending;
        case FitDetailRole:
            if (unsupported) return state->unsupported;
            if (planned) return planSummary(plan(*state));
            if (state && state->pending) return QStringLiteral("Reading the file's header to plan the placement…");
            if (state && !state->error.isEmpty()) return QStringLiteral("No plan: %1").arg(state->error);
            return f.complete ? QStringLiteral("No plan for this file")
                              : QStringLiteral("Shards are missing from the repository");
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
            {DownloadedRole, "downloaded"},
            {PlannedRole, "planned"},
            {PlanPendingRole, "planPending"},
            {FitDetailRole, "fitDetail"}};
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
    refreshRoles({FitRole, FitTextRole, FitDetailRole});
}

const HubFileModel::PlanState * HubFileModel::planFor(const HubModelFile & f) const {
    if (f.files.isEmpty()) return nullptr;
    const auto it = m_plans.constFind(f.files.first().path);
    return it == m_plans.constEnd() ? nullptr : &*it;
}

hearth::MemoryPlan HubFileModel::plan(const PlanState & state) const {
    return hearth::plan_memory(state.footprint, makePlanRequest(state.footprint, m_budget.contextLength,
                                                                m_budget.kvType, -1, m_budget.freeVramBytes));
}

void HubFileModel::setPlanPending(const QString & firstPath) {
    PlanState & s = m_plans[firstPath];
    s.pending = true;
    planChanged(firstPath);
}

void HubFileModel::setFootprint(const QString & firstPath, const hearth::ModelFootprint & footprint) {
    PlanState & s = m_plans[firstPath];
    s = PlanState{};
    s.ready = true;
    s.footprint = footprint;
    planChanged(firstPath);
}

void HubFileModel::setPlanError(const QString & firstPath, const QString & error) {
    PlanState & s = m_plans[firstPath];
    s = PlanState{};
    s.error = error;
    planChanged(firstPath);
}

void HubFileModel::setUnsupported(const QString & firstPath, const QString & reason) {
    PlanState & s = m_plans[firstPath];
    s = PlanState{};
    s.unsupported = reason;
    planChanged(firstPath);
}

void HubFileModel::clearPlans() {
    m_plans.clear();
    refreshRoles({FitRole, FitTextRole, PlannedRole, PlanPendingRole, FitDetailRole});
}

void HubFileModel::planChanged(const QString & firstPath) {
    for (int row = 0; row < m_files.size(); ++row) {
        if (m_files[row].files.isEmpty() || m_files[row].files.first().path != firstPath) continue;
        emit dataChanged(index(row), index(row), {FitRole, FitTextRole, PlannedRole, PlanPendingRole, FitDetailRole});
    }
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
