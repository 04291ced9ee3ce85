// The blocking HTTP calls to a remote OpenAI-compatible endpoint, run on a
// worker thread (never the GUI's): the model list (GET /v1/models) and a
// streamed chat completion (POST /v1/chat/completions, SSE).
//
// Failures come back as sentences a person understands, naming the endpoint
// by its origin (never the full URL, which may hold credentials) and never
// quoting the API key: a refused key (401/403), a wrong URL or model (404),
// a server that cannot be reached, a connection dropped mid-reply, a stream
// that is malformed or oversized (RemoteReply, SseDecoder).
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <atomic>
#include <functional>

#include "core/hub_http.h"
#include "core/remote_endpoint.h"
#include "core/remote_reply.h"

namespace Hearth {

struct RemoteModelList {
    QList<RemoteModel> models;
    QString error;  // "" on success
};

// GET {base}/v1/models. The reply is read up to 4 MiB and its first 1000
// models are kept; the context size comes from meta.n_ctx (Hearth,
// llama-server), max_model_len (vLLM) or context_length.
RemoteModelList fetchRemoteModels(const RemoteEndpoint & endpoint);

// Streams one chat completion. `onDelta` receives text as each event brings
// it (on the calling thread); `cancel` stops the transfer within a moment.
// Returns the assembled reply (error() set on any failure; text received
// before it is kept).
struct RemoteStreamResult {
    RemoteReply reply;
    QString error;  // "" when the reply completed
    bool cancelled = false;
};
RemoteStreamResult streamRemoteChat(const RemoteEndpoint & endpoint, const QByteArray & body,
                                    const std::function<void(const RemoteDelta &)> & onDelta,
                                    const std::atomic<bool> & cancel);

// The sentence for a failed HTTP exchange with the endpoint.
QString remoteErrorText(const RemoteEndpoint & endpoint, const HttpResponse & reply);

}  // namespace Hearth
