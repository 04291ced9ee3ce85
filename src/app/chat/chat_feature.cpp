#include "chat_feature.h"

#include "chat_controller.h"
#include "core/store_worker.h"

namespace Hearth {

ChatFeature::ChatFeature(const QString & databasePath, QObject * parent)
    : m_worker(std::make_unique<StoreWorker>(databasePath)) {
    QString openError;
    if (!m_worker->isOpen()) {
        openError = m_worker->openError();
        m_worker.reset();
    }
    m_chat = new ChatController(m_worker.get(), parent);
    if (!openError.isEmpty()) m_chat->reportError(openError);
}

ChatFeature::~ChatFeature() {
    m_chat->shutdown();  // the reply's saver flushed, the engines stopped
    // Runs every queued write (the reply's last save) before the models its answers go to.
    m_worker.reset();
    delete m_chat;
}

QString ChatFeature::databasePath() const {
    return m_worker ? m_worker->path() : QString();
}

}  // namespace Hearth
