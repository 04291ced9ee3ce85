#include "core/chat_presets.h"

#include <QJsonValue>
#include <algorithm>

namespace Hearth {

namespace {

constexpr int kMaxSystemPromptLength = 100000;

ChatPreset builtIn(const char * name, double temperature, double topP, int topK, double minP) {
    ChatPreset p;
    p.name = QString::fromLatin1(name);
    p.builtIn = true;
    p.settings.temperature = temperature;
    p.settings.topP = topP;
    p.settings.topK = topK;
    p.settings.minP = minP;
    return p;
}

}  // namespace

QList<ChatPreset> builtInPresets() {
    const GenerationSettings plain;
    return {builtIn("Balanced", plain.temperature, plain.topP, plain.topK, plain.minP),
            builtIn("Precise", 0.2, 0.9, 20, 0.1),  // facts and code: little randomness
            builtIn("Creative", 1.1, 0.98, 100, 0.02)};
}

bool isBuiltInPreset(const QString & name) {
    const QList<ChatPreset> all = builtInPresets();
    return std::any_of(all.begin(), all.end(),
                       [&](const ChatPreset & p) { return p.name.compare(name.trimmed(), Qt::CaseInsensitive) == 0; });
}

QString cleanPresetName(const QString & name) {
    return name.simplified().left(kMaxPresetNameLength).trimmed();
}

QList<ChatPreset> presetsFromJson(const QJsonObject & stored) {
    QList<ChatPreset> out;
    for (auto it = stored.begin(); it != stored.end() && out.size() < kMaxPresets; ++it) {
        const QString name = cleanPresetName(it.key());
        if (name.isEmpty() || name != it.key() || isBuiltInPreset(name) || !it.value().isObject()) continue;
        const QJsonObject o = it.value().toObject();
        ChatPreset p;
        p.name = name;
        p.settings = GenerationSettings::fromJson(
            o, o.value(QStringLiteral("system_prompt")).toString().left(kMaxSystemPromptLength));
        out.append(p);
    }
    return out;  // QJsonObject iterates its keys sorted
}

QJsonObject presetToJson(const GenerationSettings & settings) {
    QJsonObject o = settings.samplingJson();
    // A preset is a style: not one reproducible reply, nor the model's load.
    o.remove(QStringLiteral("seed"));
    o.remove(QStringLiteral("context_size"));
    if (!settings.systemPrompt.isEmpty()) o.insert(QStringLiteral("system_prompt"), settings.systemPrompt);
    return o;
}

}  // namespace Hearth
