// ServerSupervisor: connects on demand, caches the tools, restarts a server
// that crashed with growing backoff, gives up after too many failures in a
// row, and stops cleanly.
#include <QtTest>
#include <mutex>

#include "mcp/mcp_error.h"
#include "mcp/server_supervisor.h"

using nlohmann::json;
using namespace Hearth::Mcp;

namespace {

ServerConfig fake(const std::vector<std::string> & args = {}) {
    ServerConfig s;
    s.name = "fake";
    s.command = FAKE_MCP_SERVER;
    s.args = args;
    return s;
}

SupervisorOptions fastOptions() {
    SupervisorOptions o;
    o.backoffInitial = std::chrono::milliseconds(100);
    o.backoffMax = std::chrono::milliseconds(400);
    o.maxAttempts = 3;
    o.client.initializeTimeout = std::chrono::milliseconds(3000);
    return o;
}

}  // namespace

class TestMcpSupervisor : public QObject {
    Q_OBJECT
private slots:
    void connectsOnDemandAndCachesTools() {
        ServerSupervisor sup(fake(), fastOptions());
        QCOMPARE(int(sup.status().state), int(ServerState::Stopped));
        auto client = sup.client();
        QCOMPARE(int(sup.status().state), int(ServerState::Running));
        QCOMPARE(sup.status().toolCount, size_t(22));
        QCOMPARE(sup.tools().size(), size_t(22));
        QCOMPARE(sup.client().get(), client.get());  // the same connection
        sup.stop();
        QCOMPARE(int(sup.status().state), int(ServerState::Stopped));
        QVERIFY(!client->connected());
    }

    void restartsAfterACrash() {
        std::mutex m;
        std::vector<ServerState> states;
        ServerSupervisor sup(fake(), fastOptions());
        sup.setOnStatus([&](const ServerStatus & s) {
            std::lock_guard lock(m);
            states.push_back(s.state);
        });
        auto first = sup.client();
        QVERIFY_THROWS_EXCEPTION(McpError, first->callTool("exit", {{"code", 9}}));
        QTRY_COMPARE_WITH_TIMEOUT(int(sup.status().state), int(ServerState::Running), 5000);
        QCOMPARE(sup.status().restarts, 1);
        auto second = sup.client();
        QVERIFY(second.get() != first.get());
        QCOMPARE(second->callTool("echo", {{"message", "again"}})["content"][0]["text"], json("Echo: again"));
        std::lock_guard lock(m);
        QVERIFY(std::find(states.begin(), states.end(), ServerState::Restarting) != states.end());
    }

    void refreshesToolsWhenTheyChange() {
        std::atomic<int> reports{0};
        ServerSupervisor sup(fake(), fastOptions());
        auto client = sup.client();
        sup.setOnStatus([&](const ServerStatus &) { ++reports; });
        client->callTool("change", json::object());
        QTRY_VERIFY(reports.load() >= 1);  // the list was fetched again
        QCOMPARE(sup.status().toolCount, size_t(22));
    }

    void givesUpAfterRepeatedFailures() {
        SupervisorOptions o = fastOptions();
        ServerSupervisor sup(fake({"--mode", "exit-at-start"}), o);
        const auto start = std::chrono::steady_clock::now();
        sup.start();
        QTRY_COMPARE_WITH_TIMEOUT(int(sup.status().state), int(ServerState::Failed), 10000);
        // Three attempts: at once, then after 100 and 200 ms.
        QVERIFY(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(300));
        QVERIFY2(sup.status().error.find("exited with code 5") != std::string::npos, sup.status().error.c_str());
        // Asking again tries again, and reports why it failed.
        QVERIFY_THROWS_EXCEPTION(McpError, sup.client());
    }

    void aMissingCommandIsReported() {
        ServerConfig s = fake();
        s.command = "hearth-no-such-mcp-server";
        ServerSupervisor sup(s, fastOptions());
        QVERIFY_THROWS_EXCEPTION(McpError, sup.client());
        QTRY_VERIFY(sup.status().state == ServerState::Restarting || sup.status().state == ServerState::Failed);
        QVERIFY(sup.status().error.find("cannot find the command") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestMcpSupervisor)
#include "test_mcp_supervisor.moc"
