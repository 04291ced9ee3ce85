#include "core/hub_http.h"

#include <curl/curl.h>

#include <QRegularExpression>
#include <QUrl>
#include <memory>
#include <mutex>

#include "core/version.h"

namespace Hearth {

namespace {

constexpr qsizetype kMaxErrorBody = 64 * 1024;

void ensureCurlInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
    CURL * curl = nullptr;
    HttpResponse * reply = nullptr;
    const HttpBodySink * sink = nullptr;
    const HttpContinueCheck * keepGoing = nullptr;
    bool statusKnown = false;
};

size_t onHeader(char * data, size_t size, size_t n, void * user) {
    auto * t = static_cast<Transfer *>(user);
    const size_t len = size * n;
    QByteArray line(data, qsizetype(len));
    if (line.startsWith("HTTP/")) {
        // A new response (an interim 100 or a proxy CONNECT reply came first): start over.
        t->reply->headers.clear();
        t->statusKnown = false;
        return len;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon > 0) t->reply->headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    return len;
}

size_t onBody(char * data, size_t size, size_t n, void * user) {
    auto * t = static_cast<Transfer *>(user);
    const size_t len = size * n;
    if (!t->statusKnown) {
        long code = 0;
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
        t->reply->status = int(code);
        t->statusKnown = true;
    }
    const int status = t->reply->status;
    if (status >= 300 && status < 400) return len;  // a redirect's body is never content
    if (status >= 200 && status < 300 && t->sink && *t->sink) {
        if (!(*t->sink)(*t->reply, data, len)) {
            t->reply->aborted = true;
            return 0;  // any short count makes libcurl stop with CURLE_WRITE_ERROR
        }
        return len;
    }
    if (t->reply->body.size() < kMaxErrorBody || status < 300) t->reply->body.append(data, qsizetype(len));
    return len;
}

int onProgress(void * user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto * t = static_cast<Transfer *>(user);
    if (t->keepGoing && *t->keepGoing && !(*t->keepGoing)()) {
        t->reply->aborted = true;
        return 1;
    }
    return 0;
}

struct CurlDeleter {
    void operator()(CURL * c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist * l) const { curl_slist_free_all(l); }
};

// One request, no redirect following. Fills `reply`.
void performOnce(const QString & url, const HttpOptions & options, const HttpBodySink & sink,
                 const HttpContinueCheck & keepGoing, HttpResponse & reply) {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
        reply.curlCode = CURLE_FAILED_INIT;
        reply.curlError = QStringLiteral("could not initialise libcurl");
        return;
    }
    Transfer t{curl.get(), &reply, &sink, &keepGoing};
    char errorBuffer[CURL_ERROR_SIZE] = {0};
    const QByteArray urlBytes = url.toUtf8();
    const QByteArray userAgent = QByteArrayLiteral("Hearth/") + HEARTH_VERSION;

    curl_slist * raw = nullptr;
    for (const QByteArray & h : options.extraHeaders) raw = curl_slist_append(raw, h.constData());
    if (!options.bearerToken.isEmpty() && urlOrigin(url) == options.tokenOrigin) {
        const QByteArray auth = QByteArrayLiteral("Authorization: Bearer ") + options.bearerToken;
        raw = curl_slist_append(raw, auth.constData());
    }
    std::unique_ptr<curl_slist, SlistDeleter> headers(raw);

    CURL * c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, urlBytes.constData());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_USERAGENT, userAgent.constData());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, long(options.connectTimeoutSec));
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!options.postBody.isNull()) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(options.postBody.size()));
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, options.postBody.constData());
    }
    if (options.stallSeconds > 0) {
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, long(options.stallSeconds));
    }
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

    const CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    reply.status = int(code);
    reply.finalUrl = url;
    if (rc != CURLE_OK) {
        reply.curlCode = int(rc);
        reply.curlError = QString::fromUtf8(errorBuffer[0] ? errorBuffer : curl_easy_strerror(rc));
    }
    if (reply.status >= 300 && reply.status < 400) {
        char * location = nullptr;
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
        reply.headers.insert("x-hearth-redirect", location ? QByteArray(location) : QByteArray());
    }
}

}  // namespace

QString urlOrigin(const QString & url) {
    const QUrl u(url);
    const QString scheme = u.scheme().toLower();
    const int port = u.port(scheme == QLatin1String("https") ? 443 : scheme == QLatin1String("http") ? 80 : -1);
    return scheme + QStringLiteral("://") + u.host().toLower() + QLatin1Char(':') + QString::number(port);
}

QString nextLinkFromHeader(const QByteArray & linkHeader) {
    static const QRegularExpression re(QStringLiteral("<([^>]*)>\\s*;[^,]*rel\\s*=\\s*\"?next\"?"));
    const auto m = re.match(QString::fromUtf8(linkHeader));
    return m.hasMatch() ? m.captured(1) : QString();
}

HttpResponse httpGet(const QString & url, const HttpOptions & options, const HttpBodySink & sink,
                     const HttpContinueCheck & keepGoing) {
    ensureCurlInit();
    QString current = url;
    for (int hop = 0;; ++hop) {
        HttpResponse reply;
        performOnce(current, options, sink, keepGoing, reply);
        const bool redirect = reply.status >= 300 && reply.status < 400 && reply.status != 304;
        const QString next = QString::fromUtf8(reply.header("x-hearth-redirect"));
        reply.headers.remove("x-hearth-redirect");
        if (!redirect || !reply.transportOk() || next.isEmpty()) return reply;
        if (hop >= options.maxRedirects) {
            reply.curlCode = CURLE_TOO_MANY_REDIRECTS;
            reply.curlError = QStringLiteral("more than %1 redirects").arg(options.maxRedirects);
            return reply;
        }
        current = next;
    }
}

HttpResponse httpPost(const QString & url, const QByteArray & body, const HttpOptions & options,
                      const HttpBodySink & sink, const HttpContinueCheck & keepGoing) {
    ensureCurlInit();
    HttpOptions post = options;
    post.postBody = body.isNull() ? QByteArray("") : body;
    HttpResponse reply;
    performOnce(url, post, sink, keepGoing, reply);
    reply.headers.remove("x-hearth-redirect");
    return reply;
}

}  // namespace Hearth
