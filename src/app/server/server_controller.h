// ServerController: the app's "Local server" toggle: the OpenAI-compatible
// server of src/server/ (the same one `hearth-cli serve` runs), serving a
// model from the library to other programs on this machine (Cherry Studio,
// Open WebUI, scripts using the openai package...).
//
// It serves either the chat's own model or one of its own:
//   - the chat's (useChatModel, or the chosen file is the one the chat has
//     loaded): the server shares the chat's hearth::ChatSession through a
//     SessionEngine: one copy in memory, one queue, chat replies and API
//     requests taking turns in arrival order. When the chat's model changes
//     the server restarts on the new one (or, for a chosen file, on a copy of
//     its own);
//   - any other file: its own copy through a WorkerEngine (with the model's
//     saved load settings), so the chat and the server never queue behind
//     each other.
// `sharesChatModel` says which, for the panel.
//
// The GUI thread never waits: loading, binding and stopping run on a
// background thread, whose outcome comes back as queued calls that move
// `state` through Stopped -> Starting -> Running -> Stopping -> Stopped (or
// Error, with `error` saying why). Each request the server
// answers is appended to `log`.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QObject>
#include <QPointer>
#include <QString>
#include <atomic>
#include <memory>
#include <thread>

#include "core/engine_bridge.h"
#include "hearth/model.h"
#include "server_log_model.h"

namespace hearth {
class ChatSession;
}

namespace Hearth {

namespace Server {
class EngineAdapter;
struct ServerConfig;
}  // namespace Server

class ServerController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString host READ host WRITE setHost NOTIFY configChanged)
    Q_PROPERTY(int port READ port WRITE setPort NOTIFY configChanged)
    Q_PROPERTY(QString apiKey READ apiKey WRITE setApiKey NOTIFY configChanged)
    // Comma-separated origins browsers may call from ("*" for any); "" for none.
    Q_PROPERTY(QString corsOrigins READ corsOrigins WRITE setCorsOrigins NOTIFY configChanged)
    Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY configChanged)
    Q_PROPERTY(QString modelPath READ modelPath WRITE setModelPath NOTIFY configChanged)
    // The chat's EngineBridge, whose model the server can share; null for none.
    Q_PROPERTY(QObject * chatEngine READ chatEngine WRITE setChatEngine NOTIFY configChanged)
    // Serve whatever model the chat has loaded, following it when it changes.
    Q_PROPERTY(bool useChatModel READ useChatModel WRITE setUseChatModel NOTIFY configChanged)
    // While running: true when the server serves the chat's loaded copy.
    Q_PROPERTY(bool sharesChatModel READ sharesChatModel NOTIFY stateChanged)
    // ServerController.Stopped, .Starting, .Running, .Stopping, .Error in QML
    Q_PROPERTY(ServerState state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool running READ running NOTIFY stateChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY stateChanged)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    // "http://127.0.0.1:8000/v1" while running: what clients need as base URL.
    Q_PROPERTY(QString url READ url NOTIFY stateChanged)
    Q_PROPERTY(QString servedModel READ servedModel NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
    // True when the host lets other machines connect (not a loopback address).
    Q_PROPERTY(bool exposed READ exposed NOTIFY configChanged)
    Q_PROPERTY(Hearth::ServerLogModel * log READ log CONSTANT)

public:
    enum ServerState { Stopped, Starting, Running, Stopping, Error };
    Q_ENUM(ServerState)

    explicit ServerController(QObject * parent = nullptr);
    ~ServerController() override;

    QString host() const { return m_host; }
    void setHost(const QString & host);
    int port() const { return m_port; }
    void setPort(int port);
    QString apiKey() const { return m_apiKey; }
    void setApiKey(const QString & key);
    QString corsOrigins() const { return m_cors; }
    void setCorsOrigins(const QString & origins);
    int contextSize() const { return m_contextSize; }
    void setContextSize(int n);
    QString modelPath() const { return m_modelPath; }
    void setModelPath(const QString & pathOrUrl);
    QObject * chatEngine() const;
    void setChatEngine(QObject * engine);
    bool useChatModel() const { return m_useChatModel; }
    void setUseChatModel(bool on);
    bool sharesChatModel() const { return m_sharesChatModel; }
    // While running on the chat's model: the session served (the chat's); else null.
    std::shared_ptr<hearth::ChatSession> servedSession() const;

    ServerState state() const { return m_state; }
    bool running() const { return m_state == Running; }
    bool busy() const { return m_state == Starting || m_state == Stopping; }
    double loadProgress() const { return m_loadProgress; }
    QString url() const { return m_url; }
    QString servedModel() const { return m_servedModel; }
    QString error() const { return m_error; }
    bool exposed() const;
    ServerLogModel * log() { return &m_log; }

    // Both return at once; the outcome arrives through `state`.
    Q_INVOKABLE void start();
    Q_INVOKABLE void stop();
    Q_INVOKABLE void setEnabled(bool on) { on ? start() : stop(); }

signals:
    void configChanged();
    void stateChanged();
    void loadProgressChanged();

private:
    struct Instance;

    void setState(ServerState state, const QString & error = QString());
    void joinTask();
    void onStarted(std::shared_ptr<Instance> instance, int port);
    void onFailed(const QString & message);
    void onStopped();
    void onChatSessionChanged();
    // The chat's session when this start should share it, else null.
    std::shared_ptr<hearth::ChatSession> sessionToShare() const;
    void startTask(const Server::ServerConfig & config, std::shared_ptr<hearth::ChatSession> shared);
    // Runs on the task thread: a WorkerEngine of the server's own on `path`.
    std::unique_ptr<Server::EngineAdapter> loadOwnCopy(const std::string & path, hearth::LoadOptions options,
                                                       std::shared_ptr<std::atomic<bool>> cancel);

    QString m_host = QStringLiteral("127.0.0.1");
    int m_port = 8000;
    QString m_apiKey;
    QString m_cors;
    int m_contextSize = 0;
    QString m_modelPath;
    QPointer<EngineBridge> m_chatEngine;
    bool m_useChatModel = false;
    bool m_sharesChatModel = false;
    bool m_restartAfterStop = false;  // the chat's model changed under a shared server

    ServerState m_state = Stopped;
    double m_loadProgress = 0.0;
    QString m_url;
    QString m_servedModel;
    QString m_error;
    ServerLogModel m_log;

    std::shared_ptr<Instance> m_instance;         // while running
    std::shared_ptr<std::atomic<bool>> m_cancel;  // cancels a load in progress
    std::thread m_task;                           // the start or stop in progress
};

}  // namespace Hearth
