#include "suggestion_list_model.h"

#include "core/download_task.h"

namespace Hearth {

SuggestionListModel::SuggestionListModel(QObject * parent) : QAbstractListModel(parent) {}

int SuggestionListModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant SuggestionListModel::data(const QModelIndex & index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Row & r = m_rows[index.row()];
    switch (role) {
        case Qt::DisplayRole:
        case TitleRole:
            return r.pick.title;
        case RepoRole:
            return r.pick.repo;
        case FileRole:
            return r.pick.file;
        case QuantRole:
            return r.pick.quant;
        case BlurbRole:
            return r.pick.blurb;
        case SizeTextRole:
            return formatBytes(r.pick.sizeBytes);
        case ParametersTextRole:
            return formatParameterCount(r.pick.parameters);
        case MemoryTextRole:
            return formatBytes(r.memoryBytes);
        case FitRole:
            return fitKey(r.badge);
        case FitTextRole:
            return fitText(r.badge);
        default:
            return {};
    }
}

QHash<int, QByteArray> SuggestionListModel::roleNames() const {
    return {{TitleRole, "title"},
            {RepoRole, "repo"},
            {FileRole, "file"},
            {QuantRole, "quant"},
            {BlurbRole, "blurb"},
            {SizeTextRole, "sizeText"},
            {ParametersTextRole, "parametersText"},
            {MemoryTextRole, "memoryText"},
            {FitRole, "fit"},
            {FitTextRole, "fitText"}};
}

void SuggestionListModel::setBudget(const MemoryBudget & budget) {
    QList<Row> rows;
    for (const ModelSuggestion & pick : curatedSuggestions()) {
        const hearth::ModelFootprint fp = suggestionFootprint(pick);
        const hearth::MemoryPlan plan =
            hearth::plan_memory(fp, makePlanRequest(fp, budget.contextLength, budget.kvType, -1, budget.freeVramBytes));
        Row r{pick, fitBadgeFromPlan(plan, budget.freeRamBytes), planTotalBytes(plan)};
        if (r.badge != FitBadge::TooBig && r.badge != FitBadge::Unsupported) rows.append(r);
    }
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = rows;
    endResetModel();
    if (countChanges) emit countChanged();
}

}  // namespace Hearth
