#include "chat_feature.h"

#include "chat_controller.h"
#include "chat_settings_controller.h"
#include "core/store_worker.h"

namespace Hearth {

ChatFeature::ChatFeature(const QString & databasePath, QObject * parent)
    : m_worker(std::make_unique<StoreWorker>(databasePath)) {
    QString openError;
    if (!m_worker->isOpen()) {
        openError = m_worker->openError();
        m_worker.reset();
    }
    m_settings = new ChatSettingsController(m_worker.get(), parent);
    m_chat = new ChatController(m_worker.get(), m_settings, parent);
    wire();
    if (!openError.isEmpty()) m_chat->reportError(openError);
}

// The only place the chat's controllers are connected to one another. The
// chat's own handlers are connected first, before QML's or a test's.
void ChatFeature::wire() {
    QObject::connect(m_settings, &ChatSettingsController::settingsChanged, m_chat, &ChatController::onSettingsChanged);
    QObject::connect(m_settings, &ChatSettingsController::contextSizeChanged, m_chat,
                     &ChatController::reloadForContext);
    QObject::connect(m_settings, &ChatSettingsController::errorOccurred, m_chat, &ChatController::reportError);
}

ChatFeature::~ChatFeature() {
    m_chat->shutdown();  // the reply's saver flushed, the engines stopped
    // Runs every queued write (the reply's last save) before the models its answers go to.
    m_worker.reset();
    delete m_chat;
    delete m_settings;
}

QString ChatFeature::databasePath() const {
    return m_worker ? m_worker->path() : QString();
}

}  // namespace Hearth
