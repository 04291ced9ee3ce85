// EngineBridgeCore: the engine bridge's state (see engine_bridge.h), living
// on the bridge's (GUI) thread: a Qt adapter over hearth::ChatSession (the
// worker, the template, the context policy, the parser setup), adding per
// request an output parser and a token batcher.
//
// No thread of its own: the session's worker is the one engine thread. The
// header is read, and every prompt planned and measured, on that worker
// (ChatSession::start / submit_planned / post); what it has to say is posted
// back to this object's thread as queued calls, so all of the core's state
// is touched by one thread only.
#pragma once

#include <QHash>
#include <QObject>
#include <atomic>
#include <memory>
#include <string>

#include "core/generation_types.h"
#include "hearth/chat_session.h"
#include "hearth/output_parser.h"

namespace Hearth {

class TokenBatcher;

class EngineBridgeCore : public QObject {
    Q_OBJECT
public:
    explicit EngineBridgeCore(QObject * parent = nullptr);
    ~EngineBridgeCore() override;

    void loadModel(const QString & path, int contextSize);
    void unloadModel();
    void generate(qint64 requestId, const QList<Hearth::Message> & history, const QString & partial,
                  const Hearth::GenerationSettings & settings);
    // Fits `history` into the context as a reply to it would, and reports the
    // result as contextPlanned(requestId, ...) without generating.
    void measureContext(qint64 requestId, const QList<Hearth::Message> & history,
                        const Hearth::GenerationSettings & settings);
    void cancel(qint64 requestId);

    // The loaded (or loading) model's session; null for none. Other users
    // (the local server) may submit to it: they queue behind the chat.
    std::shared_ptr<hearth::ChatSession> session() const { return m_session; }

signals:
    // The session changed (a load started, or the model was unloaded).
    void sessionChanged(std::shared_ptr<hearth::ChatSession> session);
    void loadStarted(const QString & path);
    void loadProgress(double fraction);
    void modelLoaded(const QString & path, const QString & description, int contextSize);
    void loadFailed(const QString & path, const QString & message);
    void gpuNotice(const QString & message);
    // Before a request's first text: how its prompt was fitted into the context.
    void contextPlanned(qint64 requestId, const Hearth::ContextUsage & usage);
    void textReceived(qint64 requestId, const QString & content, const QString & reasoning);
    void generationFinished(qint64 requestId, const Hearth::GenerationResult & result);

private:
    struct Request;
    struct EventRoute;

    void onStatus(quint64 loadSerial, const hearth::WorkerStatus & status);
    void onPlanned(qint64 requestId, const Hearth::ContextUsage & usage, const hearth::OutputParserConfig & parser,
                   const std::string & partial, const QString & refusal);
    void onEvent(qint64 requestId, const hearth::GenerateEvent & event);
    void applyDelta(Request & r, const hearth::OutputDelta & delta);
    void finishRequest(qint64 requestId, const QString & error, bool refused = false);

    void setSession(std::shared_ptr<hearth::ChatSession> session);

    std::shared_ptr<hearth::ChatSession> m_session;  // may be shared with the local server
    std::shared_ptr<EventRoute> m_route;             // how worker threads reach this object while it lives
    quint64 m_loadSerial = 0;                        // drops statuses and measurements of a session that was replaced
    QString m_path;
    int m_lastPercent = -1;
    QHash<qint64, std::shared_ptr<Request>> m_requests;
};

}  // namespace Hearth
