// A small libcurl GET that the hub client and the downloader share.
//
// Redirects are followed here, hop by hop, rather than by libcurl: the
// Authorization header is added only while the URL's origin (scheme, host,
// port) is the Hub's, so a token never reaches a CDN on another host, whatever
// libcurl version is installed (7.88 keeps custom headers across hosts).
// TLS verification stays on; proxies come from libcurl's usual environment
// variables (https_proxy, no_proxy ...).
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <functional>

namespace Hearth {

struct HttpOptions {
    QByteArray bearerToken;          // never logged
    QString tokenOrigin;             // "https://huggingface.co:443": the only origin that sees the token
    QList<QByteArray> extraHeaders;  // e.g. "Range: bytes=100-"
    int connectTimeoutSec = 30;
    int stallSeconds = 0;  // > 0: abort a transfer that moves no bytes for this long
    int maxRedirects = 10;
    QByteArray postBody;  // non-null: the request is a POST of this body (httpPost)
};

struct HttpResponse {
    int status = 0;                        // of the final hop; 0 when none arrived
    QMap<QByteArray, QByteArray> headers;  // lower-cased names, final hop
    QByteArray body;                       // when no sink took it (error pages are capped)
    QString finalUrl;
    int curlCode = 0;  // CURLcode; 0 = transport fine
    QString curlError;
    bool aborted = false;  // the sink or the check asked to stop
    bool transportOk() const { return curlCode == 0; }
    QByteArray header(const char * lowerName) const { return headers.value(QByteArray(lowerName)); }
};

// Receives the body of a final 2xx reply; `reply` holds its status and headers.
// Returning false aborts the transfer.
using HttpBodySink = std::function<bool(const HttpResponse & reply, const char * data, size_t size)>;
// Called often during a transfer; returning false aborts it (pause, cancel).
using HttpContinueCheck = std::function<bool()>;

HttpResponse httpGet(const QString & url, const HttpOptions & options, const HttpBodySink & sink = {},
                     const HttpContinueCheck & keepGoing = {});

// A POST of `body` (Content-Type in options.extraHeaders). Redirects are not
// followed: a 3xx comes back as the reply.
HttpResponse httpPost(const QString & url, const QByteArray & body, const HttpOptions & options,
                      const HttpBodySink & sink = {}, const HttpContinueCheck & keepGoing = {});

// "scheme://host:port" with the scheme's default port filled in.
QString urlOrigin(const QString & url);

// The rel="next" target of an RFC 8288 Link header, or "".
QString nextLinkFromHeader(const QByteArray & linkHeader);

}  // namespace Hearth
