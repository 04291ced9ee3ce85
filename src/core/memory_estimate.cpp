#include "core/memory_estimate.h"

#include <QFile>
#include <QList>

namespace Hearth {

namespace {
constexpr qint64 kScratchBatch = 512;
constexpr qint64 kActivationRowsPerToken = 8;  // residual, norm, q, k, v, attn out, ffn in/out
constexpr qint64 kScratchSlack = 64ll << 20;
}  // namespace

double kvBytesPerElement(KvCacheType type) {
    switch (type) {
        case KvCacheType::F16:
            return 2.0;
        case KvCacheType::Q8_0:
            return 34.0 / 32.0;
    }
    return 2.0;
}

MemoryEstimate estimateMemory(const ModelShape & shape, int contextLength, KvCacheType kvType) {
    MemoryEstimate e;
    e.weights = qMax<qint64>(0, shape.weightBytes);
    const double elems = double(qMax(0, shape.nLayer)) * qMax(0, contextLength) * qMax(0, shape.nHeadKv) *
                         (qMax(0, shape.headDimK) + qMax(0, shape.headDimV));
    e.kvCache = qint64(elems * kvBytesPerElement(kvType) + 0.5);
    e.scratch = kScratchSlack + kScratchBatch * (kActivationRowsPerToken * qMax(0, shape.nEmbd) * 4 +
                                                 qint64(qMax(0, shape.nVocab)) * 4);
    return e;
}

FitBadge fitBadge(const MemoryEstimate & estimate, qint64 freeRamBytes, qint64 freeVramBytes) {
    const qint64 need = estimate.total();
    const qint64 ram = qMax<qint64>(0, freeRamBytes);
    const qint64 vram = qMax<qint64>(0, freeVramBytes);
    if (vram > 0 && need <= vram) return FitBadge::FitsGpu;
    if (vram > 0 && need <= vram + ram) return FitBadge::PartialOffload;
    if (need <= ram) return FitBadge::CpuOnly;
    return FitBadge::TooBig;
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

qint64 parseMemAvailable(const QByteArray & procMeminfo) {
    for (const QByteArray & line : procMeminfo.split('\n')) {
        if (!line.startsWith("MemAvailable:")) continue;
        const QList<QByteArray> parts = line.mid(13).simplified().split(' ');
        bool ok = false;
        const qint64 value = parts.value(0).toLongLong(&ok);
        if (!ok) return -1;
        // The kernel always reports kB (KiB) here.
        return parts.value(1) == "kB" || parts.size() == 1 ? value * 1024 : value;
    }
    return -1;
}

qint64 availableRamBytes() {
    QFile f(QStringLiteral("/proc/meminfo"));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    return parseMemAvailable(f.readAll());
}

}  // namespace Hearth
