// A stdio MCP server that misbehaves never blocks or crashes the client:
// hanging (even ignoring SIGTERM), malformed output, floods of output on
// stdout and stderr, 10,000-deep JSON, exiting in the middle of a call or at
// start, not reading its input. Each case ends in an error within its
// timeout, and the process is gone afterwards. Also: the command is never
// run through a shell, and the environment is the safe one plus the config's.
#include <signal.h>
#include <sys/types.h>

#include <QTemporaryDir>
#include <QtTest>

#include "fake_server.h"
#include "mcp/mcp_error.h"
#include "mcp/transport_factory.h"

using nlohmann::json;
using namespace Hearth::Mcp;
using mcp_test::fakeClient;
using mcp_test::fakeServerOptions;
using mcp_test::msSince;

namespace {

bool processGone(pid_t pid) {
    return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
}

ClientOptions shortTimeouts(int ms) {
    ClientOptions o;
    o.initializeTimeout = std::chrono::milliseconds(ms);
    o.requestTimeout = std::chrono::milliseconds(ms);
    return o;
}

}  // namespace

class TestMcpStdioFaults : public QObject {
    Q_OBJECT
private slots:
    void hangingServerTimesOutAndIsKilled() {
        auto transport = std::make_unique<StdioTransport>(fakeServerOptions({"--mode", "hang"}));
        StdioTransport * raw = transport.get();
        McpClient c(std::move(transport), shortTimeouts(500));
        const auto start = std::chrono::steady_clock::now();
        try {
            c.connect();
            QFAIL("expected a timeout");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Timeout));
            QVERIFY2(QString(e.what()).contains("initialize"), e.what());
        }
        // connect() closed it: stdin closed, SIGTERM ignored, SIGKILL after two 300 ms graces.
        QVERIFY2(msSince(start) < 3000, qPrintable(QString::number(msSince(start))));
        QVERIFY(processGone(raw->pid()));
    }

    void malformedLinesAreSkipped() {
        auto c = fakeClient({"--mode", "malformed"});
        c->connect();
        QCOMPARE(c->callTool("echo", {{"message", "ok"}})["content"][0]["text"], json("Echo: ok"));
        QCOMPARE(c->listTools().size(), size_t(22));
        // Per request: not JSON, truncated JSON, an array, JSON-RPC 1.0.
        QVERIFY(c->droppedMessages() >= 4);
        QVERIFY(c->connected());
    }

    void floodOnStdoutIsDroppedWithinLimits() {
        StdioOptions o = fakeServerOptions();
        o.limits.maxBytes = 1u << 20;
        auto c = fakeClient({}, ClientOptions{}, o);
        c->connect();
        const auto start = std::chrono::steady_clock::now();
        const json r = c->callTool("flood", {{"mb", 32}});
        QCOMPARE(r["content"][0]["text"], json("after the flood"));
        QVERIFY(c->droppedMessages() >= 20000);
        QVERIFY2(msSince(start) < 30000, "the flood took too long to drain");
        QCOMPARE(c->callTool("echo", {{"message", "still here"}})["content"][0]["text"], json("Echo: still here"));
    }

    void endlessFloodEndsInATimeout() {
        auto transport = std::make_unique<StdioTransport>(fakeServerOptions({"--mode", "flood-forever"}));
        StdioTransport * raw = transport.get();
        McpClient c(std::move(transport), shortTimeouts(500));
        c.connect();
        const auto start = std::chrono::steady_clock::now();
        QVERIFY_THROWS_EXCEPTION(McpError, c.listTools());
        QVERIFY(msSince(start) < 2000);
        c.close();
        QVERIFY(msSince(start) < 4000);
        QVERIFY(processGone(raw->pid()));
    }

    void deepJsonIsRefused() {
        auto c = fakeClient({}, shortTimeouts(1000));
        c->connect();
        for (int depth : {100, 10000}) {
            try {
                c->callTool("deep", {{"depth", depth}});
                QFAIL("expected an error");
            } catch (const McpError & e) {
                QCOMPARE(int(e.kind()), int(McpErrorKind::Timeout));
            }
        }
        QCOMPARE(c->droppedMessages(), size_t(2));
        // Within the limit it is an ordinary answer.
        QCOMPARE(c->callTool("deep", {{"depth", 10}})["content"].size(), size_t(1));
        QVERIFY(c->connected());
    }

    void exitInTheMiddleOfACall() {
        auto c = fakeClient();
        std::string closedWhy;
        c->setOnClosed([&](const std::string & why) { closedWhy = why; });
        c->connect();
        const auto start = std::chrono::steady_clock::now();
        try {
            c->callTool("exit", {{"code", 3}});
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Closed));
            QVERIFY2(QString(e.what()).contains("exited with code 3"), e.what());
            QVERIFY2(QString(e.what()).contains("fatal: exiting on request"), e.what());
        }
        QVERIFY(msSince(start) < 2000);
        QVERIFY(!c->connected());
        QVERIFY(closedWhy.find("exited with code 3") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(McpError, c->ping());
    }

    void exitAtStartIsExplained() {
        auto c = fakeClient({"--mode", "exit-at-start"});
        try {
            c->connect();
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Closed));
            QVERIFY2(QString(e.what()).contains("exited with code 5"), e.what());
            QVERIFY2(QString(e.what()).contains("missing API key"), e.what());
        }
    }

    void missingCommandIsAStartError() {
        StdioOptions o = fakeServerOptions();
        o.spawn.command = "hearth-no-such-mcp-server";
        auto c = fakeClient({}, ClientOptions{}, o);
        try {
            c->connect();
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Start));
            QVERIFY2(QString(e.what()).contains("cannot find the command 'hearth-no-such-mcp-server'"), e.what());
        }
        o = fakeServerOptions();
        o.spawn.cwd = "/nonexistent/folder";
        QVERIFY_THROWS_EXCEPTION(McpError, fakeClient({}, ClientOptions{}, o)->connect());
    }

    void serverThatDoesNotReadNeverBlocksTheCaller() {
        StdioOptions o = fakeServerOptions({"--mode", "no-read"});
        o.maxQueuedBytes = 1u << 20;
        StdioTransport t(std::move(o));
        t.start({});
        const json big = {{"jsonrpc", "2.0"}, {"method", "x"}, {"params", {{"pad", std::string(100000, 'p')}}}};
        const auto start = std::chrono::steady_clock::now();
        bool refused = false;
        for (int i = 0; i < 100 && !refused; ++i) {
            try {
                t.send(big);
            } catch (const McpError & e) {
                refused = QString(e.what()).contains("not reading its input");
            }
        }
        QVERIFY(refused);
        QVERIFY(msSince(start) < 2000);
        const pid_t pid = t.pid();
        t.close();
        QVERIFY(processGone(pid));
    }

    void stderrGoesToACappedLog() {
        QTemporaryDir dir;
        StdioOptions o = fakeServerOptions();
        o.logPath = dir.filePath("fake.log").toStdString();
        o.logMaxBytes = 64 * 1024;
        auto c = fakeClient({}, ClientOptions{}, o);
        c->connect();
        c->callTool("stderr_flood", {{"kb", 1024}});
        c->close();
        const QFileInfo log(dir.filePath("fake.log"));
        const QFileInfo rotated(dir.filePath("fake.log.1"));
        QVERIFY(log.exists() && rotated.exists());
        QVERIFY(log.size() <= 64 * 1024);
        QVERIFY(rotated.size() <= 64 * 1024);
        QVERIFY(c->transport().stderrTail().find("eeee") != std::string::npos);
    }

    void argumentsNeverMeetAShell() {
        ServerConfig s;
        s.name = "fake";
        s.command = FAKE_MCP_SERVER;
        s.args = {"; touch /tmp/hearth-pwned", "$(id)", "a b", "*", "`x`"};
        s.env = {{"HEARTH_TEST_VAR", "from config"}};
        s.cwd = QDir::tempPath().toStdString();
        qputenv("HEARTH_SECRET_TOKEN", "must not leak");
        McpClient c(makeTransport(s));
        c.connect();
        const json argv = c.callTool("argv", json::object())["structuredContent"]["argv"];
        QCOMPARE(argv.size(), size_t(6));
        for (size_t i = 0; i < s.args.size(); ++i) QCOMPARE(argv[i + 1].get<std::string>(), s.args[i]);
        const json env = c.callTool("env", {{"name", "HEARTH_TEST_VAR"}})["structuredContent"];
        QCOMPARE(env["value"], json("from config"));
        QCOMPARE(QDir(QString::fromStdString(env["cwd"])).canonicalPath(), QDir(QDir::tempPath()).canonicalPath());
        QCOMPARE(c.callTool("env", {{"name", "HEARTH_SECRET_TOKEN"}})["structuredContent"]["value"], json());
        QVERIFY(!c.callTool("env", {{"name", "PATH"}})["structuredContent"]["value"].is_null());
    }
};

QTEST_GUILESS_MAIN(TestMcpStdioFaults)
#include "test_mcp_stdio_faults.moc"
