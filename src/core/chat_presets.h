// Named chat presets: a chat's generation settings (sampling, max tokens,
// system prompt, context policy, thinking) saved under a name a chat can pick.
//
// Three come built in and cannot be changed or removed ("Balanced" is the
// engine's plain defaults); the user's own are kept in the app settings as
// one JSON object {"name": {<GenerationSettings::samplingJson()>,
// "system_prompt": ".."}}, read back with bounded counts and lengths because
// the file can be edited by hand.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

#include "core/generation_types.h"

namespace Hearth {

struct ChatPreset {
    QString name;
    GenerationSettings settings;
    bool builtIn = false;
};

constexpr int kMaxPresets = 64;  // user presets kept; more are ignored on read and refused on save
constexpr int kMaxPresetNameLength = 60;

QList<ChatPreset> builtInPresets();
bool isBuiltInPreset(const QString & name);

// A trimmed, bounded name; "" when nothing usable is left.
QString cleanPresetName(const QString & name);

// The stored object's presets, in name order; bad entries are skipped.
QList<ChatPreset> presetsFromJson(const QJsonObject & stored);
QJsonObject presetToJson(const GenerationSettings & settings);

}  // namespace Hearth
