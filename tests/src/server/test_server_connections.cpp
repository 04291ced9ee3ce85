// The local server's connections against hostile clients (issue 19, items 2,
// 3 and parts of 6), in process over a scripted engine, with short timeouts:
// bodies over the limit refused while they arrive (chunked, unlengthed, a
// Content-Length too large or false), trickling and idle connection floods
// that must leave /health answering within a second, the cap per client
// address, the keep-alive idle limit, request-log lines that name the
// client, HTTP/1.0 streaming, Expect: 100-continue and pipelining.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QtTest>
#include <atomic>
#include <chrono>
#include <thread>

#include "hostile_requests.h"
#include "in_process_server.h"

using nlohmann::json;
using server_test::chatBody;
using server_test::InProcessServer;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// GET /health on a new connection: its status and how long it took (ms).
std::pair<int, double> timedHealth(int port) {
    const auto t0 = Clock::now();
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(3, 0);
    c.set_read_timeout(3, 0);
    auto r = c.Get("/health");
    return {r ? r->status : 0, msSince(t0)};
}

// True when the server closed `fd` (EOF or reset) within `timeoutMs`; data before the close is skipped.
bool closedWithin(int fd, int timeoutMs) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    char buf[4096];
    while (Clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        if (::recv(fd, buf, sizeof buf, MSG_DONTWAIT) <= 0) return true;
    }
    return false;
}

Hearth::Server::ServerConfig quickConfig() {
    Hearth::Server::ServerConfig c;
    c.idleTimeoutMs = 1000;
    c.headerTimeoutMs = 1500;
    c.bodyTimeoutMs = 3000;
    c.readStallMs = 500;
    c.threads = 8;  // few HTTP threads: a flood that held one each would starve them at once
    return c;
}

std::string postHead(const std::string & extra) {
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + extra +
           "\r\n";
}

}  // namespace

class TestServerConnections : public QObject {
    Q_OBJECT
private slots:
    void chunkedBodyIsLimitedWhileItArrives() {
        Hearth::Server::ServerConfig config = quickConfig();
        config.maxBodyBytes = 1u << 20;
        InProcessServer s(config);
        s.engine->setScript({"ok"});
        server_test::resetPeakRss();
        const long rssBefore = server_test::peakRssKb();
        const int fd = server_test::connectLoopback(s.port());
        QVERIFY(server_test::sendAll(fd, postHead("Transfer-Encoding: chunked\r\n")));
        // 64 MB in 64 KB chunks, unless the answer comes first.
        const std::string chunk = "10000\r\n" + std::string(65536, ' ') + "\r\n";
        size_t sent = 0;
        std::string response;
        const auto t0 = Clock::now();
        while (sent < (64u << 20) && msSince(t0) < 10000) {
            pollfd p{fd, POLLIN | POLLOUT, 0};
            ::poll(&p, 1, 100);
            if (p.revents & POLLIN) break;
            if (!(p.revents & POLLOUT)) continue;
            const ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n <= 0) break;
            sent += size_t(n);
        }
        response = server_test::readResponse(fd, 5000);
        ::close(fd);
        QCOMPARE(server_test::statusOf(response), 413);
        QCOMPARE(json::parse(server_test::bodyOf(response))["error"]["code"], "request_too_large");
        // Answered while the body still came: what was sent by then is the limit
        // plus what the sockets buffer, far from the 64 MB on offer.
        QVERIFY2(sent < (32u << 20), std::to_string(sent).c_str());
        QVERIFY2(server_test::peakRssKb() - rssBefore < 48 * 1024,
                 std::to_string(server_test::peakRssKb() - rssBefore).c_str());
        QVERIFY(s.engine->requests().empty());

        // Under the limit, chunked works.
        const std::string body = chatBody("hi").dump();
        const int ok = server_test::connectLoopback(s.port());
        char size[16];
        std::snprintf(size, sizeof size, "%zx", body.size());
        server_test::sendAll(ok, postHead("Transfer-Encoding: chunked\r\n") + size + "\r\n" + body + "\r\n0\r\n\r\n");
        QCOMPARE(server_test::statusOf(server_test::readResponse(ok, 5000)), 200);
        ::close(ok);
    }

    void bodiesWithoutAValidLengthAreAnsweredAtOnce() {
        InProcessServer s(quickConfig());
        s.engine->setScript({"ok"});
        struct Case {
            const char * name;
            std::string head;
            int status;
        };
        const std::vector<Case> cases = {
            {"no length", postHead(""), 411},
            {"not a number", postHead("Content-Length: abc\r\n"), 400},
            {"negative", postHead("Content-Length: -5\r\n"), 400},
            {"two lengths", postHead("Content-Length: 5\r\nContent-Length: 6\r\n"), 400},
            {"length and chunked", postHead("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"), 400},
            {"other encoding", postHead("Transfer-Encoding: gzip\r\n"), 501},
            {"length over the limit", postHead("Content-Length: 99999999999\r\n"), 413},
        };
        for (const Case & c : cases) {
            const int fd = server_test::connectLoopback(s.port());
            const auto t0 = Clock::now();
            // The body keeps coming: the answer must not wait for its end.
            server_test::sendAll(fd, c.head + std::string(4096, '{'));
            const std::string r = server_test::readResponse(fd, 3000);
            ::close(fd);
            QVERIFY2(server_test::statusOf(r) == c.status, (std::string(c.name) + ": " + r.substr(0, 40)).c_str());
            QVERIFY2(msSince(t0) < 400, c.name);
        }
        // A Content-Length larger than what comes: 408 once the client stalls...
        int fd = server_test::connectLoopback(s.port());
        auto t0 = Clock::now();
        server_test::sendAll(fd, postHead("Content-Length: 100\r\n") + "{\"messages\"");
        QCOMPARE(server_test::statusOf(server_test::readResponse(fd, 3000)), 408);
        QVERIFY(msSince(t0) < 1500);
        ::close(fd);
        // ...or at once when it says it is done sending.
        fd = server_test::connectLoopback(s.port());
        t0 = Clock::now();
        server_test::sendAll(fd, postHead("Content-Length: 100\r\n") + "{\"messages\"");
        ::shutdown(fd, SHUT_WR);
        QCOMPARE(server_test::statusOf(server_test::readResponse(fd, 3000)), 400);
        QVERIFY(msSince(t0) < 300);
        ::close(fd);
        QVERIFY(s.engine->requests().empty());
    }

    void tricklingFloodLeavesHealthAnswering() {
        InProcessServer s(quickConfig());
        // 80 sockets sending a request head one byte every 100 ms.
        std::vector<int> fds;
        for (int i = 0; i < 80; ++i) fds.push_back(server_test::connectLoopback(s.port()));
        const std::string head = "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(200, 'a');
        std::atomic<bool> stop{false};
        std::thread trickle([&] {
            for (size_t i = 0; i < head.size() && !stop.load(); ++i) {
                for (int fd : fds) ::send(fd, &head[i], 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
        struct Join {  // also when a check fails and returns early
            std::atomic<bool> & stop;
            std::thread & thread;
            std::vector<int> & fds;
            ~Join() {
                stop.store(true);
                thread.join();
                for (int fd : fds) ::close(fd);
            }
        } join{stop, trickle, fds};
        QTest::qWait(300);
        for (int k = 0; k < 5; ++k) {
            const auto [status, ms] = timedHealth(s.port());
            QCOMPARE(status, 200);
            QVERIFY2(ms < 1000, std::to_string(ms).c_str());
            QTest::qWait(200);
        }
        // Their heads never end: each is answered 408 at the header deadline
        // (1.5 s), but for the ~21 closed to make room (80 sockets and the
        // probes are over the cap of 64 per address).
        QTest::qWait(1000);
        int timedOut = 0;
        for (int fd : fds) timedOut += server_test::statusOf(server_test::readResponse(fd, 100)) == 408;
        QVERIFY2(timedOut >= 40, std::to_string(timedOut).c_str());
    }

    void idleFloodLeavesHealthAnswering() {
        Hearth::Server::ServerConfig config = quickConfig();
        config.maxConnectionsPerAddress = 64;
        InProcessServer s(config);
        std::vector<int> fds;
        for (int i = 0; i < 200; ++i) fds.push_back(server_test::connectLoopback(s.port()));
        // The cap per address holds: the oldest idle ones made room for the newest.
        QTRY_VERIFY_WITH_TIMEOUT(s.server->openConnections() <= 64, 2000);
        for (int k = 0; k < 5; ++k) {
            const auto [status, ms] = timedHealth(s.port());
            QCOMPARE(status, 200);
            QVERIFY2(ms < 1000, std::to_string(ms).c_str());
        }
        // Idle connections are closed after the idle limit.
        for (int fd : {fds.front(), fds.back()}) QVERIFY(closedWithin(fd, 2500));
        QTRY_COMPARE_WITH_TIMEOUT(s.server->openConnections(), 0, 3000);
        for (int fd : fds) ::close(fd);
    }

    void capPerAddressRefusesOnlyWhenAllAreBusy() {
        Hearth::Server::ServerConfig config = quickConfig();
        config.maxConnectionsPerAddress = 2;
        InProcessServer s(config);
        s.engine->setScript(std::vector<std::string>(40, "x"), 25);  // ~1 s per request
        const std::string body = chatBody("hi").dump();
        const std::string request = postHead("Content-Length: " + std::to_string(body.size()) + "\r\n") + body;
        int busy[2];
        for (int & fd : busy) {
            fd = server_test::connectLoopback(s.port());
            server_test::sendAll(fd, request);
        }
        QTRY_COMPARE_WITH_TIMEOUT(int(s.engine->requests().size()), 2, 3000);
        const int third = server_test::connectLoopback(s.port());
        const std::string r = server_test::readResponse(third, 2000);
        QCOMPARE(server_test::statusOf(r), 503);
        QVERIFY(r.find("Retry-After:") != std::string::npos);
        ::close(third);
        for (int fd : busy) {
            QCOMPARE(server_test::statusOf(server_test::readResponse(fd, 5000)), 200);
            ::close(fd);
        }
    }

    void keepAliveIdleLimit() {
        InProcessServer s(quickConfig());
        const int fd = server_test::connectLoopback(s.port());
        server_test::sendAll(fd, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QCOMPARE(server_test::statusOf(server_test::readResponse(fd, 2000)), 200);
        const auto t0 = Clock::now();
        QVERIFY(closedWithin(fd, 3000));
        QVERIFY(msSince(t0) > 700);  // not before the limit (1 s)
        ::close(fd);
    }

    void logLinesNameTheClient() {
        InProcessServer s(quickConfig());
        const auto exchange = [&](const std::string & request, bool waitForTimeout) {
            const int fd = server_test::connectLoopback(s.port());
            server_test::sendAll(fd, request);
            const std::string r = server_test::readResponse(fd, waitForTimeout ? 3000 : 2000);
            ::close(fd);
            return server_test::statusOf(r);
        };
        QCOMPARE(exchange("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", false), 200);
        QCOMPARE(exchange("FOO /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", false), 400);  // refused by httplib
        QCOMPARE(exchange("GARBAGE\r\n\r\n", false), 400);                                  // refused by the gate
        QCOMPARE(exchange("GET /health HTTP/1.1\r\nHost: 127", true), 408);
        QTRY_COMPARE_WITH_TIMEOUT(int(s.logEntries().size()), 4, 2000);
        for (const Hearth::Server::RequestLogEntry & e : s.logEntries()) {
            QVERIFY2(e.remote.rfind("127.0.0.1:", 0) == 0, e.remote.c_str());
            QVERIFY2(std::stoi(e.remote.substr(10)) > 0, e.remote.c_str());
            QVERIFY2(e.durationMs >= 0 && e.durationMs < 5000, std::to_string(e.durationMs).c_str());
        }
        // Log lines are written as responses finish, in any order.
        bool sawFoo = false;
        bool saw408 = false;
        for (const Hearth::Server::RequestLogEntry & e : s.logEntries()) {
            sawFoo = sawFoo || (e.method == "FOO" && e.status == 400);
            if (e.status == 408) {
                saw408 = true;
                QCOMPARE(e.path, "/health");
                QVERIFY(e.durationMs > 400);  // it waited for the stall limit (500 ms)
            }
        }
        QVERIFY(sawFoo && saw408);
    }

    void http10StreamsWithoutChunks() {
        InProcessServer s(quickConfig());
        s.engine->setScript({"Hello", " there"});
        const std::string body = chatBody("hi", true).dump();
        const int fd = server_test::connectLoopback(s.port());
        server_test::sendAll(
            fd, "POST /v1/chat/completions HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body);
        const std::string r = server_test::readResponse(fd, 5000);  // read until the server closes
        ::close(fd);
        QCOMPARE(server_test::statusOf(r), 200);
        const std::string head = r.substr(0, r.find("\r\n\r\n"));
        QVERIFY2(head.find("chunked") == std::string::npos, head.c_str());
        const std::string text = server_test::bodyOf(r);
        QVERIFY2(text.rfind("data: {", 0) == 0, text.c_str());  // no chunk sizes in the body
        QVERIFY(text.find("data: [DONE]\n\n") != std::string::npos);
        QVERIFY(text.find("Hello") != std::string::npos);
    }

    void expectContinueIsAnsweredOnce() {
        InProcessServer s(quickConfig());
        s.engine->setScript({"ok"});
        const std::string body = chatBody("hi").dump();
        const int fd = server_test::connectLoopback(s.port());
        server_test::sendAll(
            fd, postHead("Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n"));
        char buf[256] = {};
        pollfd p{fd, POLLIN, 0};
        QVERIFY(::poll(&p, 1, 2000) == 1);
        const ssize_t n = ::recv(fd, buf, sizeof buf - 1, 0);
        QCOMPARE(std::string(buf, size_t(n)), "HTTP/1.1 100 Continue\r\n\r\n");
        server_test::sendAll(fd, body);
        std::string rest;
        for (auto t0 = Clock::now(); msSince(t0) < 3000 && rest.find("\"chat.completion\"") == std::string::npos;) {
            if (::poll(&p, 1, 100) == 1) {
                const ssize_t m = ::recv(fd, buf, sizeof buf, 0);
                if (m <= 0) break;
                rest.append(buf, size_t(m));
            }
        }
        ::close(fd);
        QVERIFY2(rest.rfind("HTTP/1.1 200", 0) == 0, rest.substr(0, 60).c_str());
    }

    void pipelinedRequestsAreAllAnswered() {
        InProcessServer s(quickConfig());
        const int fd = server_test::connectLoopback(s.port());
        const std::string get = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        server_test::sendAll(fd, get + "\r\n" + get + get);
        std::string all;
        char buf[4096];
        for (auto t0 = Clock::now(); msSince(t0) < 3000;) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) != 1) continue;
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            all.append(buf, size_t(n));
            size_t count = 0;
            for (size_t at = all.find("HTTP/1.1 200"); at != std::string::npos; at = all.find("HTTP/1.1 200", at + 1))
                ++count;
            if (count == 3 && all.size() >= 3 && all.compare(all.size() - 1, 1, "}") == 0) break;
        }
        size_t count = 0;
        for (size_t at = all.find("HTTP/1.1 200"); at != std::string::npos; at = all.find("HTTP/1.1 200", at + 1))
            ++count;
        QCOMPARE(count, size_t(3));
        ::close(fd);
    }
};

QTEST_GUILESS_MAIN(TestServerConnections)
#include "test_server_connections.moc"
