// ModelLibraryModel: the models on this machine (ModelLibrary::scan()), with
// the memory each needs and a fit badge against the machine's free RAM/VRAM,
// both from the placement plan under the model's load settings (setPlans).
// The chat UI's model picker uses it too (name + path).
//
// Roles (QML names):
//   name            QString   file name without ".gguf" / shard suffix
//   path            QString   the file to load (first shard)
//   fileCount       int       shards (1 for a single file)
//   architecture    QString   "llama", "qwen3", ...
//   parameters      qint64    parameter count (0 when unknown)
//   parametersText  QString   "7.2B", "260K"
//   quant           QString   "Q4_K_M"
//   contextLength   int       training context
//   sizeBytes       qint64    all shards together
//   sizeText        QString   "4.1 GiB"
//   hasTemplate     bool      a chat template is embedded
//   memoryText      QString   the plan's VRAM + RAM ("5.2 GiB"); "" without a plan
//   fit             QString   "gpu", "partial", "cpu", "toobig" from the plan; "" without one
//   fitText         QString   "Fits GPU", "Partial offload", "CPU only", "Too big"
//   error           QString   why the metadata could not be read; "" when fine
//   complete        bool      every shard is present
//   isProjector     bool      a multimodal projector, not a chat model
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>

#include "core/model_library.h"
#include "core/plan_summary.h"

namespace Hearth {

// What the fit badges plan against: free memory now, and the load settings a
// file without its own (a Hub file) is planned with.
struct MemoryBudget {
    qint64 freeRamBytes = 0;
    qint64 freeVramBytes = 0;  // 0 without a usable GPU
    int contextLength = 0;     // 0: the engine's default (hearth::choose_context_size)
    hearth::KvType kvType = hearth::KvType_f16;
};

QString fitKey(FitBadge badge);   // "gpu", "partial", "cpu", "toobig"
QString fitText(FitBadge badge);  // "Fits GPU", ...
QString formatParameterCount(qint64 n);

class ModelLibraryModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ModelsController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        PathRole,
        FileCountRole,
        ArchitectureRole,
        ParametersRole,
        ParametersTextRole,
        QuantRole,
        ContextLengthRole,
        SizeBytesRole,
        SizeTextRole,
        HasTemplateRole,
        MemoryTextRole,
        FitRole,
        FitTextRole,
        ErrorRole,
        CompleteRole,
        IsProjectorRole,
    };

    explicit ModelLibraryModel(QObject * parent = nullptr);

    int rowCount(const QModelIndex & parent = {}) const override;
    QVariant data(const QModelIndex & index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setModels(const QList<LocalModel> & models);
    void setBudget(const MemoryBudget & budget);
    // Each model's placement plan under its load settings (by path), as its
    // plan panel shows it; a model without one has no badge.
    void setPlans(const QHash<QString, hearth::MemoryPlan> & plans);
    const QList<LocalModel> & models() const { return m_models; }
    LocalModel modelAt(int row) const { return row >= 0 && row < m_models.size() ? m_models[row] : LocalModel{}; }

    Q_INVOKABLE QString pathAt(int row) const { return modelAt(row).path; }
    Q_INVOKABLE QString nameAt(int row) const { return modelAt(row).name; }
    Q_INVOKABLE int rowOfPath(const QString & path) const;

signals:
    void countChanged();

private:
    QList<LocalModel> m_models;
    MemoryBudget m_budget;
    QHash<QString, hearth::MemoryPlan> m_plans;
};

}  // namespace Hearth
