// ChatSettingsController: the open chat's generation settings and the named
// presets, and the app-wide defaults and context policy (App.chatSettings).
//
// A chat's settings live in its conversation row (system prompt + sampling
// JSON). The chat (ChatController) says which row is open (setConversation)
// and hands over the row's settings once read (adopt); a change made here is
// saved to that row on the store thread. A draft (row 0) saves nothing: its
// settings are copied into the conversation its first message creates.
// A new chat starts from the app-wide defaults (showDraft); a chat can take a
// named preset (core/chat_presets.h). Presets and defaults are copied into a
// chat's settings, never linked, so editing a preset later does not change a
// chat that used it.
//
// The model's context is fixed when it loads: a changed contextSize is
// announced (contextSizeChanged) so that the model controller reloads it.
// Store errors become errorOccurred(), shown on the chat's error line.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QList>
#include <QObject>
#include <QStringList>
#include <QVariantMap>

#include "core/chat_presets.h"
#include "core/generation_types.h"

namespace Hearth {

class StoreWorker;

class ChatSettingsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("made by ChatFeature; App.chatSettings")
    // systemPrompt, temperature, topP, topK, minP, maxTokens, contextSize, seed,
    // thinking (the template's enable_thinking),
    // contextOverflow ("" = the app's default, "rolling_window", "truncate_middle", "stop"),
    // defaultContextOverflow (the app-wide default; never "")
    Q_PROPERTY(QVariantMap settings READ settings NOTIFY settingsChanged)
    // The presets' names (built-in first) and the one the chat's settings match ("" for none).
    Q_PROPERTY(QStringList presetNames READ presetNames NOTIFY presetsChanged)
    Q_PROPERTY(QString activePreset READ activePreset NOTIFY settingsChanged)

public:
    // Saves go through `worker` (null: nothing is saved).
    ChatSettingsController(StoreWorker * worker, QObject * parent);

    QVariantMap settings() const;
    QStringList presetNames() const;
    QString activePreset() const;
    // The chat's settings as stored (contextOverflow "" = the app's default).
    GenerationSettings generationSettings() const { return m_settings; }
    // What a request uses: the context policy resolved to the app's default.
    GenerationSettings effective() const;

    Q_INVOKABLE void setSetting(const QString & key, const QVariant & value);
    Q_INVOKABLE void resetSettings();  // the app-wide defaults; the chat's system prompt stays
    // The preset's settings for this chat (a preset without a system prompt keeps the chat's).
    Q_INVOKABLE bool applyPreset(const QString & name);
    // This chat's settings as a named preset / as what new chats start with.
    Q_INVOKABLE bool savePreset(const QString & name);
    Q_INVOKABLE bool removePreset(const QString & name);
    Q_INVOKABLE void saveAsDefaults();

    // The chat side (ChatController). The row later changes are saved to (0: a draft).
    void setConversation(qint64 conversationId) { m_conversationId = conversationId; }
    // The open chat's settings, read from its row: shown, not saved again.
    void adopt(const GenerationSettings & settings);
    // A new chat: the app-wide defaults.
    void showDraft();

signals:
    void settingsChanged();
    void presetsChanged();
    void contextSizeChanged(int contextSize);  // a setting changed the model's context
    void errorOccurred(const QString & message);

private:
    void applySettings(const GenerationSettings & settings);
    void setDefaultOverflow(const QString & policy);
    void saveSettings();

    StoreWorker * m_worker;
    qint64 m_conversationId = 0;
    GenerationSettings m_settings;
    QString m_defaultOverflow;    // AppSettings::contextOverflow(), for chats without their own
    QList<ChatPreset> m_presets;  // AppSettings::presets(), read at start and after each change
};

}  // namespace Hearth
