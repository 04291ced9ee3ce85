// The mcpServers config: the formats of Claude Desktop, Cursor, LM Studio,
// Cherry Studio and VS Code load as they are; every mistake is reported with
// the server and the field it is in.
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "mcp/mcp_error.h"
#include "mcp/server_config.h"
#include "mcp/transport_factory.h"

using namespace Hearth::Mcp;

namespace {

bool hasError(const McpConfigParse & p, const std::string & needle) {
    for (const std::string & e : p.errors)
        if (e.find(needle) != std::string::npos) return true;
    return false;
}

// {"mcpServers": {"a": entry}} as text.
QString server(const nlohmann::json & entry) {
    return QString::fromStdString(nlohmann::json{{"mcpServers", {{"a", entry}}}}.dump());
}

std::string allErrors(const McpConfigParse & p) {
    std::string s;
    for (const std::string & e : p.errors) s += e + "\n";
    return s;
}

}  // namespace

class TestMcpConfig : public QObject {
    Q_OBJECT
private slots:
    void readsTheCommonFormat() {
        // Built as JSON, not written as raw strings: moc (Qt 6.4) does not know raw strings and reads the
        // "//" of a URL in one as a comment.
        const nlohmann::json config = {
            {"mcpServers",
             {{"everything",
               {{"command", "npx"},
                {"args", {"-y", "@modelcontextprotocol/server-everything"}},
                {"env", {{"API_KEY", "k"}}},
                {"cwd", "/tmp"}}},
              {"remote", {{"url", "https://example.com/mcp"}, {"headers", {{"Authorization", "Bearer sk-1"}}}}},
              {"typed", {{"type", "streamable-http"}, {"url", "http://127.0.0.1:3000/mcp"}, {"timeout", 5}}},
              {"old", {{"type", "sse"}, {"url", "http://127.0.0.1:3001/sse"}}},
              {"off", {{"command", "x"}, {"disabled", true}}},
              {"cherry",
               {{"type", "streamableHttp"},
                {"baseUrl", "http://localhost:9/mcp"},
                {"isActive", false},
                {"name", "Cherry Studio name"},
                {"provider", "ignored"}}}}}};
        const McpConfigParse p = parseMcpConfig(config.dump());
        QVERIFY2(p.ok(), allErrors(p).c_str());
        QCOMPARE(p.config.servers.size(), size_t(6));
        const ServerConfig * e = p.config.find("everything");
        QVERIFY(e);
        QCOMPARE(int(e->transport), int(ServerTransport::Stdio));
        QCOMPARE(e->command, std::string("npx"));
        QCOMPARE(e->args, (std::vector<std::string>{"-y", "@modelcontextprotocol/server-everything"}));
        QCOMPARE(e->env.at("API_KEY"), std::string("k"));
        QCOMPARE(e->cwd, std::string("/tmp"));
        QVERIFY(!e->disabled);
        const ServerConfig * r = p.config.find("remote");
        QCOMPARE(int(r->transport), int(ServerTransport::Http));
        QCOMPARE(r->headers.at("Authorization"), std::string("Bearer sk-1"));
        QCOMPARE(p.config.find("typed")->timeout->count(), 5000LL);
        QCOMPARE(int(p.config.find("old")->transport), int(ServerTransport::Sse));
        QVERIFY(p.config.find("off")->disabled);
        QVERIFY(p.config.find("cherry")->disabled);
        QCOMPARE(p.config.find("cherry")->url, std::string("http://localhost:9/mcp"));
        QVERIFY(!p.config.find("nope"));
    }

    void readsVsCodeServersKey() {
        const McpConfigParse p =
            parseMcpConfig(R"({"servers": {"a": {"type": "stdio", "command": "x"}}, "inputs": []})");
        QVERIFY2(p.ok(), allErrors(p).c_str());
        QCOMPARE(p.config.servers.size(), size_t(1));
    }

    void namesServerAndField_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("error");
        QTest::newRow("not json") << R"({"mcpServers": )"
                                  << "not valid JSON";
        QTest::newRow("not object") << R"([1])"
                                    << "must be a JSON object";
        QTest::newRow("no servers") << R"({"other": {}})"
                                    << "no \"mcpServers\"";
        QTest::newRow("servers array") << R"({"mcpServers": []})"
                                       << "mcpServers: expected an object";
        QTest::newRow("entry not object") << R"({"mcpServers": {"a": "npx"}})"
                                          << "mcpServers.a: expected an object";
        QTest::newRow("nothing to run") << R"({"mcpServers": {"a": {}}})"
                                        << "mcpServers.a: needs `command`";
        QTest::newRow("both") << server({{"command", "x"}, {"url", "http://h/"}}) << "has both";
        QTest::newRow("command type") << R"({"mcpServers": {"a": {"command": 5}}})"
                                      << "mcpServers.a.command: expected a string, got a number";
        QTest::newRow("empty command") << R"({"mcpServers": {"a": {"command": ""}}})"
                                       << "mcpServers.a.command: must not be empty";
        QTest::newRow("args type") << R"({"mcpServers": {"a": {"command": "x", "args": "-y"}}})"
                                   << "mcpServers.a.args: expected an array of strings, got a string";
        QTest::newRow("arg type") << R"({"mcpServers": {"a": {"command": "x", "args": ["-y", 3]}}})"
                                  << "mcpServers.a.args[1]: expected a string, got a number";
        QTest::newRow("env type") << R"({"mcpServers": {"a": {"command": "x", "env": {"K": 1}}}})"
                                  << "mcpServers.a.env.K: expected a string";
        QTest::newRow("env name") << R"({"mcpServers": {"a": {"command": "x", "env": {"A=B": "1"}}}})"
                                  << "mcpServers.a.env.A=B: is not a valid environment variable name";
        QTest::newRow("url scheme") << server({{"url", "file:///etc/passwd"}})
                                    << "mcpServers.a.url: 'file:///etc/passwd' is not an http";
        QTest::newRow("header name") << server({{"url", "http://h/"}, {"headers", {{"Bad Name", "x"}}}})
                                     << "mcpServers.a.headers.Bad Name: is not a valid HTTP header name";
        QTest::newRow("header value") << server({{"url", "http://h/"}, {"headers", {{"X", "a\r\nInjected: 1"}}}})
                                      << "mcpServers.a.headers.X: must not contain a line break";
        QTest::newRow("type") << server({{"type", "websocket"}, {"url", "http://h/"}})
                              << "mcpServers.a.type: unknown transport 'websocket'";
        QTest::newRow("stdio with url") << server({{"type", "stdio"}, {"url", "http://h/"}})
                                        << "mcpServers.a.type: is \"stdio\" but the server has a `url`";
        QTest::newRow("disabled type") << R"({"mcpServers": {"a": {"command": "x", "disabled": "yes"}}})"
                                       << "mcpServers.a.disabled: expected true or false";
        QTest::newRow("timeout") << R"({"mcpServers": {"a": {"command": "x", "timeout": -1}}})"
                                 << "mcpServers.a.timeout: must be between";
        QTest::newRow("name") << R"({"mcpServers": {"": {"command": "x"}}})"
                              << "a server's name must be";
        QTest::newRow("deep") << (QString(R"({"mcpServers": {"a": {"command": "x", "extra": )") + QString(100, '[') +
                                  QString(100, ']') + "}}}")
                              << "nested deeper";
    }

    void namesServerAndField() {
        QFETCH(QString, config);
        QFETCH(QString, error);
        const McpConfigParse p = parseMcpConfig(config.toStdString());
        QVERIFY(!p.ok());
        QVERIFY2(hasError(p, error.toStdString()), allErrors(p).c_str());
    }

    void collectsEveryMistakeAndKeepsTheGoodServers() {
        const McpConfigParse p = parseMcpConfig(nlohmann::json{
            {"mcpServers", {{"good", {{"command", "x"}}}, {"bad1", {{"command", 1}}}, {"bad2", {{"url", "ftp://x"}}}}}}
                                                    .dump());
        QCOMPARE(p.errors.size(), size_t(2));
        QCOMPARE(p.config.servers.size(), size_t(1));
        QCOMPARE(p.config.servers[0].name, std::string("good"));
    }

    void loadReportsTheFile() {
        try {
            loadMcpConfig("/nonexistent/mcp.json");
            QFAIL("expected an error");
        } catch (const McpError & e) {
            QCOMPARE(int(e.kind()), int(McpErrorKind::Config));
            QVERIFY2(QString(e.what()).contains("/nonexistent/mcp.json"), e.what());
        }
        QTemporaryDir dir;
        const QString path = dir.filePath("mcp.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"mcpServers": {"a": {"command": 1}, "b": {}}})");
        f.close();
        try {
            loadMcpConfig(path.toStdString());
            QFAIL("expected an error");
        } catch (const McpError & e) {
            const QString what = e.what();
            QVERIFY2(what.contains(path) && what.contains("mcpServers.a.command") && what.contains("mcpServers.b"),
                     e.what());
        }
    }

    void logPathIsFileNameSafe() {
        TransportSettings s;
        QCOMPARE(serverLogPath(s, "x"), std::string());
        s.logDir = "/logs";
        QCOMPARE(serverLogPath(s, "everything"), std::string("/logs/everything.log"));
        QCOMPARE(serverLogPath(s, "../../etc/passwd"), std::string("/logs/_.._.._etc_passwd.log"));
        QCOMPARE(serverLogPath(s, "My Server"), std::string("/logs/My_Server.log"));
    }
};

QTEST_GUILESS_MAIN(TestMcpConfig)
#include "test_mcp_config.moc"
