// RemoteEngine: the chat's replies from a model on an OpenAI-compatible
// endpoint (vLLM, llama-server, Ollama, another Hearth), through the same
// calls and signals as the local EngineBridge (ChatEngine).
//
// Threads: each request's streamed POST /v1/chat/completions runs on a
// thread of its own (RemoteEngineCore starts and joins it), which decodes the
// SSE stream (SseDecoder, RemoteReply) and posts each delta to the core's
// thread; there a TokenBatcher coalesces them, so textReceived() reaches the
// GUI thread at most about every 16 ms. cancel() sets the request's flag and
// the transfer stops within a moment (libcurl's progress callback). The
// model list is fetched on Qt's thread pool. Nothing here waits on the
// network on the calling thread; the destructor cancels running requests and
// joins their threads.
//
// measureContext() has nothing to measure with before a reply (the tokenizer
// is the server's): after each reply contextPlanned() carries the server's
// prompt token count against the endpoint's context size, when the endpoint
// reported one.
#pragma once

#include <QList>
#include <QString>
#include <QThread>
#include <mutex>

#include "core/chat_engine.h"
#include "core/remote_endpoint.h"

namespace Hearth {

class RemoteEngineCore;

class RemoteEngine : public ChatEngine {
    Q_OBJECT
public:
    explicit RemoteEngine(QObject * parent = nullptr);
    ~RemoteEngine() override;

    // The endpoint and model that answer the next requests (running ones keep theirs).
    void setModel(const Hearth::RemoteModel & model);
    Hearth::RemoteModel model() const { return m_model; }

    void generate(qint64 requestId, const QList<Hearth::Message> & history,
                  const Hearth::GenerationSettings & settings) override;
    void continueReply(qint64 requestId, const QList<Hearth::Message> & history, const QString & partial,
                       const Hearth::GenerationSettings & settings) override;
    void measureContext(qint64 requestId, const QList<Hearth::Message> & history,
                        const Hearth::GenerationSettings & settings) override;
    void cancel(qint64 requestId) override;

    // GET /v1/models off the calling thread; the answer comes as modelsListed().
    void listModels(const Hearth::RemoteEndpoint & endpoint);

signals:
    // `error` is "" on success (the list may still be empty).
    void modelsListed(const Hearth::RemoteEndpoint & endpoint, const QList<Hearth::RemoteModel> & models,
                      const QString & error);

private:
    QThread m_thread;
    RemoteEngineCore * m_core = nullptr;  // lives on m_thread
    RemoteModel m_model;
};

}  // namespace Hearth

Q_DECLARE_METATYPE(QList<Hearth::RemoteModel>)
