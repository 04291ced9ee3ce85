// EngineBridge: the GUI's handle on the inference engine.
//
// The bridge adds no thread of its own: the loaded model's hearth::ChatSession
// runs one worker thread, which reads the model's header, loads the weights,
// plans every prompt (the context policy) and generates. The bridge's state
// (an EngineBridgeCore) lives on the bridge's thread; every call on the bridge
// is a queued invocation of the core and returns at once, and every result
// comes back as a signal on the bridge's thread, posted there by the worker.
// Nothing on the calling (GUI) thread ever waits for the engine, except
// unloading or replacing a model and the destructor, which join the worker
// (it cancels within one token, or one step of a load).
//
// Text streams through a TokenBatcher: textReceived() arrives at most about
// every 16 ms with everything generated since the last one, already split by
// the output parser into content and reasoning. generationFinished() follows
// the last textReceived() of a request and carries the whole result, the
// tool calls and the stats.
//
// The prompt is fitted into the context by the chat's overflow policy on the
// session's worker (ContextPlanner): contextPlanned() says what was left out; a
// prompt that cannot fit is refused (generationFinished with `refused`).
//
// The loaded model is a hearth::ChatSession, which chatSession() shares with
// the app's local server when it serves the chat's model.
//
// Load errors arrive as sentences a person understands (loadFailed), and
// when the engine cannot use a GPU the probe's reason arrives as gpuNotice().
#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <mutex>

#include "core/chat_engine.h"
#include "core/generation_types.h"

namespace hearth {
class ChatSession;
}

namespace Hearth {

class EngineBridgeCore;

// The local model's ChatEngine (chat_engine.h); RemoteEngine is the other.
class EngineBridge : public ChatEngine {
    Q_OBJECT
public:
    explicit EngineBridge(QObject * parent = nullptr);
    ~EngineBridge() override;

    // Replaces any loaded model. contextSize 0: the model's default.
    void loadModel(const QString & path, int contextSize = 0);
    void unloadModel();
    // Formats `history` (root -> the last message before the reply) with the
    // model's chat template and generates. `requestId` names the request in
    // the signals (the app uses the reply's message id).
    void generate(qint64 requestId, const QList<Hearth::Message> & history,
                  const Hearth::GenerationSettings & settings) override;
    // Continues `partial` (an interrupted reply's text) after `history`.
    void continueReply(qint64 requestId, const QList<Hearth::Message> & history, const QString & partial,
                       const Hearth::GenerationSettings & settings) override;
    // The context meter's figure for a chat without generating: contextPlanned(requestId, ...).
    void measureContext(qint64 requestId, const QList<Hearth::Message> & history,
                        const Hearth::GenerationSettings & settings) override;
    void cancel(qint64 requestId) override;

    // The chat's model session (null when none is loaded or loading), for the
    // local server to serve the same copy: its requests queue with the chat's.
    // Any thread; wait for its load with hearth::ChatSession::wait_loaded().
    std::shared_ptr<hearth::ChatSession> chatSession() const;

    // Tests only (the app's agent loop end to end with a scripted model): a
    // stand-in that gets every generate/continue request on the calling
    // thread instead of the engine, and answers through this bridge's own
    // signals (textReceived, generationFinished). Empty: the engine.
    using StandIn = std::function<void(qint64 requestId, const QList<Hearth::Message> & history,
                                       const QString & partial, const Hearth::GenerationSettings & settings)>;
    void setStandIn(StandIn standIn) { m_standIn = std::move(standIn); }

signals:
    // chatSession() changed: a load began, or the model was unloaded.
    void chatSessionChanged();
    void loadStarted(const QString & path);
    void loadProgress(double fraction);
    void modelLoaded(const QString & path, const QString & description, int contextSize);
    void loadFailed(const QString & path, const QString & message);
    void gpuNotice(const QString & message);
    // contextPlanned (ChatEngine's) comes before a request's text: how its
    // prompt fits the context (what the policy left out).

private:
    EngineBridgeCore * m_core = nullptr;  // a child, on this object's thread
    mutable std::mutex m_sessionMutex;
    std::shared_ptr<hearth::ChatSession> m_session;  // the core's, mirrored for other threads
    StandIn m_standIn;
};

}  // namespace Hearth
