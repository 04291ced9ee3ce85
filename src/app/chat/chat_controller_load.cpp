// ChatController: the model at start, and what happens after a load.
//
// The app remembers the model that last loaded (AppSettings::lastModel; its
// load settings are kept per model file already) and loads it again at start.
// A load that fails while another model was working must not leave the chat
// without a model: the bridge has already let the old one go, so it is loaded
// again, and `loadNotice` tells the chat what failed and why.
#include <QFileInfo>

#include "chat_controller.h"
#include "chat_settings_controller.h"
#include "core/app_settings.h"
#include "core/engine_bridge.h"

namespace Hearth {

void ChatController::loadAtStart(const QString & model) {
    if (!model.isEmpty())
        loadModel(model);
    else
        restoreLastModel();
}

void ChatController::restoreLastModel() {
    const QString last = AppSettings().lastModel();
    if (!last.isEmpty() && QFileInfo(last).isFile()) loadModel(last);
}

void ChatController::onModelLoaded(const QString & path) {
    if (path != m_workingModel) {
        m_loadNotice.clear();  // a different model is working now: the old failure is past
        emit modelChanged();
    }
    m_workingModel = path;
    AppSettings().setLastModel(path);
}

void ChatController::onLoadFailed(const QString & path, const QString & message) {
    m_loadError = message;
    const QString failed = QFileInfo(path).fileName();
    const bool restore = !m_workingModel.isEmpty() && path != m_workingModel && QFileInfo(m_workingModel).isFile();
    if (restore) {
        m_loadNotice = tr("Could not load %1. %2 Still chatting with %3.")
                           .arg(failed, message, QFileInfo(m_workingModel).completeBaseName());
        // Loading state and progress come from the bridge's loadStarted.
        m_bridge->loadModel(m_workingModel, m_settings->generationSettings().contextSize);
    } else {
        m_loadNotice = tr("Could not load %1. %2").arg(failed, message);
        m_modelState = Error;
    }
    emit modelChanged();
}

void ChatController::dismissLoadNotice() {
    if (m_loadNotice.isEmpty()) return;
    m_loadNotice.clear();
    emit modelChanged();
}

}  // namespace Hearth
