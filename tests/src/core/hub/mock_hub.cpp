#include "mock_hub.h"

#include <httplib.h>

#include <QByteArray>
#include <QCryptographicHash>
#include <QFile>
#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

namespace mockhub {

using json = nlohmann::json;

struct MockHub::Impl {
    httplib::Server hub;
    httplib::Server cdn;
    int hubPort = 0;
    int cdnPort = 0;
    std::thread hubThread;
    std::thread cdnThread;
    std::atomic<bool> stopping{false};

    mutable std::mutex mutex;  // guards everything below
    std::string token;
    int pageSize = 1000;
    int64_t bytesPerSecond = 0;
    std::map<std::string, Repo> repos;
    std::map<std::string, std::vector<Fault>> faults;  // by file path
    std::vector<RequestRecord> records;

    void record(const char * server, const httplib::Request & req) {
        std::string path = req.path;
        if (!req.params.empty()) {
            path += '?';
            bool first = true;
            for (const auto & [k, v] : req.params) {
                if (!first) path += '&';
                path += k + '=' + v;
                first = false;
            }
        }
        std::lock_guard lock(mutex);
        records.push_back({server, path, req.get_header_value("Range"), req.get_header_value("Authorization")});
    }
    const Repo * findRepo(const std::string & id) const {
        auto it = repos.find(id);
        return it == repos.end() ? nullptr : &it->second;
    }
    bool revisionOk(const Repo & r, const std::string & rev) const { return rev == "main" || rev == r.sha; }
};

namespace {

json fileEntry(const File & f) {
    json e = {{"type", "file"},
              {"oid", MockHub::sha256Hex(f.content).substr(0, 40)},
              {"size", int64_t(f.content.size())},
              {"path", f.path}};
    if (f.lfs) e["lfs"] = {{"oid", f.sha256}, {"size", int64_t(f.content.size())}, {"pointerSize", 134}};
    return e;
}

void notFound(httplib::Response & res, const char * code, const std::string & message) {
    res.status = 404;
    res.set_header("X-Error-Code", code);
    res.set_content(json{{"error", message}}.dump(), "application/json");
}

}  // namespace

MockHub::MockHub() : m(std::make_unique<Impl>()) {
    Impl * d = m.get();

    d->hub.Get("/api/models", [d](const httplib::Request & req, httplib::Response & res) {
        d->record("hub", req);
        const std::string q = req.get_param_value("search");
        const size_t limit = req.has_param("limit") ? std::stoul(req.get_param_value("limit")) : 1000;
        std::vector<const Repo *> hits;
        std::lock_guard lock(d->mutex);
        for (const auto & [id, r] : d->repos)
            if (id.find(q) != std::string::npos) hits.push_back(&r);
        // The Hub sorts by one key; direction -1 (the default here) is descending.
        const std::string sort = req.has_param("sort") ? req.get_param_value("sort") : "downloads";
        const bool ascending = req.get_param_value("direction") == "1";
        auto key = [&sort](const Repo * r) -> std::pair<int64_t, std::string> {
            if (sort == "likes") return {r->likes, {}};
            if (sort == "lastModified") return {0, r->lastModified};
            if (sort == "trendingScore") return {r->trendingScore, {}};
            return {r->downloads, {}};
        };
        if (sort != "downloads" && sort != "likes" && sort != "lastModified" && sort != "trendingScore") {
            res.status = 400;
            res.set_content(json{{"error", "Invalid sort parameter"}}.dump(), "application/json");
            return;
        }
        std::stable_sort(hits.begin(), hits.end(),
                         [&](const Repo * a, const Repo * b) { return ascending ? key(a) < key(b) : key(b) < key(a); });
        json out = json::array();
        for (size_t i = 0; i < hits.size() && i < limit; ++i) {
            const Repo & r = *hits[i];
            json gated = r.gated ? json("manual") : json(false);
            out.push_back({{"_id", r.sha.substr(0, 24)},
                           {"id", r.id},
                           {"modelId", r.id},
                           {"likes", r.likes},
                           {"downloads", r.downloads},
                           {"private", false},
                           {"gated", gated},
                           {"tags", {"gguf", "text-generation"}},
                           {"pipeline_tag", "text-generation"},
                           {"library_name", "gguf"},
                           {"lastModified", r.lastModified},
                           {"trendingScore", r.trendingScore},
                           {"createdAt", "2026-01-01T00:00:00.000Z"}});
        }
        res.set_content(out.dump(), "application/json");
    });

    d->hub.Get(R"(/api/models/([^/]+)/([^/]+)/revision/([^/]+))",
               [d](const httplib::Request & req, httplib::Response & res) {
                   d->record("hub", req);
                   std::lock_guard lock(d->mutex);
                   const Repo * r = d->findRepo(std::string(req.matches[1]) + "/" + std::string(req.matches[2]));
                   if (!r) return notFound(res, "RepoNotFound", "Repository not found");
                   if (!d->revisionOk(*r, req.matches[3])) return notFound(res, "RevisionNotFound", "Invalid rev id");
                   json siblings = json::array();
                   for (const File & f : r->files) siblings.push_back({{"rfilename", f.path}});
                   res.set_header("X-Repo-Commit", r->sha);
                   res.set_content(json{{"_id", r->sha.substr(0, 24)},
                                        {"id", r->id},
                                        {"sha", r->sha},
                                        {"siblings", siblings},
                                        {"gated", r->gated ? json("manual") : json(false)}}
                                       .dump(),
                                   "application/json");
               });

    d->hub.Get(R"(/api/models/([^/]+)/([^/]+)/tree/([^/]+))",
               [d](const httplib::Request & req, httplib::Response & res) {
                   d->record("hub", req);
                   std::lock_guard lock(d->mutex);
                   const Repo * r = d->findRepo(std::string(req.matches[1]) + "/" + std::string(req.matches[2]));
                   if (!r) return notFound(res, "RepoNotFound", "Repository not found");
                   if (!d->revisionOk(*r, req.matches[3])) return notFound(res, "RevisionNotFound", "Invalid rev id");
                   // The listing holds the files plus one directory entry, which clients must skip.
                   std::vector<json> entries;
                   entries.push_back({{"type", "directory"}, {"oid", "0000"}, {"size", 0}, {"path", "docs"}});
                   for (const File & f : r->files) entries.push_back(fileEntry(f));
                   const size_t start = req.has_param("cursor") ? std::stoul(req.get_param_value("cursor")) : 0;
                   const size_t end = std::min(entries.size(), start + size_t(d->pageSize));
                   json page = json::array();
                   for (size_t i = start; i < end; ++i) page.push_back(entries[i]);
                   if (end < entries.size()) {
                       const std::string next = "http://127.0.0.1:" + std::to_string(d->hubPort) + req.path +
                                                "?recursive=true&cursor=" + std::to_string(end);
                       res.set_header("Link", "<" + next + ">; rel=\"next\"");
                   }
                   res.set_content(page.dump(), "application/json");
               });

    d->hub.Get(R"(/([^/]+)/([^/]+)/resolve/([^/]+)/(.+))", [d](const httplib::Request & req, httplib::Response & res) {
        d->record("hub", req);
        // A resumed download sends its Range here too; it applies to the CDN's bytes, not to this redirect.
        const_cast<httplib::Request &>(req).ranges.clear();
        std::lock_guard lock(d->mutex);
        const Repo * r = d->findRepo(std::string(req.matches[1]) + "/" + std::string(req.matches[2]));
        if (!r) return notFound(res, "RepoNotFound", "Repository not found");
        if (!d->revisionOk(*r, req.matches[3])) return notFound(res, "RevisionNotFound", "Invalid rev id");
        if (r->gated && req.get_header_value("Authorization") != "Bearer " + d->token) {
            res.status = 401;
            res.set_header("X-Error-Code", "GatedRepo");
            res.set_content(json{{"error", "Access to this repository is restricted."}}.dump(), "application/json");
            return;
        }
        const std::string path = req.matches[4];
        auto f = std::find_if(r->files.begin(), r->files.end(), [&](const File & x) { return x.path == path; });
        if (f == r->files.end()) return notFound(res, "EntryNotFound", "Entry not found");
        res.status = 302;
        res.set_header("Location", "http://127.0.0.1:" + std::to_string(d->cdnPort) + "/blobs/" + f->sha256 +
                                       "?expires=1999999999&signature=abc");
        res.set_header("X-Repo-Commit", r->sha);
        res.set_header("X-Linked-Size", std::to_string(f->content.size()));
        res.set_content("Found. Redirecting", "text/plain");
    });

    d->cdn.Get(R"(/blobs/([0-9a-f]+))", [this, d](const httplib::Request & req, httplib::Response & res) {
        d->record("cdn", req);
        std::string content;
        std::vector<Fault> active;
        int64_t throttle = 0;
        {
            std::lock_guard lock(d->mutex);
            const File * file = nullptr;
            for (const auto & [id, r] : d->repos)
                for (const File & f : r.files)
                    if (f.sha256 == req.matches[1]) file = &f;
            if (!file) return notFound(res, "EntryNotFound", "no such blob");
            content = file->content;
            for (Fault & f : d->faults[file->path]) {
                if (f.times == 0) continue;
                if (f.times > 0) --f.times;
                active.push_back(f);
            }
            throttle = d->bytesPerSecond;
        }
        auto has = [&](Fault::Kind k) -> const Fault * {
            for (const Fault & f : active)
                if (f.kind == k) return &f;
            return nullptr;
        };
        if (const Fault * f = has(Fault::ShortFile))
            content.resize(content.size() - size_t(std::min<int64_t>(f->at, content.size())));
        if (const Fault * f = has(Fault::FlipByte); f && f->at < int64_t(content.size()))
            content[size_t(f->at)] ^= char(0xFF);
        if (has(Fault::ServerError)) {
            res.status = 500;
            res.set_content("internal error", "text/plain");
            return;
        }
        const int64_t size = int64_t(content.size());
        int64_t start = 0;
        int64_t end = size;  // one past the last byte served
        const std::string range = req.get_header_value("Range");
        // "bytes=N-" (resuming downloaders) and "bytes=N-M" (header readers).
        if (!range.empty() && range.rfind("bytes=", 0) == 0 && !has(Fault::IgnoreRange)) {
            start = std::stoll(range.substr(6));
            const size_t dash = range.find('-', 6);
            if (dash != std::string::npos && dash + 1 < range.size())
                end = std::min<int64_t>(size, std::stoll(range.substr(dash + 1)) + 1);
            if (has(Fault::Always416) || start >= size || end <= start) {
                res.status = 416;
                res.set_header("Content-Range", "bytes */" + std::to_string(size));
                return;
            }
            res.status = 206;
            res.set_header("Content-Range", "bytes " + std::to_string(start) + "-" + std::to_string(end - 1) + "/" +
                                                std::to_string(size));
        } else {
            res.status = 200;
        }
        // httplib would apply the Range itself; the mock decides, so it drops the parsed ranges.
        const_cast<httplib::Request &>(req).ranges.clear();
        const Fault * drop = has(Fault::DropAt);
        const Fault * stall = has(Fault::StallAt);
        const int64_t dropAt = drop ? drop->at : -1;
        const int64_t stallAt = stall ? stall->at : -1;
        auto body = std::make_shared<std::string>(std::move(content));
        body->resize(size_t(end));  // bytes past the range's end are never sent
        res.set_header("Accept-Ranges", "bytes");
        res.set_content_provider(
            size_t(end - start), "application/octet-stream",
            [this, d, body, start, dropAt, stallAt, throttle](size_t offset, size_t, httplib::DataSink & sink) {
                const int64_t pos = start + int64_t(offset);
                int64_t n = std::min<int64_t>(16 * 1024, int64_t(body->size()) - pos);
                if (dropAt >= 0) {
                    if (pos >= dropAt) return false;
                    n = std::min(n, dropAt - pos);
                }
                if (stallAt >= 0 && pos >= stallAt) {
                    for (int i = 0; i < 400 && !d->stopping.load(); ++i)
                        std::this_thread::sleep_for(std::chrono::milliseconds(25));
                    return false;
                }
                if (stallAt >= 0) n = std::min(n, stallAt - pos);
                if (throttle > 0) std::this_thread::sleep_for(std::chrono::microseconds(n * 1000000 / throttle));
                if (d->stopping.load() || !sink.write(body->data() + pos, size_t(n))) return false;
                m_cdnBytes += n;
                return true;
            });
    });

    d->hubPort = d->hub.bind_to_any_port("127.0.0.1");
    d->cdnPort = d->cdn.bind_to_any_port("127.0.0.1");
    d->hubThread = std::thread([d] { d->hub.listen_after_bind(); });
    d->cdnThread = std::thread([d] { d->cdn.listen_after_bind(); });
    // stop() before the accept loop runs would be lost and the destructor would hang.
    while (!d->hub.is_running() || !d->cdn.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

MockHub::~MockHub() {
    m->stopping = true;
    m->hub.stop();
    m->cdn.stop();
    if (m->hubThread.joinable()) m->hubThread.join();
    if (m->cdnThread.joinable()) m->cdnThread.join();
}

std::string MockHub::hubUrl() const {
    return "http://127.0.0.1:" + std::to_string(m->hubPort);
}
std::string MockHub::cdnUrl() const {
    return "http://127.0.0.1:" + std::to_string(m->cdnPort);
}

void MockHub::setToken(const std::string & token) {
    std::lock_guard lock(m->mutex);
    m->token = token;
}

void MockHub::setTreePageSize(int n) {
    std::lock_guard lock(m->mutex);
    m->pageSize = std::max(1, n);
}

void MockHub::setBytesPerSecond(int64_t n) {
    std::lock_guard lock(m->mutex);
    m->bytesPerSecond = n;
}

Repo & MockHub::addRepo(const std::string & id, const std::string & sha, int64_t downloads, bool gated) {
    std::lock_guard lock(m->mutex);
    Repo & r = m->repos[id];
    r.id = id;
    r.sha = sha;
    r.downloads = downloads;
    r.likes = downloads / 10;
    r.gated = gated;
    return r;
}

File MockHub::addFile(const std::string & repo, const std::string & path, int64_t size, bool lfs) {
    File f;
    f.path = path;
    f.content = generate(repo + "/" + path, size);
    f.sha256 = sha256Hex(f.content);
    f.lfs = lfs;
    std::lock_guard lock(m->mutex);
    Repo & r = m->repos[repo];
    r.files.push_back(std::move(f));
    return r.files.back();
}

void MockHub::addFault(const std::string & path, Fault fault) {
    std::lock_guard lock(m->mutex);
    m->faults[path].push_back(fault);
}

std::vector<RequestRecord> MockHub::requests() const {
    std::lock_guard lock(m->mutex);
    return m->records;
}

void MockHub::clearRequests() {
    std::lock_guard lock(m->mutex);
    m->records.clear();
}

std::string MockHub::generate(const std::string & seed, int64_t size) {
    // xorshift64*, seeded with FNV-1a of the seed string.
    uint64_t x = 1469598103934665603ull;
    for (unsigned char c : seed) x = (x ^ c) * 1099511628211ull;
    std::string out(size_t(size), '\0');
    for (int64_t i = 0; i < size; ++i) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        out[size_t(i)] = char((x * 2685821657736338717ull) >> 56);
    }
    return out;
}

std::string MockHub::sha256Hex(const std::string & bytes) {
    return QCryptographicHash::hash(QByteArrayView(bytes.data(), qsizetype(bytes.size())), QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

QString sha256OfFile(const QString & path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

}  // namespace mockhub
