// McpClient against a scripted stdio server: the handshake, paginated
// tools/list, tools/call with every content type kept as received, progress,
// timeouts and cancellation (with notifications/cancelled sent), the
// server's own pings and list_changed, and calls from several threads.
#include <QtTest>
#include <atomic>
#include <thread>

#include "fake_server.h"
#include "mcp/mcp_error.h"

using nlohmann::json;
using namespace Hearth::Mcp;
using mcp_test::fakeClient;
using mcp_test::msSince;

namespace {

json seen(McpClient & c) {
    return c.callTool("seen", json::object())["structuredContent"];
}

bool contains(const json & list, const json & value) {
    for (const json & v : list)
        if (v == value) return true;
    return false;
}

}  // namespace

class TestMcpClient : public QObject {
    Q_OBJECT
private slots:
    void handshakeAndPaginatedTools() {
        auto c = fakeClient({"--tools", "10"});
        c->connect();
        QVERIFY(c->connected());
        QCOMPARE(c->server().protocolVersion, std::string("2025-06-18"));
        QCOMPARE(c->server().serverInfo["name"], json("fake"));
        QCOMPARE(c->server().instructions, std::string("be nice"));
        QVERIFY(c->server().capabilities["tools"]["listChanged"].get<bool>());
        const std::vector<ToolInfo> tools = c->listTools();
        QCOMPARE(tools.size(), size_t(14 + 10));  // 8 pages of 3
        QCOMPARE(tools.front().name, std::string("echo"));
        QCOMPARE(tools.front().description, std::string("The echo tool"));
        QCOMPARE(tools.back().name, std::string("extra_9"));
        QCOMPARE(tools.back().inputSchema, json({{"type", "object"}}));
        QCOMPARE(tools.back().raw["name"], json("extra_9"));
        // The client said it was initialized, once, before anything else.
        const json s = seen(*c);
        QCOMPARE(s["seen"], json::array({"notifications/initialized"}));
    }

    void resultsAreKeptAsReceived() {
        auto c = fakeClient();
        c->connect();
        QCOMPARE(c->callTool("echo", {{"message", "hi"}}),
                 json::parse(R"({"content":[{"type":"text","text":"Echo: hi"}]})"));
        const json image = c->callTool("image", json());
        QCOMPARE(image["content"].size(), size_t(4));
        QCOMPARE(image["content"][0], json::parse(R"({"type":"image","data":"iVBORw0KGgo=","mimeType":"image/png"})"));
        QCOMPARE(image["content"][1]["type"], json("audio"));
        QCOMPARE(image["content"][2]["resource"]["text"], json("hello"));
        QCOMPARE(image["content"][3], json({{"type", "resource_link"}, {"uri", "file:///b.txt"}, {"name", "b"}}));
        QCOMPARE(image["structuredContent"], json({{"value", 42}}));
        QCOMPARE(image["_meta"], json({{"x", 1}}));
        // A tool that failed is a result, not an exception.
        const json fail = c->callTool("fail", json::object());
        QCOMPARE(fail["isError"], json(true));
        QCOMPARE(fail["content"][0]["text"], json("it failed"));
    }

    void remoteErrorsCarryTheirCode() {
        auto c = fakeClient();
        c->connect();
        try {
            c->callTool("no_such_tool", json::object());
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Remote));
            QCOMPARE(e.code(), -32602);
            QVERIFY2(QString(e.what()).contains("Unknown tool: no_such_tool"), e.what());
        }
        try {
            c->request("resources/list", json::object());
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QCOMPARE(e.code(), -32601);
        }
        QVERIFY_THROWS_EXCEPTION(McpError, c->callTool("echo", json::array({1})));
        QVERIFY(c->connected());
    }

    void progressReachesTheCallback() {
        auto c = fakeClient();
        c->connect();
        std::vector<Progress> got;
        RequestOptions o;
        o.onProgress = [&](const Progress & p) { got.push_back(p); };
        const json r = c->callTool("slow", {{"ms", 300}, {"steps", 3}}, o);
        QCOMPARE(r["content"][0]["text"], json("done after 300 ms"));
        QCOMPARE(got.size(), size_t(3));
        QCOMPARE(got[2].progress, 3.0);
        QCOMPARE(*got[2].total, 3.0);
        QCOMPARE(got[0].message, std::string("step"));
    }

    void timeoutSendsCancelled() {
        auto c = fakeClient();
        c->connect();
        RequestOptions o;
        o.timeout = std::chrono::milliseconds(300);
        const auto start = std::chrono::steady_clock::now();
        try {
            c->callTool("slow", {{"ms", 3000}, {"steps", 30}}, o);
            QFAIL("expected a timeout");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Timeout));
            QVERIFY2(QString(e.what()).contains("tools/call"), e.what());
        }
        QVERIFY(msSince(start) < 1500);
        QTRY_VERIFY(contains(seen(*c)["seen"], "notifications/cancelled"));
        QVERIFY(c->connected());
    }

    void progressCanKeepALongCallAlive() {
        auto c = fakeClient();
        c->connect();
        RequestOptions o;
        o.timeout = std::chrono::milliseconds(400);
        o.resetTimeoutOnProgress = true;
        o.onProgress = [](const Progress &) {};
        const json r = c->callTool("slow", {{"ms", 1500}, {"steps", 10}}, o);
        QCOMPARE(r["content"][0]["text"], json("done after 1500 ms"));
        // Without progress requested the same call times out.
        o.onProgress = nullptr;
        QVERIFY_THROWS_EXCEPTION(McpError, c->callTool("slow", {{"ms", 1500}, {"steps", 10}}, o));
    }

    void cancelFromAnotherThread() {
        auto c = fakeClient();
        c->connect();
        CancelToken token;
        RequestOptions o;
        o.cancel = &token;
        std::thread canceller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            token.cancel();
        });
        const auto start = std::chrono::steady_clock::now();
        try {
            c->callTool("slow", {{"ms", 5000}, {"steps", 50}}, o);
            QFAIL("expected a cancellation");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Cancelled));
        }
        canceller.join();
        QVERIFY(msSince(start) < 1500);
        const json s = seen(*c);
        QVERIFY(contains(s["seen"], "notifications/cancelled"));
        QCOMPARE(s["cancelled"].size(), size_t(1));
        // A token cancelled before the call stops it at once.
        QVERIFY_THROWS_EXCEPTION(McpError, c->callTool("echo", {{"message", "x"}}, o));
    }

    void pingsBothWays() {
        auto c = fakeClient();
        c->connect();
        c->ping();
        QCOMPARE(c->callTool("ping_client", json::object())["content"][0]["text"], json("pong"));
    }

    void listChangedIsReported() {
        auto c = fakeClient();
        std::atomic<int> changed{0};
        c->setOnToolsChanged([&] { ++changed; });
        c->connect();
        c->callTool("change", json::object());
        QTRY_COMPARE(changed.load(), 1);
    }

    void unsupportedVersionIsRefused() {
        auto c = fakeClient({"--mode", "bad-version"});
        try {
            c->connect();
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Protocol));
            QVERIFY2(QString(e.what()).contains("1999-01-01"), e.what());
        }
        QVERIFY(!c->connected());
    }

    void callsFromManyThreads() {
        auto c = fakeClient();
        c->connect();
        std::atomic<int> good{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 25; ++i) {
                    const std::string m = std::to_string(t) + "-" + std::to_string(i);
                    const json r = c->callTool("echo", {{"message", m}});
                    if (r["content"][0]["text"] == "Echo: " + m) ++good;
                }
            });
        }
        for (auto & t : threads) t.join();
        QCOMPARE(good.load(), 200);
    }

    void closeFailsOpenRequests() {
        auto c = fakeClient();
        c->connect();
        std::atomic<int> kind{-1};
        std::thread caller([&] {
            try {
                c->callTool("slow", {{"ms", 5000}, {"steps", 5}});
            } catch (const McpError & e) {
                kind = int(e.kind());
            }
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const auto start = std::chrono::steady_clock::now();
        c->close();
        caller.join();
        QCOMPARE(kind.load(), int(McpErrorKind::Closed));
        QVERIFY(msSince(start) < 2000);
        QVERIFY_THROWS_EXCEPTION(McpError, c->ping());
    }
};

QTEST_GUILESS_MAIN(TestMcpClient)
#include "test_mcp_client.moc"
