// The Streamable HTTP transport against a scripted server on 127.0.0.1:
// JSON and SSE answers, the session id and protocol version headers, the
// Authorization header from the config, progress and the server's pings on a
// POST's stream, the listening GET stream, a stream that ends without an
// answer, timeouts, an expired session, DELETE on close, errors from an
// unreachable or refusing server, and the older HTTP+SSE transport.
#include <QtTest>
#include <atomic>

#include "fake_http_server.h"
#include "mcp/http_transport.h"
#include "mcp/mcp_client.h"
#include "mcp/mcp_error.h"

using nlohmann::json;
using namespace Hearth::Mcp;
using mcp_test::FakeHttpServer;

namespace {

std::unique_ptr<McpClient> httpClient(const std::string & url, const std::string & token = FakeHttpServer::kToken,
                                      bool legacy = false, JsonLimits limits = {}) {
    HttpOptions o;
    o.url = url;
    o.headers = {{"Authorization", token}};
    o.legacySse = legacy;
    o.limits = limits;
    o.connectTimeout = std::chrono::milliseconds(2000);
    ClientOptions c;
    c.initializeTimeout = std::chrono::milliseconds(5000);
    c.requestTimeout = std::chrono::milliseconds(5000);
    return std::make_unique<McpClient>(std::make_unique<HttpTransport>(o), c);
}

long long msSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

class TestMcpHttp : public QObject {
    Q_OBJECT
private slots:
    void jsonAndSseAnswersWithSession() {
        FakeHttpServer server;
        auto c = httpClient(server.url());
        c->connect();
        QCOMPARE(c->server().serverInfo["name"], json("fake-http"));
        QCOMPARE(c->listTools().size(), size_t(2));                                                  // an SSE answer
        QCOMPARE(c->callTool("echo", {{"message", "hi"}})["content"][0]["text"], json("Echo: hi"));  // a JSON answer
        QCOMPARE(static_cast<HttpTransport &>(c->transport()).sessionId(), std::string(FakeHttpServer::kSession));

        const auto requests = server.requests();
        QVERIFY(requests.size() >= 4);
        for (const auto & r : requests) {
            QCOMPARE(r.authorization, std::string(FakeHttpServer::kToken));
            if (r.method != "POST") continue;
            QVERIFY(r.accept.find("application/json") != std::string::npos);
            QVERIFY(r.accept.find("text/event-stream") != std::string::npos);
            if (r.body.value("method", "") == "initialize") {
                QVERIFY(r.session.empty());
                QVERIFY(r.protocolVersion.empty());
            } else {
                QCOMPARE(r.session, std::string(FakeHttpServer::kSession));
                QCOMPARE(r.protocolVersion, std::string("2025-06-18"));
            }
        }
        QCOMPARE(server.count("POST", "notifications/initialized"), 1);
        c->close();
        QVERIFY(server.deleted());  // the session was ended
    }

    void progressAndPingsOnThePostStream() {
        FakeHttpServer server;
        auto c = httpClient(server.url());
        c->connect();
        std::vector<double> progress;
        RequestOptions o;
        o.onProgress = [&](const Progress & p) { progress.push_back(p.progress); };
        QCOMPARE(c->callTool("slow", json::object(), o)["content"][0]["text"], json("slow done"));
        QCOMPARE(progress, (std::vector<double>{1, 2, 3}));
        QCOMPARE(c->callTool("ping_then_answer", json::object())["content"][0]["text"], json("pong"));
    }

    void listeningStreamCarriesTheServersMessages() {
        FakeHttpServer server;
        auto c = httpClient(server.url());
        std::atomic<int> changed{0};
        c->setOnToolsChanged([&] { ++changed; });
        c->connect();
        QTRY_VERIFY(server.listening());
        server.push({{"jsonrpc", "2.0"}, {"method", "notifications/tools/list_changed"}});
        QTRY_COMPARE(changed.load(), 1);
        const auto gets = server.requests();
        const auto get = std::find_if(gets.begin(), gets.end(), [](const auto & r) { return r.method == "GET"; });
        QVERIFY(get != gets.end());
        QCOMPARE(get->session, std::string(FakeHttpServer::kSession));
        QCOMPARE(get->accept, std::string("text/event-stream"));
    }

    void refusedListeningIsFine() {
        FakeHttpServer server;
        server.refuseListening();
        auto c = httpClient(server.url());
        c->connect();
        QTRY_COMPARE(server.count("GET"), 1);
        QCOMPARE(c->callTool("echo", {{"message", "x"}})["content"][0]["text"], json("Echo: x"));
        QTest::qWait(300);
        QCOMPARE(server.count("GET"), 1);  // a 405 is not retried
    }

    void streamWithoutAnswerFails() {
        FakeHttpServer server;
        auto c = httpClient(server.url());
        c->connect();
        const auto start = std::chrono::steady_clock::now();
        try {
            c->callTool("drop", json::object());
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QVERIFY2(QString(e.what()).contains("ended without an answer"), e.what());
        }
        QVERIFY(msSince(start) < 2000);
        QVERIFY(c->connected());
    }

    void timeoutAbandonsTheStream() {
        FakeHttpServer server;
        auto c = httpClient(server.url());
        c->connect();
        RequestOptions o;
        o.timeout = std::chrono::milliseconds(300);
        const auto start = std::chrono::steady_clock::now();
        try {
            c->callTool("hang", json::object(), o);
            QFAIL("expected a timeout");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Timeout));
        }
        QVERIFY(msSince(start) < 1500);
        QTRY_COMPARE(server.count("POST", "notifications/cancelled"), 1);
        QCOMPARE(c->callTool("echo", {{"message", "after"}})["content"][0]["text"], json("Echo: after"));
    }

    void expiredSessionClosesTheConnection() {
        FakeHttpServer server;
        auto c = httpClient(server.url());
        std::string why;
        c->setOnClosed([&](const std::string & w) { why = w; });
        c->connect();
        server.expireSession();
        try {
            c->callTool("echo", {{"message", "x"}});
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Closed));
            QVERIFY2(QString(e.what()).contains("ended the session"), e.what());
        }
        QVERIFY(!c->connected());
        QVERIFY(why.find("HTTP 404") != std::string::npos);
    }

    void refusalsAreClear() {
        FakeHttpServer server;
        auto c = httpClient(server.url(), "Bearer wrong");
        try {
            c->connect();
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Start));
            QVERIFY2(QString(e.what()).contains("HTTP 401: Unauthorized"), e.what());
        }
    }

    void unreachableServerFailsFast() {
        std::string url;
        {
            FakeHttpServer gone;  // a port that was just free, and is again
            url = gone.url();
        }
        auto c = httpClient(url);
        const auto start = std::chrono::steady_clock::now();
        try {
            c->connect();
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Start));
            QVERIFY2(QString(e.what()).contains("cannot reach"), e.what());
        }
        QVERIFY(msSince(start) < 3000);
        QVERIFY_THROWS_EXCEPTION(McpError, httpClient("ftp://127.0.0.1/")->connect());
    }

    void oversizeReplyIsRefused() {
        FakeHttpServer server;
        auto c = httpClient(server.url(), FakeHttpServer::kToken, false, JsonLimits{64 * 1024, 64});
        c->connect();
        try {
            c->callTool("big", json::object());
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QVERIFY2(QString(e.what()).contains("over the limit"), e.what());
        }
        QCOMPARE(c->callTool("echo", {{"message", "small"}})["content"][0]["text"], json("Echo: small"));
    }

    void legacySseTransport() {
        FakeHttpServer server;
        auto c = httpClient(server.sseUrl(), FakeHttpServer::kToken, true);
        c->connect();
        QCOMPARE(c->listTools().size(), size_t(2));
        QCOMPARE(c->callTool("echo", {{"message", "old"}})["content"][0]["text"], json("Echo: old"));
        bool posted = false;
        for (const auto & r : server.requests()) posted = posted || r.path == "/messages?legacy";
        QVERIFY(posted);
    }
};

QTEST_GUILESS_MAIN(TestMcpHttp)
#include "test_mcp_http.moc"
