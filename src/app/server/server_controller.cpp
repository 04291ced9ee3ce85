#include "server_controller.h"

#include <QFileInfo>
#include <QMetaObject>
#include <QUrl>

#include "core/app_settings.h"
#include "hearth/chat_session.h"
#include "hearth/error.h"
#include "server/api_server.h"
#include "server/request_checks.h"
#include "server/session_engine.h"
#include "server/worker_engine.h"

namespace Hearth {

struct ServerController::Instance {
    std::unique_ptr<Server::EngineAdapter> engine;  // a WorkerEngine, or a SessionEngine on the chat's model
    std::unique_ptr<Server::ApiServer> server;      // declared last: stops before the engine goes
    ~Instance() {
        if (server) server->stop();
    }
};

ServerController::ServerController(QObject * parent) : QObject(parent) {
    if (const QByteArray env = qgetenv("HEARTH_MODEL"); !env.isEmpty()) m_modelPath = QString::fromLocal8Bit(env);
}

ServerController::~ServerController() {
    if (m_cancel) m_cancel->store(true);
    joinTask();
    m_instance.reset();  // stops the server (its HTTP threads join) before the log goes
}

void ServerController::joinTask() {
    if (m_task.joinable()) m_task.join();
}

void ServerController::setHost(const QString & host) {
    const QString h = host.trimmed();
    if (h == m_host) return;
    m_host = h;
    emit configChanged();
}

void ServerController::setPort(int port) {
    if (port == m_port || port < 0 || port > 65535) return;
    m_port = port;
    emit configChanged();
}

void ServerController::setApiKey(const QString & key) {
    if (key == m_apiKey) return;
    m_apiKey = key;
    emit configChanged();
}

void ServerController::setCorsOrigins(const QString & origins) {
    if (origins == m_cors) return;
    m_cors = origins;
    emit configChanged();
}

void ServerController::setContextSize(int n) {
    if (n == m_contextSize || n < 0) return;
    m_contextSize = n;
    emit configChanged();
}

void ServerController::setModelPath(const QString & pathOrUrl) {
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    if (path == m_modelPath) return;
    m_modelPath = path;
    emit configChanged();
}

QObject * ServerController::chatEngine() const {
    return m_chatEngine.data();
}

void ServerController::setChatEngine(QObject * engine) {
    auto * bridge = qobject_cast<EngineBridge *>(engine);
    if (bridge == m_chatEngine) return;
    if (m_chatEngine) disconnect(m_chatEngine, nullptr, this, nullptr);
    m_chatEngine = bridge;
    if (bridge) connect(bridge, &EngineBridge::chatSessionChanged, this, &ServerController::onChatSessionChanged);
    emit configChanged();
}

void ServerController::setUseChatModel(bool on) {
    if (on == m_useChatModel) return;
    m_useChatModel = on;
    emit configChanged();
}

std::shared_ptr<hearth::ChatSession> ServerController::sessionToShare() const {
    if (!m_chatEngine) return nullptr;
    std::shared_ptr<hearth::ChatSession> session = m_chatEngine->chatSession();
    if (!session) return nullptr;
    if (m_useChatModel) return session;
    // The chosen file is the chat's: serve that copy rather than load a second.
    const QString chosen = QFileInfo(m_modelPath).canonicalFilePath();
    const bool same =
        !chosen.isEmpty() && chosen == QFileInfo(QString::fromStdString(session->path())).canonicalFilePath();
    return same ? session : nullptr;
}

std::shared_ptr<hearth::ChatSession> ServerController::servedSession() const {
    if (!m_sharesChatModel || !m_instance) return nullptr;
    return static_cast<const Server::SessionEngine *>(m_instance->engine.get())->session();
}

void ServerController::onChatSessionChanged() {
    const std::shared_ptr<hearth::ChatSession> served = servedSession();
    if (!served || (m_chatEngine && served == m_chatEngine->chatSession())) return;
    // The chat let go of the model the server shares: start again on what is right now.
    m_restartAfterStop = true;
    stop();
}

bool ServerController::exposed() const {
    return !Server::isLoopbackAddress(m_host.toStdString());
}

void ServerController::setState(ServerState state, const QString & error) {
    m_state = state;
    m_error = error;
    emit stateChanged();
}

void ServerController::start() {
    if (m_state != Stopped && m_state != Error) return;
    std::shared_ptr<hearth::ChatSession> shared = sessionToShare();
    if (m_useChatModel && !shared) {
        setState(Error, tr("Load a model in the chat first, or choose one for the server."));
        return;
    }
    if (!shared && m_modelPath.isEmpty()) {
        setState(Error, tr("Choose a model for the server first."));
        return;
    }
    if (m_host.isEmpty()) {
        setState(Error, tr("Enter the address to listen on, such as 127.0.0.1."));
        return;
    }
    joinTask();
    m_loadProgress = 0.0;
    emit loadProgressChanged();
    setState(Starting);

    Server::ServerConfig config;
    config.host = m_host.toStdString();
    config.port = m_port;
    config.apiKey = m_apiKey.toStdString();
    for (const QString & o : m_cors.split(QLatin1Char(','), Qt::SkipEmptyParts))
        config.corsOrigins.push_back(o.trimmed().toStdString());
    m_sharesChatModel = bool(shared);
    startTask(config, std::move(shared));
}

std::unique_ptr<Server::EngineAdapter> ServerController::loadOwnCopy(const std::string & path,
                                                                     hearth::LoadOptions options,
                                                                     std::shared_ptr<std::atomic<bool>> cancel) {
    // The model's saved load settings (context, KV type, GPU layers), as the
    // chat loads it; here, on the task thread, since "auto" layers probe the GPU.
    applyModelLoadSettings(QString::fromStdString(path), options);
    int lastPercent = -1;
    return Server::WorkerEngine::load(path, options, {}, [this, cancel, &lastPercent](float f) {
        const int percent = int(f * 100.0f);
        if (percent != lastPercent) {
            lastPercent = percent;
            QMetaObject::invokeMethod(
                this,
                [this, f] {
                    m_loadProgress = double(f);
                    emit loadProgressChanged();
                },
                Qt::QueuedConnection);
        }
        return !cancel->load();
    });
}

void ServerController::startTask(const Server::ServerConfig & config, std::shared_ptr<hearth::ChatSession> shared) {
    hearth::LoadOptions options;
    options.n_ctx = m_contextSize;
    const std::string path = m_modelPath.toStdString();
    auto cancel = m_cancel = std::make_shared<std::atomic<bool>>(false);

    m_task = std::thread([this, config, options, path, cancel, shared = std::move(shared)]() mutable {
        auto instance = std::make_shared<Instance>();
        try {
            // The chat's copy (waits for its load, then queues with the chat), or one of its own.
            instance->engine =
                shared ? Server::SessionEngine::attach(std::move(shared)) : loadOwnCopy(path, options, cancel);
            instance->server = std::make_unique<Server::ApiServer>(*instance->engine, config);
            // Runs on HTTP threads; the controller stops the server before it goes.
            instance->server->setRequestLogger([this](const Server::RequestLogEntry & e) {
                ServerLogRow row{QDateTime::currentDateTime(),
                                 QString::fromStdString(e.method),
                                 QString::fromStdString(e.path),
                                 e.status,
                                 e.durationMs,
                                 QString::fromStdString(e.remote)};
                QMetaObject::invokeMethod(
                    this, [this, row] { m_log.append(row); }, Qt::QueuedConnection);
            });
            const int port = instance->server->start();
            QMetaObject::invokeMethod(
                this, [this, instance, port] { onStarted(instance, port); }, Qt::QueuedConnection);
        } catch (const std::exception & e) {
            const QString message = QString::fromUtf8(e.what());
            instance.reset();
            QMetaObject::invokeMethod(
                this, [this, message] { onFailed(message); }, Qt::QueuedConnection);
        }
    });
}

void ServerController::onStarted(std::shared_ptr<Instance> instance, int port) {
    if (m_cancel && m_cancel->load()) {  // stop() was asked for while it started
        m_instance = std::move(instance);
        m_state = Running;
        stop();
        return;
    }
    m_instance = std::move(instance);
    m_url = QString::fromStdString(m_instance->server->url()) + QStringLiteral("/v1");
    m_servedModel = QString::fromStdString(m_instance->engine->model().id);
    Q_UNUSED(port);
    setState(Running);
    onChatSessionChanged();  // the chat may have moved on while this one started
}

void ServerController::onFailed(const QString & message) {
    m_sharesChatModel = false;
    if (m_cancel && m_cancel->load()) {
        setState(Stopped);
        return;
    }
    setState(Error, tr("The server could not start: %1").arg(message));
}

void ServerController::stop() {
    if (m_state == Starting) {
        if (m_cancel) m_cancel->store(true);  // the load ends early; onStarted/onFailed finish the stop
        return;
    }
    if (m_state != Running) return;
    joinTask();
    setState(Stopping);
    std::shared_ptr<Instance> instance = std::move(m_instance);
    m_task = std::thread([this, instance]() mutable {
        instance.reset();  // stops accepting, ends open streams, joins the HTTP threads, unloads
        QMetaObject::invokeMethod(
            this, [this] { onStopped(); }, Qt::QueuedConnection);
    });
}

void ServerController::onStopped() {
    m_url.clear();
    m_servedModel.clear();
    m_sharesChatModel = false;
    setState(Stopped);
    if (std::exchange(m_restartAfterStop, false)) start();
}

}  // namespace Hearth
