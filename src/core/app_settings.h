// The app's persistent settings: the Hugging Face token, the model folders,
// the chats' default context policy, each model's load settings (context, KV
// type, GPU layers), the last model loaded, the defaults a new chat takes,
// the user's chat presets and the colour theme.
//
// A QSettings INI file in the app's config location
// (~/.config/Hearth/Hearth.ini), or <HEARTH_DATA_DIR>/settings.ini when that
// variable is set (tests). The file is made owner-only (0600) because it may
// hold the token; the token is never logged nor returned unmasked to the UI.
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

#include "core/chat_presets.h"
#include "core/generation_types.h"
#include "hearth/model.h"

namespace Hearth {

// How a model is loaded. Stored per model file name, so a model moved to
// another folder keeps its settings.
struct ModelLoadSettings {
    int contextLength = 0;  // 0: hearth::choose_context_size picks min(trained, kDefaultContextSize)
    hearth::KvType kvType = hearth::KvType_f16;
    int nGpuLayers = -1;  // -1: auto (the most that fit), else llama.cpp's -ngl N
    bool operator==(const ModelLoadSettings &) const = default;
};

class AppSettings {
public:
    AppSettings();  // defaultPath()
    explicit AppSettings(const QString & iniPath);

    static QString defaultPath();
    QString filePath() const { return m_path; }

    QString hfToken() const;
    void setHfToken(const QString & token);  // empty clears it

    // The library folders; defaultModelsDir() alone when none were set.
    QStringList modelDirs() const;
    void setModelDirs(const QStringList & dirs);

    // The context overflow policy of chats that do not choose their own:
    // "rolling_window" (the default), "truncate_middle" or "stop".
    QString contextOverflow() const;
    void setContextOverflow(const QString & policy);  // an unknown name restores the default

    ModelLoadSettings modelSettings(const QString & modelPath) const;
    void setModelSettings(const QString & modelPath, const ModelLoadSettings & settings);

    // The model that last loaded, reloaded at start; "" for none.
    QString lastModel() const;
    void setLastModel(const QString & path);

    // What a new chat starts with. Its contextOverflow is always "" (the chat
    // follows contextOverflow() above) and its seed -1 (a fresh one per reply);
    // setChatDefaults() moves a chosen policy into contextOverflow(). Before
    // any were saved: GenerationSettings' own.
    GenerationSettings chatDefaults() const;
    void setChatDefaults(const GenerationSettings & settings);

    // The built-in presets, then the user's in name order.
    QList<ChatPreset> presets() const;
    std::optional<GenerationSettings> preset(const QString & name) const;
    // False for a blank or built-in name, or when kMaxPresets are kept already
    // (an existing name is overwritten).
    bool savePreset(const QString & name, const GenerationSettings & settings);
    bool removePreset(const QString & name);  // false for built-in or unknown names

    // Which GPU runs the layers on a machine with several: its CUDA index or
    // part of its name (hearth-cli's --device), "" for the first. One choice
    // for the machine, not per model: the evaluator picks the device with
    // hearth::select_gpu and says so in its placement note when none matches.
    QString gpuDevice() const;
    void setGpuDevice(const QString & device);  // trimmed; "" clears it

    // "system" (the default: follow the desktop), "light" or "dark".
    QString theme() const;
    void setTheme(const QString & theme);  // an unknown name restores "system"

private:
    void write(const QString & key, const QVariant & value);
    QJsonObject userPresets() const;

    QString m_path;
};

// "hf_a…wxyz": enough to recognise a token, never enough to use it.
QString maskToken(const QString & token);

// The model's stored settings applied to LoadOptions (kv_type, n_gpu_layers,
// and n_ctx when the caller left it at 0), and the machine's GPU choice
// (gpu_device, gpuDevice() above): the engine bridge's hook. "auto"
// GPU layers stay -1, which the evaluator plans for the card it finds.
void applyModelLoadSettings(const QString & modelPath, hearth::LoadOptions & options);

}  // namespace Hearth
