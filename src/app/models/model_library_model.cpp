#include "model_library_model.h"

#include "core/download_task.h"

namespace Hearth {

QString fitKey(FitBadge badge) {
    switch (badge) {
        case FitBadge::FitsGpu:
            return QStringLiteral("gpu");
        case FitBadge::PartialOffload:
            return QStringLiteral("partial");
        case FitBadge::CpuOnly:
            return QStringLiteral("cpu");
        case FitBadge::TooBig:
            return QStringLiteral("toobig");
        case FitBadge::Unsupported:
            return QStringLiteral("unsupported");
    }
    return {};
}

// The badge's wording lives in fitBadgeName (shared with hearth-cli models);
// the UI shows it as a label, capitalised.
QString fitText(FitBadge badge) {
    QString text = fitBadgeName(badge);
    if (!text.isEmpty()) text[0] = text[0].toUpper();
    return text;
}

QString formatParameterCount(qint64 n) {
    if (n <= 0) return {};
    static const struct {
        double scale;
        const char * suffix;
    } units[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
    for (const auto & u : units)
        if (double(n) >= u.scale) {
            const double v = double(n) / u.scale;
            return QString::number(v, 'f', v < 10 ? 1 : 0) + QLatin1String(u.suffix);
        }
    return QString::number(n);
}

ModelLibraryModel::ModelLibraryModel(QObject * parent) : QAbstractListModel(parent) {}

int ModelLibraryModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : int(m_models.size());
}

QVariant ModelLibraryModel::data(const QModelIndex & index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const LocalModel & m = m_models[index.row()];
    const auto plan = m_plans.constFind(m.path);
    const bool planned = m.error.isEmpty() && plan != m_plans.constEnd();
    const auto badge = [&] { return fitBadgeFromPlan(*plan, m_budget.freeRamBytes); };
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
            return m.name;
        case PathRole:
            return m.path;
        case FileCountRole:
            return int(m.files.size());
        case ArchitectureRole:
            return m.architecture;
        case ParametersRole:
            return m.parameterCount;
        case ParametersTextRole:
            return formatParameterCount(m.parameterCount);
        case QuantRole:
            return m.quant;
        case ContextLengthRole:
            return m.contextLength;
        case SizeBytesRole:
            return m.sizeBytes;
        case SizeTextRole:
            return formatBytes(m.sizeBytes);
        case HasTemplateRole:
            return m.hasChatTemplate;
        case MemoryTextRole:
            return planned ? formatBytes(planTotalBytes(*plan)) : QString();
        case FitRole:
            return planned ? fitKey(badge()) : QString();
        case FitTextRole:
            return planned ? fitText(badge()) : QString();
        case ErrorRole:
            return m.error;
        case CompleteRole:
            return m.complete;
        case IsProjectorRole:
            return m.isProjector;
        default:
            return {};
    }
}

QHash<int, QByteArray> ModelLibraryModel::roleNames() const {
    return {{NameRole, "name"},
            {PathRole, "path"},
            {FileCountRole, "fileCount"},
            {ArchitectureRole, "architecture"},
            {ParametersRole, "parameters"},
            {ParametersTextRole, "parametersText"},
            {QuantRole, "quant"},
            {ContextLengthRole, "contextLength"},
            {SizeBytesRole, "sizeBytes"},
            {SizeTextRole, "sizeText"},
            {HasTemplateRole, "hasTemplate"},
            {MemoryTextRole, "memoryText"},
            {FitRole, "fit"},
            {FitTextRole, "fitText"},
            {ErrorRole, "error"},
            {CompleteRole, "complete"},
            {IsProjectorRole, "isProjector"}};
}

void ModelLibraryModel::setModels(const QList<LocalModel> & models) {
    const bool countChanges = models.size() != m_models.size();
    beginResetModel();
    m_models = models;
    endResetModel();
    if (countChanges) emit countChanged();
}

void ModelLibraryModel::setBudget(const MemoryBudget & budget) {
    m_budget = budget;
    if (!m_models.isEmpty()) emit dataChanged(index(0), index(int(m_models.size()) - 1), {FitRole, FitTextRole});
}

void ModelLibraryModel::setPlans(const QHash<QString, hearth::MemoryPlan> & plans) {
    m_plans = plans;
    if (!m_models.isEmpty())
        emit dataChanged(index(0), index(int(m_models.size()) - 1), {MemoryTextRole, FitRole, FitTextRole});
}

int ModelLibraryModel::rowOfPath(const QString & path) const {
    for (int i = 0; i < m_models.size(); ++i)
        if (m_models[i].path == path) return i;
    return -1;
}

}  // namespace Hearth
