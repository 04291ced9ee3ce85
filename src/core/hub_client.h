// Hugging Face Hub client: search, repository files, revision pinning.
//
// Synchronous (libcurl) calls meant for worker threads and the CLI. Nothing
// throws: each call returns a HubResult whose error explains what to do (a
// gated repository asks for a token, a 404 names what was missing).
//
// The endpoint comes from HF_ENDPOINT (default https://huggingface.co) and the
// token from HF_TOKEN unless set explicitly. The token goes only to the
// endpoint's origin (see hub_http.h) and is never logged.
#pragma once

#include "core/hub_http.h"
#include "core/hub_types.h"

namespace Hearth {

class HubClient {
public:
    HubClient();  // reads HF_ENDPOINT and HF_TOKEN

    QString endpoint() const { return m_endpoint; }
    void setEndpoint(const QString & url);
    bool hasToken() const { return !m_token.isEmpty(); }
    void setToken(const QString & token);

    HubResult<QList<HubModelSummary>> search(const HubSearchQuery & query) const;
    // The commit sha a branch or tag points at now.
    HubResult<QString> resolveRevision(const QString & repo, const QString & revision) const;
    // Every file of the repository at `revision`, following the tree's pagination.
    HubResult<QList<HubFile>> listFiles(const QString & repo, const QString & revision) const;

    // /{repo}/resolve/{revision}/{path}: redirects to the CDN.
    QString resolveUrl(const QString & repo, const QString & revision, const QString & path) const;
    // Options carrying the token, bound to the endpoint's origin.
    HttpOptions httpOptions() const;

    // "downloads", "likes", "lastModified"/"recent"/"modified", "trendingScore"/"trending";
    // anything else gives Downloads and *ok = false.
    static HubSort sortFromName(const QString & name, bool * ok = nullptr);
    static QString sortName(HubSort sort);  // the API's key

    // GGUF files grouped into models: shards of one split together, in order.
    static QList<HubModelFile> groupGgufFiles(const QList<HubFile> & files);
    // The message for an HTTP error from the Hub about `what` (a repo or file).
    static QString errorMessage(int status, const QString & what, bool tokenSent, const QByteArray & hubErrorHeader);

    // Parsers for the API's JSON, public for tests.
    static HubResult<QList<HubModelSummary>> parseSearch(const QByteArray & json);
    static HubResult<QList<HubFile>> parseTree(const QByteArray & json);

private:
    HubError errorFrom(const HttpResponse & reply, const QString & what) const;

    QString m_endpoint;
    QString m_token;
};

// The repo id as a URL path: "owner/name" with each segment percent-encoded.
QString encodeRepoPath(const QString & repo);

}  // namespace Hearth
