// ModelsController: a local model's load settings and the placement plan
// they give (hearth::plan_memory on the footprint read during the scan).
#include <QFileInfo>

#include "core/download_task.h"
#include "core/plan_summary.h"
#include "models_controller.h"

namespace Hearth {

namespace {

QString bytesText(uint64_t bytes) {
    return formatBytes(qint64(bytes));
}

}  // namespace

QVariantMap ModelsController::modelPlan(const QString & path) const {
    QVariantMap out;
    const ModelLoadSettings ls = m_settings.modelSettings(path);
    out[QStringLiteral("kvType")] = kvTypeName(ls.kvType);
    out[QStringLiteral("contextSetting")] = ls.contextLength;
    out[QStringLiteral("gpuLayersSetting")] =
        ls.nGpuLayers < 0 ? QStringLiteral("auto") : QString::number(ls.nGpuLayers);
    const auto fp = m_localFootprints.constFind(path);
    if (fp == m_localFootprints.constEnd()) {
        out[QStringLiteral("ok")] = false;
        out[QStringLiteral("error")] = m_localFootprintErrors.value(
            path, m_scanning ? QStringLiteral("Reading the model…") : QStringLiteral("No plan for this file."));
        return out;
    }
    hearth::MemoryPlan plan;
    int ctx = 0;
    localPlan(path, plan, ctx);
    const bool cpuOnly = m_budget.freeVramBytes <= 0;
    const FitBadge badge = fitBadgeFromPlan(plan, m_budget.freeRamBytes);
    out[QStringLiteral("ok")] = true;
    out[QStringLiteral("error")] = QString();
    out[QStringLiteral("nLayer")] = plan.n_layer;
    out[QStringLiteral("nGpuLayers")] = plan.n_gpu_layers;
    out[QStringLiteral("gpuLayers")] = plan.gpu_layers;
    out[QStringLiteral("maxGpuLayers")] = plan.n_layer + 1;
    out[QStringLiteral("outputOnGpu")] = plan.output_on_gpu;
    out[QStringLiteral("fullOffload")] = plan.full_offload;
    out[QStringLiteral("context")] = ctx;
    out[QStringLiteral("trainedContext")] = fp->hp.n_ctx_train;
    out[QStringLiteral("vramText")] = bytesText(plan.vram.total());
    out[QStringLiteral("vramWeightsText")] = bytesText(plan.vram.weights);
    out[QStringLiteral("vramKvText")] = bytesText(plan.vram.kv);
    out[QStringLiteral("vramScratchText")] = bytesText(plan.vram.scratch);
    out[QStringLiteral("ramText")] = bytesText(plan.ram.total());
    out[QStringLiteral("ramWeightsText")] = bytesText(plan.ram.weights);
    out[QStringLiteral("ramKvText")] = bytesText(plan.ram.kv);
    out[QStringLiteral("summary")] = planSummary(plan);
    QString note = QString::fromStdString(plan.note);
    if (!note.isEmpty()) note[0] = note[0].toUpper();
    out[QStringLiteral("note")] = note;
    out[QStringLiteral("cpuOnly")] = cpuOnly;
    out[QStringLiteral("cpuReason")] = cpuOnly ? gpuStatus() : QString();
    out[QStringLiteral("fit")] = fitKey(badge);
    out[QStringLiteral("fitText")] = fitText(badge);
    return out;
}

bool ModelsController::localPlan(const QString & path, hearth::MemoryPlan & plan, int & context) const {
    const auto fp = m_localFootprints.constFind(path);
    if (fp == m_localFootprints.constEnd()) return false;
    const ModelLoadSettings ls = m_settings.modelSettings(path);
    // The context the engine picks for these settings (choose_context_size).
    const hearth::PlanRequest req =
        makePlanRequest(*fp, ls.contextLength, ls.kvType, ls.nGpuLayers, m_budget.freeVramBytes);
    context = req.n_ctx;
    plan = hearth::plan_memory(*fp, req);
    return true;
}

void ModelsController::updateModelSettings(const QString & path,
                                           const std::function<void(ModelLoadSettings &)> & change) {
    if (path.isEmpty()) return;
    ModelLoadSettings s = m_settings.modelSettings(path);
    const ModelLoadSettings before = s;
    change(s);
    if (s == before) return;
    m_settings.setModelSettings(path, s);
    bumpPlans();
}

void ModelsController::setModelContext(const QString & path, int contextLength) {
    updateModelSettings(
        path, [contextLength](ModelLoadSettings & s) { s.contextLength = qBound(0, contextLength, 1 << 24); });
}

void ModelsController::setModelKvType(const QString & path, const QString & kvType) {
    bool ok = false;
    const hearth::KvType type = kvTypeFromName(kvType, &ok);
    if (!ok) return;
    updateModelSettings(path, [type](ModelLoadSettings & s) { s.kvType = type; });
}

void ModelsController::setModelGpuLayers(const QString & path, const QString & layers) {
    bool ok = false;
    const int n = layers.trimmed().toInt(&ok);
    const int value = ok && n >= 0 ? n : -1;  // anything but a count means auto
    updateModelSettings(path, [value](ModelLoadSettings & s) { s.nGpuLayers = value; });
}

}  // namespace Hearth
