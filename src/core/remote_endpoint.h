// A remote OpenAI-compatible endpoint the chat can use instead of a local
// model (vLLM, llama-server, Ollama, another Hearth's server): a name, a base
// URL and an optional API key. The key is a secret: it goes only into the
// Authorization header of requests to the endpoint's own origin and is never
// logged or shown in an error.
#pragma once

#include <QMetaType>
#include <QString>

namespace Hearth {

struct RemoteEndpoint {
    QString name;     // as the user called it, e.g. "GPU box"
    QString baseUrl;  // "http://host:8000" or "http://host:8000/v1"
    QString apiKey;   // "": send no Authorization header

    bool operator==(const RemoteEndpoint &) const = default;
    bool isValid() const;  // an http(s) URL with a host
    // The URL of an API path under the endpoint's /v1: apiUrl("models") ->
    // "http://host:8000/v1/models" whether or not baseUrl ends with /v1.
    QString apiUrl(const QString & path) const;
    // What a message footer shows for a reply it produced: "GPU box · llama3".
    QString label(const QString & model) const;
};

// Which model of which endpoint answers: what the chat records for a reply.
struct RemoteModel {
    RemoteEndpoint endpoint;
    QString id;           // the endpoint's model id ("qwen3:8b")
    int contextSize = 0;  // reported by the endpoint; 0: unknown (the meter hides)
    bool operator==(const RemoteModel &) const = default;
};

}  // namespace Hearth

Q_DECLARE_METATYPE(Hearth::RemoteEndpoint)
Q_DECLARE_METATYPE(Hearth::RemoteModel)
