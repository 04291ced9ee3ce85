#include "core/remote_client.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/sse_decoder.h"
#include "hearth/json_depth.h"

namespace Hearth {

namespace {

constexpr qsizetype kMaxModelsBody = 4 * 1024 * 1024;
constexpr qsizetype kMaxModels = 1000;
constexpr int kStallSeconds = 300;  // a server may say nothing while it reads a long prompt

HttpOptions optionsFor(const RemoteEndpoint & endpoint) {
    HttpOptions o;
    o.bearerToken = endpoint.apiKey.trimmed().toUtf8();
    o.tokenOrigin = urlOrigin(endpoint.apiUrl(QString()));
    o.connectTimeoutSec = 10;
    o.maxRedirects = 0;
    return o;
}

QJsonDocument boundedJson(const QByteArray & text) {
    if (!hearth::json_depth_within(std::string_view(text.constData(), size_t(text.size())))) return {};
    return QJsonDocument::fromJson(text);
}

// The message of an error body: OpenAI's {"error":{"message"}}, {"error":".."},
// FastAPI's {"detail":..}, or the text itself.
QString serverMessage(const QByteArray & body) {
    const QJsonObject o = boundedJson(body).object();
    QString message;
    const QJsonValue error = o.value(QStringLiteral("error"));
    if (error.isObject())
        message = error.toObject().value(QStringLiteral("message")).toString();
    else if (error.isString())
        message = error.toString();
    else if (o.value(QStringLiteral("detail")).isString())
        message = o.value(QStringLiteral("detail")).toString();
    else if (o.isEmpty())
        message = QString::fromUtf8(body.left(300));
    message = message.simplified();
    return message.size() > 300 ? message.left(300) + QStringLiteral("\u2026") : message;
}

int contextSizeOf(const QJsonObject & m) {
    for (const QJsonValue & v : {m.value(QStringLiteral("meta")).toObject().value(QStringLiteral("n_ctx")),
                                 m.value(QStringLiteral("max_model_len")), m.value(QStringLiteral("context_length"))})
        if (v.isDouble() && v.toDouble() > 0 && v.toDouble() < 1e9) return v.toInt();
    return 0;
}

}  // namespace

QString remoteErrorText(const RemoteEndpoint & endpoint, const HttpResponse & reply) {
    const QString who = endpoint.label(QString());
    const QString origin = urlOrigin(endpoint.apiUrl(QString()));
    const int status = reply.status;
    if (status == 401 || status == 403) {
        const QString msg = serverMessage(reply.body);
        return QStringLiteral("%1 refused the request (HTTP %2)%3. Check the endpoint's API key.")
            .arg(who)
            .arg(status)
            .arg(msg.isEmpty() ? QString() : QStringLiteral(": ") + msg);
    }
    if (status >= 300) {
        const QString msg = serverMessage(reply.body);
        const QString hint = status == 404 ? QStringLiteral(" Check the base URL and the model name.") : QString();
        return QStringLiteral("%1 answered HTTP %2%3.%4")
            .arg(who)
            .arg(status)
            .arg(msg.isEmpty() ? QString() : QStringLiteral(": ") + msg, hint);
    }
    if (!reply.transportOk() && status >= 200)
        return QStringLiteral(
                   "The connection to %1 (%2) was lost before the reply was finished: %3. The text so far"
                   " is kept.")
            .arg(who, origin, reply.curlError);
    if (!reply.transportOk()) return QStringLiteral("Could not reach %1 at %2: %3.").arg(who, origin, reply.curlError);
    return QStringLiteral("%1 sent no reply.").arg(who);
}

RemoteModelList fetchRemoteModels(const RemoteEndpoint & endpoint) {
    RemoteModelList out;
    if (!endpoint.isValid()) {
        out.error = QStringLiteral("\u201c%1\u201d is not an http:// or https:// URL.").arg(endpoint.baseUrl);
        return out;
    }
    QByteArray body;
    bool tooLarge = false;
    const HttpResponse reply = httpGet(endpoint.apiUrl(QStringLiteral("models")), optionsFor(endpoint),
                                       [&](const HttpResponse &, const char * data, size_t size) {
                                           if (body.size() + qsizetype(size) > kMaxModelsBody) {
                                               tooLarge = true;
                                               return false;
                                           }
                                           body.append(data, qsizetype(size));
                                           return true;
                                       });
    if (tooLarge) {
        out.error = QStringLiteral("%1's model list is larger than 4 MiB.").arg(endpoint.label(QString()));
        return out;
    }
    if (!reply.transportOk() || reply.status < 200 || reply.status >= 300) {
        out.error = remoteErrorText(endpoint, reply);
        return out;
    }
    const QJsonValue data = boundedJson(body).object().value(QStringLiteral("data"));
    if (!data.isArray()) {
        out.error = QStringLiteral("%1 sent a model list that is not OpenAI's {\"data\": [...]}.")
                        .arg(endpoint.label(QString()));
        return out;
    }
    for (const QJsonValue & v : data.toArray()) {
        const QString id = v.toObject().value(QStringLiteral("id")).toString();
        if (id.isEmpty() || id.size() > 512) continue;
        out.models.append(RemoteModel{endpoint, id, contextSizeOf(v.toObject())});
        if (out.models.size() >= kMaxModels) break;
    }
    return out;
}

RemoteStreamResult streamRemoteChat(const RemoteEndpoint & endpoint, const QByteArray & body,
                                    const std::function<void(const RemoteDelta &)> & onDelta,
                                    const std::atomic<bool> & cancel) {
    RemoteStreamResult r;
    if (!endpoint.isValid()) {
        r.error = QStringLiteral("\u201c%1\u201d is not an http:// or https:// URL.").arg(endpoint.baseUrl);
        return r;
    }
    HttpOptions o = optionsFor(endpoint);
    o.stallSeconds = kStallSeconds;
    o.extraHeaders = {"Content-Type: application/json", "Accept: text/event-stream"};
    SseDecoder sse;
    int events = 0;
    // False once the stream is over ([DONE], an error, a malformed event).
    auto take = [&](const QList<QByteArray> & payloads) {
        for (const QByteArray & p : payloads) {
            ++events;
            RemoteDelta d;
            const bool more = r.reply.consume(p, d);
            if (!d.content.isEmpty() || !d.reasoning.isEmpty()) onDelta(d);
            if (!more) return false;
        }
        return !sse.failed();
    };
    const HttpResponse http = httpPost(
        endpoint.apiUrl(QStringLiteral("chat/completions")), body, o,
        [&](const HttpResponse &, const char * data, size_t size) { return take(sse.feed(data, size)); },
        [&] { return !cancel.load(); });
    const bool completeBody = http.transportOk() && http.status >= 200 && http.status < 300;
    if (completeBody) take(sse.finish());
    if (cancel.load())
        r.cancelled = true;
    else if (sse.failed())
        r.error = QStringLiteral("%1's stream was stopped: %2.").arg(endpoint.label(QString()), sse.error());
    else if (!r.reply.error().isEmpty())
        r.error = r.reply.error();
    else if (r.reply.done())
        r.error.clear();
    else if (!completeBody)
        r.error = remoteErrorText(endpoint, http);
    else if (events == 0)
        r.error = QStringLiteral("%1 answered without a stream of events (Content-Type: %2).")
                      .arg(endpoint.label(QString()), QString::fromUtf8(http.header("content-type").left(100)));
    else if (!r.reply.finishReasonSeen())
        r.error = QStringLiteral("The connection to %1 closed before the reply was finished. The text so far is kept.")
                      .arg(endpoint.label(QString()));
    return r;
}

}  // namespace Hearth
