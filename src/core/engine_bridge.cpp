#include "core/engine_bridge.h"

#include "core/engine_bridge_core.h"

namespace Hearth {

EngineBridge::EngineBridge(QObject * parent) : ChatEngine(parent) {
    qRegisterMetaType<Hearth::GenerationResult>();
    qRegisterMetaType<Hearth::GenerationSettings>();
    qRegisterMetaType<Hearth::ContextUsage>();
    qRegisterMetaType<QList<Hearth::Message>>();

    m_core = new EngineBridgeCore(this);
    connect(m_core, &EngineBridgeCore::loadStarted, this, &EngineBridge::loadStarted);
    connect(m_core, &EngineBridgeCore::loadProgress, this, &EngineBridge::loadProgress);
    connect(m_core, &EngineBridgeCore::modelLoaded, this, &EngineBridge::modelLoaded);
    connect(m_core, &EngineBridgeCore::loadFailed, this, &EngineBridge::loadFailed);
    connect(m_core, &EngineBridgeCore::gpuNotice, this, &EngineBridge::gpuNotice);
    connect(m_core, &EngineBridgeCore::contextPlanned, this, &EngineBridge::contextPlanned);
    connect(m_core, &EngineBridgeCore::textReceived, this, &EngineBridge::textReceived);
    connect(m_core, &EngineBridgeCore::generationFinished, this, &EngineBridge::generationFinished);
    // The mirror is read from other threads (the local server's), hence the mutex.
    connect(m_core, &EngineBridgeCore::sessionChanged, this, [this](std::shared_ptr<hearth::ChatSession> session) {
        {
            std::lock_guard<std::mutex> lock(m_sessionMutex);
            m_session = std::move(session);
        }
        emit chatSessionChanged();
    });
}

EngineBridge::~EngineBridge() {
    // Shutdown: the core cancels its requests and closes its route; the
    // worker stops within one token and is joined here, unless the local
    // server still holds the session.
    delete m_core;
    m_core = nullptr;
    std::shared_ptr<hearth::ChatSession> last;
    {
        std::lock_guard<std::mutex> lock(m_sessionMutex);
        last = std::move(m_session);
    }
}

std::shared_ptr<hearth::ChatSession> EngineBridge::chatSession() const {
    std::lock_guard<std::mutex> lock(m_sessionMutex);
    return m_session;
}

void EngineBridge::loadModel(const QString & path, int contextSize) {
    EngineBridgeCore * core = m_core;
    QMetaObject::invokeMethod(
        core, [core, path, contextSize] { core->loadModel(path, contextSize); }, Qt::QueuedConnection);
}

void EngineBridge::unloadModel() {
    EngineBridgeCore * core = m_core;
    QMetaObject::invokeMethod(
        core, [core] { core->unloadModel(); }, Qt::QueuedConnection);
}

void EngineBridge::generate(qint64 requestId, const QList<Message> & history, const GenerationSettings & settings) {
    continueReply(requestId, history, QString(), settings);
}

void EngineBridge::continueReply(qint64 requestId, const QList<Message> & history, const QString & partial,
                                 const GenerationSettings & settings) {
    if (m_standIn) return m_standIn(requestId, history, partial, settings);
    EngineBridgeCore * core = m_core;
    QMetaObject::invokeMethod(
        core, [core, requestId, history, partial, settings] { core->generate(requestId, history, partial, settings); },
        Qt::QueuedConnection);
}

void EngineBridge::measureContext(qint64 requestId, const QList<Message> & history,
                                  const GenerationSettings & settings) {
    EngineBridgeCore * core = m_core;
    QMetaObject::invokeMethod(
        core, [core, requestId, history, settings] { core->measureContext(requestId, history, settings); },
        Qt::QueuedConnection);
}

void EngineBridge::cancel(qint64 requestId) {
    EngineBridgeCore * core = m_core;
    QMetaObject::invokeMethod(
        core, [core, requestId] { core->cancel(requestId); }, Qt::QueuedConnection);
}

}  // namespace Hearth
