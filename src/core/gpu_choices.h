// The app's GPU picker (Models settings): "Automatic" plus one entry per
// device the probe found, and which entry the saved choice (AppSettings
// gpu/device, read by applyModelLoadSettings) resolves to.
//
// The choice is resolved with hearth::select_gpu, exactly as the evaluator
// resolves it at load time, so the entry the picker marks is the device the
// next load uses. A saved choice that names no device now gets its own entry,
// "<choice> (not found)", so the user sees why the load falls back.
#pragma once

#include <QString>
#include <QVariantList>

#include "hearth/gpu.h"

namespace Hearth {

struct GpuChoices {
    // {text, value} maps (the ModelsComboBox contract): value "" is Automatic,
    // a device's value is what setGpuDevice stores for it (gpuChoiceValue).
    QVariantList items;
    int current = 0;     // the row the saved choice resolves to
    bool shown = false;  // 2+ devices, or a saved choice that is absent now
};

// `probed`: the probe has run (before it, nothing is known to be absent).
GpuChoices gpuChoices(const hearth::GpuProbe & probe, bool probed, const QString & saved);

// What to store for `device`: its full name when that name matches no other
// device and select_gpu picks this very device by it (a name survives
// re-enumeration), else its index (two identical cards, a name that is part
// of another's: "RTX 3090" in "RTX 3090 Ti", or a name of digits).
QString gpuChoiceValue(const hearth::GpuProbe & probe, const hearth::GpuDevice & device);

// "0 · NVIDIA GeForce RTX 3090 · 24.0 GiB"
QString gpuChoiceText(const hearth::GpuDevice & device);

}  // namespace Hearth
