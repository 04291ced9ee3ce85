// SuggestionListModel: the Browse tab's suggestions before any search, the
// curated picks (core/model_suggestions.h) that fit this machine. Each pick
// is planned with the same rule as every fit badge (makePlanRequest at the
// budget's default context and KV type, plan_memory, fitBadgeFromPlan);
// picks that are too big are left out, the rest keep the curated order
// (smallest first).
//
// Roles (QML names): title, repo, file, quant, blurb, sizeText ("2.3 GiB"),
// parametersText ("1.7B"), memoryText (the plan's VRAM + RAM), fit, fitText.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>

#include "core/model_suggestions.h"
#include "core/plan_summary.h"
#include "model_library_model.h"

namespace Hearth {

class SuggestionListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ModelsController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        TitleRole = Qt::UserRole + 1,
        RepoRole,
        FileRole,
        QuantRole,
        BlurbRole,
        SizeTextRole,
        ParametersTextRole,
        MemoryTextRole,
        FitRole,
        FitTextRole,
    };

    explicit SuggestionListModel(QObject * parent = nullptr);

    int rowCount(const QModelIndex & parent = {}) const override;
    QVariant data(const QModelIndex & index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Plans every pick against `budget` and keeps those that fit.
    void setBudget(const MemoryBudget & budget);

signals:
    void countChanged();

private:
    struct Row {
        ModelSuggestion pick;
        FitBadge badge = FitBadge::TooBig;
        qint64 memoryBytes = 0;
    };
    QList<Row> m_rows;
};

}  // namespace Hearth
