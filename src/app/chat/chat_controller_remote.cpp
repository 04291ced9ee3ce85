// ChatController: chatting with a model on a remote OpenAI-compatible
// endpoint. The chat's requests go to the RemoteEngine instead of the local
// EngineBridge while a remote model is chosen; loading a local model takes
// the chat back. Each reply records "endpoint · model" as its model (the
// messages' model_file column), which the footer and the exports show.
#include <QFileInfo>

#include "chat_controller.h"
#include "core/app_settings.h"
#include "core/engine_bridge.h"
#include "core/remote_engine.h"
#include "remote_controller.h"

namespace Hearth {

void ChatController::initRemote() {
    m_remoteEngine = new RemoteEngine;
    connect(m_remoteEngine, &RemoteEngine::contextPlanned, this, &ChatController::onContextPlanned);
    connect(m_remoteEngine, &RemoteEngine::textReceived, this, &ChatController::onText);
    connect(m_remoteEngine, &RemoteEngine::generationFinished, this, &ChatController::onFinished);
    m_remote = new RemoteController(m_remoteEngine, AppSettings::defaultPath());
}

ChatEngine * ChatController::activeEngine() const {
    if (m_usingRemote) return m_remoteEngine;
    return m_bridge;
}

QString ChatController::answeringModel() const {
    return m_usingRemote ? m_remoteLabel : QFileInfo(m_modelPath).fileName();
}

bool ChatController::useRemoteModel(int index) {
    // A local load still running would take the chat back when it ends.
    if (generating() || m_modelState == Loading) return false;
    const RemoteModel model = m_remote->modelAt(index);
    if (model.id.isEmpty()) return false;
    m_remoteEngine->setModel(model);
    m_usingRemote = true;
    m_remoteLabel = model.endpoint.label(model.id);
    m_modelState = Ready;
    m_loadError.clear();
    m_loadProgress = 1;
    m_modelDescription = tr("%1 on %2").arg(model.id, model.endpoint.apiUrl(QString()).chopped(1));
    m_modelContext = model.contextSize;
    // 0 (the endpoint did not say): the meter hides.
    m_context.clear();
    m_context.setContextSize(model.contextSize);
    emit loadProgressChanged();
    emit modelChanged();
    return true;
}

}  // namespace Hearth
