#include "core/plan_summary.h"

#include "core/download_task.h"
#include "hearth/chat_setup.h"
#include "hearth/load_plan.h"

namespace Hearth {

hearth::PlanRequest makePlanRequest(const hearth::ModelFootprint & fp, int contextSetting, hearth::KvType kvType,
                                    int nGpuLayers, qint64 vramBytes) {
    // The app loads with the engine's LoadOptions but for these settings.
    hearth::LoadOptions load;
    load.kv_type = kvType;
    load.n_gpu_layers = nGpuLayers < 0 ? -1 : nGpuLayers;
    const int32_t nCtx = hearth::choose_context_size(fp.hp.n_ctx_train, qMax(0, contextSetting));
    return hearth::load_plan_request(load, nCtx, uint64_t(qMax<qint64>(0, vramBytes)));
}

FitBadge fitBadgeFromPlan(const hearth::MemoryPlan & plan, qint64 freeRamBytes) {
    if (plan.full_offload && plan.cpu_moe_layers == 0) return FitBadge::FitsGpu;
    if (plan.ram.total() > uint64_t(qMax<qint64>(0, freeRamBytes))) return FitBadge::TooBig;
    return plan.n_gpu_layers > 0 ? FitBadge::PartialOffload : FitBadge::CpuOnly;
}

QString fitBadgeName(FitBadge badge) {
    switch (badge) {
        case FitBadge::FitsGpu:
            return QStringLiteral("fits GPU");
        case FitBadge::PartialOffload:
            return QStringLiteral("partial offload");
        case FitBadge::CpuOnly:
            return QStringLiteral("CPU only");
        case FitBadge::TooBig:
            return QStringLiteral("too big");
        case FitBadge::Unsupported:
            return QStringLiteral("not supported");
    }
    return QString();
}

qint64 planTotalBytes(const hearth::MemoryPlan & plan) {
    return qint64(plan.vram.total() + plan.ram.total());
}

QString planSummary(const hearth::MemoryPlan & plan) {
    const QString vram = formatBytes(qint64(plan.vram.total()));
    const QString ram = formatBytes(qint64(plan.ram.total()));
    // MoE: experts of the first GPU layers may stay in RAM (--n-cpu-moe).
    const QString experts = plan.cpu_moe_layers > 0
                                ? QStringLiteral(", experts of %1 layers on the CPU").arg(plan.cpu_moe_layers)
                                : QString();
    if (plan.full_offload && experts.isEmpty())
        return QStringLiteral("All %1 layers + output on the GPU · %2 VRAM").arg(plan.n_layer).arg(vram);
    if (plan.full_offload)
        return QStringLiteral("All %1 layers + output on the GPU%2 · %3 VRAM, %4 RAM")
            .arg(plan.n_layer)
            .arg(experts, vram, ram);
    if (plan.n_gpu_layers == 0) return QStringLiteral("CPU only · %1 RAM").arg(ram);
    return QStringLiteral("%1 of %2 layers on the GPU%3 · %4 VRAM, %5 RAM")
        .arg(plan.gpu_layers)
        .arg(plan.n_layer)
        .arg(experts, vram, ram);
}

QString kvTypeName(hearth::KvType type) {
    return type == hearth::KvType_q8_0 ? QStringLiteral("q8_0") : QStringLiteral("f16");
}

hearth::KvType kvTypeFromName(const QString & name, bool * ok) {
    const QString n = name.trimmed().toLower();
    if (ok) *ok = n == QLatin1String("f16") || n == QLatin1String("q8_0");
    return n == QLatin1String("q8_0") ? hearth::KvType_q8_0 : hearth::KvType_f16;
}

}  // namespace Hearth
