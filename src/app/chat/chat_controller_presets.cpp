// ChatController: the app-wide defaults and the named presets (AppSettings,
// core/chat_presets.h). A chat's settings are its own; a preset or the
// defaults are copied into them, never linked, so editing a preset later does
// not change a chat that used it.
#include <algorithm>

#include "chat_controller.h"
#include "core/app_settings.h"

namespace Hearth {

namespace {

// Whether a chat's settings are those of a preset: what a preset sets.
bool sameStyle(const GenerationSettings & chat, const GenerationSettings & preset) {
    GenerationSettings a = chat;
    a.seed = preset.seed;
    a.contextSize = preset.contextSize;
    if (preset.systemPrompt.isEmpty()) a.systemPrompt.clear();
    if (preset.contextOverflow.isEmpty()) a.contextOverflow.clear();
    return a == preset;
}

}  // namespace

QStringList ChatController::presetNames() const {
    QStringList names;
    for (const ChatPreset & p : m_presets) names << p.name;
    return names;
}

QString ChatController::activePreset() const {
    for (const ChatPreset & p : m_presets)
        if (sameStyle(m_settings, p.settings)) return p.name;
    return {};
}

bool ChatController::applyPreset(const QString & name) {
    const auto it = std::find_if(m_presets.begin(), m_presets.end(), [&](const ChatPreset & p) {
        return p.name.compare(name.trimmed(), Qt::CaseInsensitive) == 0;
    });
    if (it == m_presets.end()) return false;
    GenerationSettings s = it->settings;
    if (s.systemPrompt.isEmpty()) s.systemPrompt = m_settings.systemPrompt;
    s.seed = m_settings.seed;
    s.contextSize = m_settings.contextSize;  // the model's load, not the chat's style
    applySettings(s);
    return true;
}

bool ChatController::savePreset(const QString & name) {
    AppSettings app;
    if (!app.savePreset(name, m_settings)) return false;
    m_presets = app.presets();
    emit presetsChanged();
    emit settingsChanged();  // activePreset may now be this one
    return true;
}

bool ChatController::removePreset(const QString & name) {
    AppSettings app;
    if (!app.removePreset(name)) return false;
    m_presets = app.presets();
    emit presetsChanged();
    emit settingsChanged();
    return true;
}

void ChatController::saveAsDefaults() {
    AppSettings().setChatDefaults(effectiveSettings());
    m_defaultOverflow = AppSettings().contextOverflow();
    emit settingsChanged();
}

}  // namespace Hearth
