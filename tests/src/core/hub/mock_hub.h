// A local stand-in for the Hugging Face Hub and its CDN, for tests.
//
// Two cpp-httplib servers on 127.0.0.1 (free ports), each on its own thread:
//  - the "hub" answers the real API's JSON shapes: /api/models (search, with
//    sort=downloads|likes|lastModified|trendingScore and direction=-1|1),
//    /api/models/{repo}/revision/{rev}, /api/models/{repo}/tree/{rev} (paged
//    through a Link: rel="next" header), and /{repo}/resolve/{rev}/{path},
//    which 302-redirects to the CDN (and answers 401 for a gated repository
//    unless the right token comes with it);
//  - the "cdn" serves the bytes at /blobs/{sha256}, with Range support (206 +
//    Content-Range) and faults chosen per file: a connection dropped at a byte,
//    200 in place of 206, 416, a 500, a stall, a flipped byte, a short file.
// Every request is recorded (server, path, Range and Authorization headers),
// so tests check what the client really sent.
#pragma once

#include <QString>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace mockhub {

struct Fault {
    enum Kind {
        DropAt,       // close the connection once byte `at` (absolute) is reached
        IgnoreRange,  // answer a Range request with 200 and the whole file
        Always416,    // answer a Range request with 416
        ServerError,  // answer 500
        StallAt,      // stop sending at byte `at`, keeping the connection open
        FlipByte,     // byte `at` is XOR 0xFF
        ShortFile,    // the served file lacks its last `at` bytes (Content-Length agrees)
    };
    Kind kind = DropAt;
    int64_t at = 0;
    int times = 1;  // how many CDN requests it affects; -1: all
};

struct RequestRecord {
    std::string server;  // "hub" or "cdn"
    std::string path;    // with the query string
    std::string range;   // Range header, "" when none
    std::string authorization;
};

struct File {
    std::string path;
    std::string content;
    std::string sha256;  // hex
    bool lfs = true;
};

struct Repo {
    std::string id;
    std::string sha;  // the commit "main" points at
    int64_t downloads = 0;
    int64_t likes = 0;
    bool gated = false;                                     // files need the token
    std::string lastModified = "2026-05-01T12:34:56.000Z";  // ISO 8601, sorts as text
    int64_t trendingScore = 0;
    std::vector<File> files;
};

class MockHub {
public:
    MockHub();
    ~MockHub();

    std::string hubUrl() const;
    std::string cdnUrl() const;

    void setToken(const std::string & token);  // the token gated repos accept
    void setTreePageSize(int n);
    void setBytesPerSecond(int64_t n);  // CDN throttle, 0 = unlimited

    Repo & addRepo(const std::string & id, const std::string & sha, int64_t downloads = 0, bool gated = false);
    // Deterministic pseudo-random content of `size` bytes, derived from `path`.
    File addFile(const std::string & repo, const std::string & path, int64_t size, bool lfs = true);
    void addFault(const std::string & path, Fault fault);

    std::vector<RequestRecord> requests() const;
    void clearRequests();
    int64_t cdnBytesSent() const { return m_cdnBytes.load(); }

    static std::string generate(const std::string & seed, int64_t size);
    static std::string sha256Hex(const std::string & bytes);

private:
    struct Impl;
    std::unique_ptr<Impl> m;
    std::atomic<int64_t> m_cdnBytes{0};
};

// SHA-256 (hex) of a file on disk, as the tests check downloads; "" if unreadable.
QString sha256OfFile(const QString & path);

}  // namespace mockhub
