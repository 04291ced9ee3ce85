#include "scripted_bridge.h"

#include <QTimer>

#include "chat_model_controller.h"
#include "core/engine_bridge.h"

using namespace Hearth;

ScriptedBridge::ScriptedBridge(ChatModelController * model) : QObject(model), m_bridge(model->bridge()) {
    m_bridge->setStandIn([this](qint64 requestId, const QList<Message> & history, const QString &,
                                const GenerationSettings & settings) { onRequest(requestId, history, settings); });
    emit m_bridge->modelLoaded(QStringLiteral("/scripted/Qwen3-scripted.gguf"), QStringLiteral("scripted Qwen3"),
                               32768);
}

void ScriptedBridge::onRequest(qint64 requestId, const QList<Message> & history, const GenerationSettings & settings) {
    prompts.push_back(m_model.render(history, settings));
    requests << settings;
    replies << requestId;
    if (hold) m_held << requestId;
    // The engine answers on a later turn of the event loop, never inside the call.
    else
        QTimer::singleShot(0, this, [this, requestId] { answer(requestId); });
}

void ScriptedBridge::release() {
    hold = false;
    const QList<qint64> held = std::exchange(m_held, {});
    for (qint64 id : held) answer(id);
}

void ScriptedBridge::answer(qint64 requestId) {
    const QString raw = outputs.isEmpty() ? QStringLiteral("Done.") : outputs.takeFirst();
    const ScriptedModel::Reply out = m_model.parse(raw, requestId);
    emit m_bridge->textReceived(requestId, out.content, out.reasoning);
    GenerationResult result;
    result.content = out.content;
    result.reasoning = out.reasoning;
    result.toolCalls = out.toolCalls;
    result.stats.stopReason = QStringLiteral("eos");
    result.stats.generatedTokens = 8;
    emit m_bridge->generationFinished(requestId, result);
}
