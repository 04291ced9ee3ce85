// ScriptedBridge: a scripted model behind a real ChatModelController, for the
// app's agent loop end to end (the same wiring main.cpp's window uses: the
// controller's store, its ToolRegistry from the data folder's mcp.json and
// tools.json, its AgentLoop, its continueAfterTools).
//
// It tells the controller a model has loaded (the bridge's own
// modelLoaded signal) and takes the bridge's requests as its stand-in
// (EngineBridge::setStandIn): each prompt is rendered from the history and
// settings the controller sent (ScriptedModel: the Qwen3 template with the
// chat's tools), recorded, and answered a moment later, as the engine
// would, with the next scripted raw output parsed into content, reasoning
// and tool calls (textReceived, then generationFinished).
#pragma once

#include <QList>
#include <QObject>
#include <QStringList>
#include <string>
#include <vector>

#include "core/generation_types.h"
#include "scripted_model.h"

namespace Hearth {
class ChatModelController;
class EngineBridge;
}  // namespace Hearth

class ScriptedBridge : public QObject {
    Q_OBJECT
public:
    explicit ScriptedBridge(Hearth::ChatModelController * model);

    QStringList outputs;                         // raw outputs, used in order; then "Done."
    std::vector<std::string> prompts;            // every rendered prompt, in order
    QList<Hearth::GenerationSettings> requests;  // the settings each request came with
    QList<qint64> replies;                       // the reply (request) ids, in order
    // Hold the answer to the next requests until release() (a turn that is still generating).
    bool hold = false;

    // Answers the requests held back.
    void release();

private:
    void onRequest(qint64 requestId, const QList<Hearth::Message> & history,
                   const Hearth::GenerationSettings & settings);
    void answer(qint64 requestId);

    Hearth::EngineBridge * m_bridge;
    ScriptedModel m_model;
    QList<qint64> m_held;
};
