#include "core/hub_client.h"

#include <QMap>
#include <QUrl>
#include <QUrlQuery>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/quant_name.h"
#include "hearth/json_depth.h"

namespace Hearth {

namespace {

using json = nlohmann::json;

// Hub replies are outside input: nested past the engine's bound they are
// refused (a discarded value) before any walk of them can recurse that deep.
json parseReply(const QByteArray & body) {
    if (!hearth::json_depth_within(std::string_view(body.constData(), size_t(body.size()))))
        return json(json::value_t::discarded);
    return json::parse(body.constBegin(), body.constEnd(), nullptr, false);
}

QString jsonString(const json & j, const char * key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

qint64 jsonInt(const json & j, const char * key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<qint64>() : 0;
}

QString sortKey(HubSort sort) {
    switch (sort) {
        case HubSort::Downloads:
            return QStringLiteral("downloads");
        case HubSort::Likes:
            return QStringLiteral("likes");
        case HubSort::LastModified:
            return QStringLiteral("lastModified");
        case HubSort::Trending:
            return QStringLiteral("trendingScore");
    }
    return QStringLiteral("downloads");
}

QString encodePath(const QString & path) {
    QStringList parts = path.split(QLatin1Char('/'));
    for (QString & p : parts) p = QString::fromUtf8(QUrl::toPercentEncoding(p));
    return parts.join(QLatin1Char('/'));
}

}  // namespace

HubSort HubClient::sortFromName(const QString & name, bool * ok) {
    const QString n = name.trimmed().toLower();
    if (ok) *ok = true;
    if (n == QLatin1String("likes")) return HubSort::Likes;
    if (n == QLatin1String("lastmodified") || n == QLatin1String("recent") || n == QLatin1String("modified"))
        return HubSort::LastModified;
    if (n == QLatin1String("trendingscore") || n == QLatin1String("trending")) return HubSort::Trending;
    if (n != QLatin1String("downloads") && ok) *ok = false;
    return HubSort::Downloads;
}

QString HubClient::sortName(HubSort sort) {
    return sortKey(sort);
}

QString encodeRepoPath(const QString & repo) {
    return encodePath(repo);
}

HubClient::HubClient() {
    setEndpoint(qEnvironmentVariable("HF_ENDPOINT"));
    m_token = qEnvironmentVariable("HF_TOKEN").trimmed();
}

void HubClient::setEndpoint(const QString & url) {
    m_endpoint = url.trimmed().isEmpty() ? QStringLiteral("https://huggingface.co") : url.trimmed();
    while (m_endpoint.endsWith(QLatin1Char('/'))) m_endpoint.chop(1);
}

void HubClient::setToken(const QString & token) {
    m_token = token.trimmed();
}

HttpOptions HubClient::httpOptions() const {
    HttpOptions o;
    o.bearerToken = m_token.toUtf8();
    o.tokenOrigin = urlOrigin(m_endpoint);
    return o;
}

QString HubClient::resolveUrl(const QString & repo, const QString & revision, const QString & path) const {
    return m_endpoint + QLatin1Char('/') + encodeRepoPath(repo) + QStringLiteral("/resolve/") +
           QString::fromUtf8(QUrl::toPercentEncoding(revision)) + QLatin1Char('/') + encodePath(path);
}

QString HubClient::errorMessage(int status, const QString & what, bool tokenSent, const QByteArray & hubErrorHeader) {
    const QString code = QString::fromUtf8(hubErrorHeader);
    if (status == 401 || status == 403) {
        QString msg = QStringLiteral("%1 is gated or private (HTTP %2). ").arg(what).arg(status);
        if (tokenSent)
            msg += QStringLiteral(
                "The access token was refused: check that it is valid and that your account "
                "has accepted the repository's terms on the Hub.");
        else
            msg += QStringLiteral(
                "Accept its terms on the Hub if it is gated, then set an access token: "
                "export HF_TOKEN=hf_... or enter it in Hearth's settings.");
        if (code == QLatin1String("RepoNotFound"))
            msg += QStringLiteral(" (The Hub also answers this way for a repository that does not exist.)");
        return msg;
    }
    if (status == 404) return QStringLiteral("Not found on the Hub: %1 (HTTP 404).").arg(what);
    if (status == 429) return QStringLiteral("The Hub is rate-limiting requests (HTTP 429); try again later.");
    if (status >= 500)
        return QStringLiteral("The Hub had a server error (HTTP %1) for %2; try again later.").arg(status).arg(what);
    return QStringLiteral("Unexpected HTTP %1 from the Hub for %2.").arg(status).arg(what);
}

HubError HubClient::errorFrom(const HttpResponse & reply, const QString & what) const {
    if (!reply.transportOk()) return {0, QStringLiteral("Could not reach %1: %2").arg(m_endpoint, reply.curlError)};
    if (reply.status >= 200 && reply.status < 300) return {};
    return {reply.status, errorMessage(reply.status, what, hasToken(), reply.header("x-error-code"))};
}

HubResult<QList<HubModelSummary>> HubClient::parseSearch(const QByteArray & body) {
    HubResult<QList<HubModelSummary>> out;
    const json j = parseReply(body);
    if (j.is_discarded() || !j.is_array()) {
        out.error = {0, QStringLiteral("The Hub's search reply is not a JSON array.")};
        return out;
    }
    for (const json & m : j) {
        if (!m.is_object()) continue;
        HubModelSummary s;
        s.id = jsonString(m, "id");
        if (s.id.isEmpty()) s.id = jsonString(m, "modelId");
        if (s.id.isEmpty()) continue;
        s.downloads = jsonInt(m, "downloads");
        s.likes = jsonInt(m, "likes");
        s.lastModified = QDateTime::fromString(jsonString(m, "lastModified"), Qt::ISODateWithMs);
        s.pipelineTag = jsonString(m, "pipeline_tag");
        if (auto it = m.find("private"); it != m.end() && it->is_boolean()) s.isPrivate = it->get<bool>();
        if (auto it = m.find("gated"); it != m.end() && it->is_string())
            s.gated = QString::fromStdString(it->get<std::string>());
        if (auto it = m.find("tags"); it != m.end() && it->is_array())
            for (const json & t : *it)
                if (t.is_string()) s.tags << QString::fromStdString(t.get<std::string>());
        out.value << s;
    }
    return out;
}

HubResult<QList<HubFile>> HubClient::parseTree(const QByteArray & body) {
    HubResult<QList<HubFile>> out;
    const json j = parseReply(body);
    if (j.is_discarded() || !j.is_array()) {
        out.error = {0, QStringLiteral("The Hub's file list is not a JSON array.")};
        return out;
    }
    for (const json & e : j) {
        if (!e.is_object() || jsonString(e, "type") != QLatin1String("file")) continue;
        HubFile f;
        f.path = jsonString(e, "path");
        f.size = jsonInt(e, "size");
        f.gitOid = jsonString(e, "oid");
        if (auto lfs = e.find("lfs"); lfs != e.end() && lfs->is_object()) {
            f.sha256 = jsonString(*lfs, "oid").toLower();
            if (lfs->contains("size")) f.size = jsonInt(*lfs, "size");
        }
        if (!f.path.isEmpty()) out.value << f;
    }
    return out;
}

HubResult<QList<HubModelSummary>> HubClient::search(const HubSearchQuery & query) const {
    QUrl url(m_endpoint + QStringLiteral("/api/models"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("search"), query.text);
    q.addQueryItem(QStringLiteral("filter"), QStringLiteral("gguf"));
    q.addQueryItem(QStringLiteral("sort"), sortKey(query.sort));
    q.addQueryItem(QStringLiteral("direction"), QStringLiteral("-1"));
    q.addQueryItem(QStringLiteral("limit"), QString::number(qBound(1, query.limit, 1000)));
    url.setQuery(q);
    const HttpResponse reply = httpGet(url.toString(QUrl::FullyEncoded), httpOptions());
    HubResult<QList<HubModelSummary>> out;
    out.error = errorFrom(reply, QStringLiteral("the model search"));
    if (!out.ok()) return out;
    return parseSearch(reply.body);
}

HubResult<QString> HubClient::resolveRevision(const QString & repo, const QString & revision) const {
    HubResult<QString> out;
    const QString what = QStringLiteral("repository '%1' (revision '%2')").arg(repo, revision);
    const QString url = m_endpoint + QStringLiteral("/api/models/") + encodeRepoPath(repo) +
                        QStringLiteral("/revision/") + QString::fromUtf8(QUrl::toPercentEncoding(revision));
    const HttpResponse reply = httpGet(url, httpOptions());
    out.error = errorFrom(reply, what);
    if (!out.ok()) return out;
    const json j = parseReply(reply.body);
    if (!j.is_discarded() && j.is_object()) out.value = jsonString(j, "sha");
    if (out.value.isEmpty()) out.value = QString::fromUtf8(reply.header("x-repo-commit"));
    if (out.value.isEmpty())
        out.error = {reply.status, QStringLiteral("The Hub did not say which commit %1 is at.").arg(what)};
    return out;
}

HubResult<QList<HubFile>> HubClient::listFiles(const QString & repo, const QString & revision) const {
    HubResult<QList<HubFile>> out;
    const QString what = QStringLiteral("repository '%1' (revision '%2')").arg(repo, revision);
    QString url = m_endpoint + QStringLiteral("/api/models/") + encodeRepoPath(repo) + QStringLiteral("/tree/") +
                  QString::fromUtf8(QUrl::toPercentEncoding(revision)) + QStringLiteral("?recursive=true");
    // The tree is paginated (1000 entries a page on the real Hub); a bound guards against a Link loop.
    for (int page = 0; !url.isEmpty(); ++page) {
        if (page >= 10000) {
            out.error = {0, QStringLiteral("The file list of %1 never ended (pagination loop).").arg(what)};
            return out;
        }
        const HttpResponse reply = httpGet(url, httpOptions());
        out.error = errorFrom(reply, what);
        if (!out.ok()) return out;
        HubResult<QList<HubFile>> part = parseTree(reply.body);
        if (!part.ok()) {
            out.error = part.error;
            return out;
        }
        out.value += part.value;
        QString next = nextLinkFromHeader(reply.header("link"));
        if (!next.isEmpty()) next = QUrl(url).resolved(QUrl(next)).toString(QUrl::FullyEncoded);
        url = next;
    }
    return out;
}

QList<HubModelFile> HubClient::groupGgufFiles(const QList<HubFile> & files) {
    QMap<QString, HubModelFile> groups;  // keyed by base path; QMap keeps a stable, sorted order
    QMap<QString, QMap<int, HubFile>> shards;
    for (const HubFile & f : files) {
        if (!f.path.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) continue;
        const ShardName s = parseShardName(f.path);
        const QString key = s.isShard() ? s.base + QStringLiteral("#of") + QString::number(s.count) : f.path;
        HubModelFile & g = groups[key];
        g.name = s.base;
        g.quant = quantFromFileName(s.base + QStringLiteral(".gguf"));
        g.shardCount = s.count;
        g.isProjector = isProjectorFile(f.path);
        shards[key].insert(s.index, f);
    }
    QList<HubModelFile> out;
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        HubModelFile g = it.value();
        const auto & parts = shards[it.key()];
        g.files = parts.values();
        g.complete = parts.size() == g.shardCount;
        out << g;
    }
    return out;
}

}  // namespace Hearth
