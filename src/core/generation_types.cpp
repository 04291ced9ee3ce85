#include "core/generation_types.h"

namespace Hearth {

QJsonObject GenerationSettings::samplingJson() const {
    QJsonObject o{
        {"temperature", temperature},  {"top_p", topP}, {"top_k", topK}, {"min_p", minP}, {"max_tokens", maxTokens},
        {"context_size", contextSize}, {"seed", seed}};
    if (!contextOverflow.isEmpty()) o.insert(QStringLiteral("context_overflow"), contextOverflow);
    if (!thinking) o.insert(QStringLiteral("enable_thinking"), false);
    return o;
}

GenerationSettings GenerationSettings::fromJson(const QJsonObject & s, const QString & systemPrompt) {
    GenerationSettings g;
    g.systemPrompt = systemPrompt;
    g.temperature = s.value("temperature").toDouble(g.temperature);
    g.topP = s.value("top_p").toDouble(g.topP);
    g.topK = s.value("top_k").toInt(g.topK);
    g.minP = s.value("min_p").toDouble(g.minP);
    g.maxTokens = s.value("max_tokens").toInt(g.maxTokens);
    g.contextSize = s.value("context_size").toInt(g.contextSize);
    g.seed = s.value("seed").toInteger(g.seed);
    g.contextOverflow = s.value("context_overflow").toString();
    g.thinking = s.value("enable_thinking").toBool(g.thinking);
    return g;
}

}  // namespace Hearth
