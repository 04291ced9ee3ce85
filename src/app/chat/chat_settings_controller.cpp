#include "chat_settings_controller.h"

#include <algorithm>

#include "core/app_settings.h"
#include "core/conversation_store.h"
#include "core/store_worker.h"
#include "hearth/context_window.h"

namespace Hearth {

namespace {

// A context overflow policy's name (hearth/context_window.h), or "" (the app's default) for anything else.
QString knownPolicy(const QString & name) {
    hearth::ContextOverflow policy;
    return hearth::context_overflow_from_name(name.toStdString(), policy) ? name : QString();
}

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

ChatSettingsController::ChatSettingsController(StoreWorker * worker, QObject * parent)
    : QObject(parent), m_worker(worker) {
    const AppSettings app;
    m_defaultOverflow = app.contextOverflow();
    m_settings = app.chatDefaults();
    m_presets = app.presets();
}

GenerationSettings ChatSettingsController::effective() const {
    GenerationSettings s = m_settings;
    if (s.contextOverflow.isEmpty()) s.contextOverflow = m_defaultOverflow;
    return s;
}

QVariantMap ChatSettingsController::settings() const {
    return {{"systemPrompt", m_settings.systemPrompt},
            {"temperature", m_settings.temperature},
            {"topP", m_settings.topP},
            {"topK", m_settings.topK},
            {"minP", m_settings.minP},
            {"maxTokens", m_settings.maxTokens},
            {"contextSize", m_settings.contextSize},
            {"seed", m_settings.seed},
            {"contextOverflow", m_settings.contextOverflow},
            {"defaultContextOverflow", m_defaultOverflow},
            {"thinking", m_settings.thinking}};
}

void ChatSettingsController::setSetting(const QString & key, const QVariant & value) {
    GenerationSettings s = m_settings;
    if (key == QLatin1String("systemPrompt"))
        s.systemPrompt = value.toString();
    else if (key == QLatin1String("temperature"))
        s.temperature = qBound(0.0, value.toDouble(), 2.0);
    else if (key == QLatin1String("topP"))
        s.topP = qBound(0.0, value.toDouble(), 1.0);
    else if (key == QLatin1String("topK"))
        s.topK = qMax(0, value.toInt());
    else if (key == QLatin1String("minP"))
        s.minP = qBound(0.0, value.toDouble(), 1.0);
    else if (key == QLatin1String("maxTokens"))
        s.maxTokens = value.toInt();
    else if (key == QLatin1String("contextSize"))
        s.contextSize = qMax(0, value.toInt());
    else if (key == QLatin1String("seed"))
        s.seed = value.toLongLong();
    else if (key == QLatin1String("contextOverflow"))
        s.contextOverflow = knownPolicy(value.toString());
    else if (key == QLatin1String("thinking"))
        s.thinking = value.toBool();
    else if (key == QLatin1String("defaultContextOverflow"))
        return setDefaultOverflow(value.toString());
    else
        return;
    applySettings(s);
}

void ChatSettingsController::applySettings(const GenerationSettings & s) {
    if (s == m_settings) return;
    const bool contextChanged = s.contextSize != m_settings.contextSize;
    m_settings = s;
    saveSettings();
    emit settingsChanged();
    // The context is fixed when a model loads: the model controller reloads it with the new size.
    if (contextChanged) emit contextSizeChanged(m_settings.contextSize);
}

void ChatSettingsController::setDefaultOverflow(const QString & policy) {
    AppSettings().setContextOverflow(policy);
    m_defaultOverflow = AppSettings().contextOverflow();
    emit settingsChanged();
}

void ChatSettingsController::resetSettings() {
    GenerationSettings s = AppSettings().chatDefaults();
    s.systemPrompt = m_settings.systemPrompt;
    applySettings(s);
}

void ChatSettingsController::adopt(const GenerationSettings & settings) {
    m_settings = settings;
    emit settingsChanged();
}

void ChatSettingsController::showDraft() {
    // As when opening a chat, the model is not reloaded for the draft's context size until a setting changes.
    m_settings = AppSettings().chatDefaults();
    emit settingsChanged();
}

void ChatSettingsController::saveSettings() {
    if (!m_worker || m_conversationId == 0) return;
    m_worker->request(
        this,
        [id = m_conversationId, s = m_settings](ConversationStore & store) {
            const std::optional<Conversation> c = store.conversation(id);
            store.setConversationSettings(id, c ? c->model : QString(), s.systemPrompt, s.samplingJson());
        },
        [] {}, [this](const QString & message) { emit errorOccurred(message); });
}

QStringList ChatSettingsController::presetNames() const {
    QStringList names;
    for (const ChatPreset & p : m_presets) names << p.name;
    return names;
}

QString ChatSettingsController::activePreset() const {
    for (const ChatPreset & p : m_presets)
        if (sameStyle(m_settings, p.settings)) return p.name;
    return {};
}

bool ChatSettingsController::applyPreset(const QString & name) {
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

bool ChatSettingsController::savePreset(const QString & name) {
    AppSettings app;
    if (!app.savePreset(name, m_settings)) return false;
    m_presets = app.presets();
    emit presetsChanged();
    emit settingsChanged();  // activePreset may now be this one
    return true;
}

bool ChatSettingsController::removePreset(const QString & name) {
    AppSettings app;
    if (!app.removePreset(name)) return false;
    m_presets = app.presets();
    emit presetsChanged();
    emit settingsChanged();
    return true;
}

void ChatSettingsController::saveAsDefaults() {
    AppSettings().setChatDefaults(effective());
    m_defaultOverflow = AppSettings().contextOverflow();
    emit settingsChanged();
}

}  // namespace Hearth
