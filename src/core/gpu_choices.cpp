#include "core/gpu_choices.h"

#include <QVariantMap>

#include "core/download_task.h"  // formatBytes

namespace Hearth {

namespace {

QVariantMap entry(const QString & text, const QString & value) {
    return QVariantMap{{QStringLiteral("text"), text}, {QStringLiteral("value"), value}};
}

}  // namespace

QString gpuChoiceText(const hearth::GpuDevice & device) {
    QString text = QStringLiteral("%1 · %2").arg(device.index).arg(QString::fromStdString(device.name));
    if (device.vram_total > 0) text += QStringLiteral(" · ") + formatBytes(qint64(device.vram_total));
    return text;
}

QString gpuChoiceValue(const hearth::GpuProbe & probe, const hearth::GpuDevice & device) {
    const QString name = QString::fromStdString(device.name);
    int containing = 0;  // devices whose names contain this one's, as select_gpu matches
    for (const hearth::GpuDevice & d : probe.devices)
        containing += QString::fromStdString(d.name).contains(name, Qt::CaseInsensitive) ? 1 : 0;
    std::string why;
    if (!name.isEmpty() && containing == 1 && hearth::select_gpu(probe, device.name, why) == &device) return name;
    return QString::number(device.index);
}

GpuChoices gpuChoices(const hearth::GpuProbe & probe, bool probed, const QString & saved) {
    GpuChoices out;
    out.items.append(entry(QStringLiteral("Automatic"), QString()));
    for (const hearth::GpuDevice & d : probe.devices)
        out.items.append(entry(gpuChoiceText(d), gpuChoiceValue(probe, d)));
    const QString choice = saved.trimmed();
    if (!choice.isEmpty() && probed) {
        std::string why;
        const hearth::GpuDevice * d = hearth::select_gpu(probe, choice.toStdString(), why);
        if (d) {
            out.current = 1 + int(d - probe.devices.data());
        } else {
            out.items.append(entry(QStringLiteral("%1 (not found)").arg(choice), choice));
            out.current = int(out.items.size()) - 1;
        }
    }
    out.shown = probed && (probe.devices.size() >= 2 || out.current > int(probe.devices.size()));
    return out;
}

}  // namespace Hearth
