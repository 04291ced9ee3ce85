// RemoteEngineCore: RemoteEngine's half on its relay thread. It owns each
// request's transfer thread, cancel flag, timing and TokenBatcher, and turns
// what the transfer posts (deltas, then the stream's end) into the
// ChatEngine signals. See remote_engine.h.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <atomic>
#include <memory>
#include <thread>

#include "core/generation_types.h"
#include "core/remote_client.h"

namespace Hearth {

class TokenBatcher;

class RemoteEngineCore : public QObject {
    Q_OBJECT
public:
    explicit RemoteEngineCore(QObject * parent = nullptr) : QObject(parent) {}
    ~RemoteEngineCore() override;

    void start(qint64 requestId, const Hearth::RemoteModel & model, const QByteArray & body, qint64 seed);
    void cancel(qint64 requestId);

signals:
    void contextPlanned(qint64 requestId, const Hearth::ContextUsage & usage);
    void textReceived(qint64 requestId, const QString & content, const QString & reasoning);
    void generationFinished(qint64 requestId, const Hearth::GenerationResult & result);

private:
    struct Request {
        std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
        TokenBatcher * batcher = nullptr;
        std::thread thread;
        QElapsedTimer clock;
        qint64 firstReasoningMs = -1;
        qint64 firstContentMs = -1;
        qint64 seed = -1;
        int contextSize = 0;
        quint64 serial = 0;  // tells a reused request id's posts apart
    };
    void onDelta(qint64 requestId, quint64 serial, const RemoteDelta & delta);
    void onEnd(qint64 requestId, quint64 serial, RemoteStreamResult stream);
    static ReplyStats statsOf(const Request & r, const RemoteStreamResult & stream);

    QHash<qint64, std::shared_ptr<Request>> m_requests;
    quint64 m_serial = 0;
};

}  // namespace Hearth
