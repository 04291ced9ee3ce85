// ServerController: the app's "Local server" toggle: the OpenAI-compatible
// server of src/server/ (the same one `hearth-cli serve` runs), serving a
// model from the library to other programs on this machine (Cherry Studio,
// Open WebUI, scripts using the openai package...).
//
// The server loads its own copy of the chosen model through a WorkerEngine
// (with the model's saved load settings), rather than sharing the chat's
// worker, so the chat and the server never queue behind each other. On the
// CPU the weights are one shared memory map and the copy costs only its KV
// cache; layers offloaded to a GPU are uploaded once per copy, so with the
// same model loaded in the chat the server gets the VRAM that is left.
//
// The GUI thread never waits: loading, binding and stopping run on a
// background thread, whose outcome comes back as queued calls that move
// `state` through Stopped -> Starting -> Running -> Stopping -> Stopped (or
// Error, with `error` saying why). Each request the server
// answers is appended to `log`.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <thread>

#include "server_log_model.h"

namespace Hearth {

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

    QString m_host = QStringLiteral("127.0.0.1");
    int m_port = 8000;
    QString m_apiKey;
    QString m_cors;
    int m_contextSize = 0;
    QString m_modelPath;

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
