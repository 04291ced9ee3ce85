#include "server_controller.h"

#include <QFileInfo>
#include <QMetaObject>
#include <QUrl>

#include "core/app_settings.h"
#include "hearth/error.h"
#include "server/api_server.h"
#include "server/request_checks.h"
#include "server/worker_engine.h"

namespace Hearth {

struct ServerController::Instance {
    std::unique_ptr<Server::WorkerEngine> engine;
    std::unique_ptr<Server::ApiServer> server;  // declared last: stops before the engine goes
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
    if (m_modelPath.isEmpty()) {
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
    hearth::LoadOptions options;
    options.n_ctx = m_contextSize;
    const std::string path = m_modelPath.toStdString();
    auto cancel = m_cancel = std::make_shared<std::atomic<bool>>(false);

    m_task = std::thread([this, config, options, path, cancel] {
        auto instance = std::make_shared<Instance>();
        try {
            // The model's saved load settings (context, KV type, GPU layers), as
            // the chat loads it; here, since "auto" layers probe the GPU.
            hearth::LoadOptions loadOptions = options;
            applyModelLoadSettings(QString::fromStdString(path), loadOptions);
            int lastPercent = -1;
            instance->engine = Server::WorkerEngine::load(path, loadOptions, {}, [this, cancel, &lastPercent](float f) {
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
}

void ServerController::onFailed(const QString & message) {
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
    setState(Stopped);
}

}  // namespace Hearth
