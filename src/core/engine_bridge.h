// EngineBridge: the GUI's handle on the inference engine.
//
// The bridge owns a QThread on which an EngineBridgeCore lives; the core owns
// the hearth::GenerationWorker (which loads and generates on a thread of its
// own). Every call on the bridge is a queued invocation of the core and
// returns at once; every result comes back as a queued signal. Nothing on the
// calling (GUI) thread ever waits for the engine, except the destructor,
// which stops the thread (the worker cancels within one token).
//
// Text streams through a TokenBatcher: textReceived() arrives at most about
// every 16 ms with everything generated since the last one, already split by
// the output parser into content and reasoning. generationFinished() follows
// the last textReceived() of a request and carries the whole result, the
// tool calls and the stats.
//
// The prompt is fitted into the context by the chat's overflow policy on the
// bridge thread (ContextPlanner): contextPlanned() says what was left out; a
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
#include <QThread>
#include <functional>
#include <memory>
#include <mutex>

#include "core/generation_types.h"

namespace hearth {
class ChatSession;
}

namespace Hearth {

class EngineBridgeCore;

class EngineBridge : public QObject {
    Q_OBJECT
public:
    explicit EngineBridge(QObject *parent = nullptr);
    ~EngineBridge() override;

    // Replaces any loaded model. contextSize 0: the model's default.
    void loadModel(const QString &path, int contextSize = 0);
    void unloadModel();
    // Formats `history` (root -> the last message before the reply) with the
    // model's chat template and generates. `requestId` names the request in
    // the signals (the app uses the reply's message id).
    void generate(qint64 requestId, const QList<Hearth::Message> &history, const Hearth::GenerationSettings &settings);
    // Continues `partial` (an interrupted reply's text) after `history`.
    void continueReply(qint64 requestId, const QList<Hearth::Message> &history, const QString &partial,
                       const Hearth::GenerationSettings &settings);
    // The context meter's figure for a chat without generating: contextPlanned(requestId, ...).
    void measureContext(qint64 requestId, const QList<Hearth::Message> &history,
                        const Hearth::GenerationSettings &settings);
    void cancel(qint64 requestId);

    // The chat's model session (null when none is loaded or loading), for the
    // local server to serve the same copy: its requests queue with the chat's.
    // Any thread; wait for its load with hearth::ChatSession::wait_loaded().
    std::shared_ptr<hearth::ChatSession> chatSession() const;

    // Tests only (the app's agent loop end to end with a scripted model): a
    // stand-in that gets every generate/continue request on the calling
    // thread instead of the engine, and answers through this bridge's own
    // signals (textReceived, generationFinished). Empty: the engine.
    using StandIn = std::function<void(qint64 requestId, const QList<Hearth::Message> &history,
                                       const QString &partial, const Hearth::GenerationSettings &settings)>;
    void setStandIn(StandIn standIn) { m_standIn = std::move(standIn); }

signals:
    // chatSession() changed: a load began, or the model was unloaded.
    void chatSessionChanged();
    void loadStarted(const QString &path);
    void loadProgress(double fraction);
    void modelLoaded(const QString &path, const QString &description, int contextSize);
    void loadFailed(const QString &path, const QString &message);
    void gpuNotice(const QString &message);
    // Before a request's text: how its prompt fits the context (what the policy left out).
    void contextPlanned(qint64 requestId, const Hearth::ContextUsage &usage);
    void textReceived(qint64 requestId, const QString &content, const QString &reasoning);
    void generationFinished(qint64 requestId, const Hearth::GenerationResult &result);

private:
    QThread m_thread;
    EngineBridgeCore *m_core = nullptr;  // lives on m_thread
    mutable std::mutex m_sessionMutex;
    std::shared_ptr<hearth::ChatSession> m_session;  // the core's, mirrored for other threads
    StandIn m_standIn;
};

}  // namespace Hearth
