// `hearth-cli mcp tools` and `hearth-cli mcp call` as a script uses them,
// against the scripted stdio server: the JSON shapes, the exit codes, and a
// clear message for every way it can go wrong.
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "common/process_runner.h"

using nlohmann::json;

class TestMcpCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString writeConfig(const QString & name, const json & config) {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(QByteArray::fromStdString(config.dump(2)));
        return path;
    }

    QString fakeConfig() {
        return writeConfig("fake.json",
                           {{"mcpServers",
                             {{"fake", {{"command", FAKE_MCP_SERVER}, {"args", json::array()}}},
                              {"crash", {{"command", FAKE_MCP_SERVER}, {"args", {"--mode", "exit-at-start"}}}},
                              {"off", {{"command", "hearth-no-such-server"}, {"disabled", true}}}}}});
    }

    static hearth_test::ProcessRun cli(const QStringList & args) {
        return hearth_test::run_process(HEARTH_CLI, QStringList{"mcp"} + args, {}, 60000);
    }

private slots:
    void toolsAsJson() {
        const auto run = cli({"tools", "--config", fakeConfig(), "--server", "fake", "--json"});
        QVERIFY2(run.code == 0, run.err.constData());
        const json out = json::parse(run.out.toStdString());
        const json tools = out["servers"]["fake"]["tools"];
        QCOMPARE(tools.size(), size_t(22));
        QCOMPARE(tools[0], json({{"name", "echo"},
                                 {"description", "The echo tool"},
                                 {"inputSchema", {{"type", "object"}, {"properties", json::object()}}}}));
        QCOMPARE(out["servers"].size(), size_t(1));
    }

    void toolsReportsAServerThatFails() {
        // All enabled servers: "off" is skipped, "crash" fails, the rest still print; the exit code says so.
        const auto run = cli({"tools", "--config", fakeConfig(), "--json"});
        QCOMPARE(run.code, 1);
        const json out = json::parse(run.out.toStdString());
        QCOMPARE(out["servers"]["fake"]["tools"].size(), size_t(22));
        const std::string error = out["servers"]["crash"]["error"];
        QVERIFY2(error.find("exited with code 5") != std::string::npos, error.c_str());
        QVERIFY(!out["servers"].contains("off"));
        // Plain text lists the tools.
        const auto text = cli({"tools", "--config", fakeConfig(), "--server", "fake"});
        QCOMPARE(text.code, 0);
        QVERIFY(text.out.contains("fake (22 tools)"));
        QVERIFY(text.out.contains("echo"));
    }

    void callPrintsTheResultAsReceived() {
        const auto run = cli({"call", "--config", fakeConfig(), "fake", "image", "--json"});
        QVERIFY2(run.code == 0, run.err.constData());
        const json r = json::parse(run.out.toStdString());
        QCOMPARE(r["content"].size(), size_t(4));
        QCOMPARE(r["structuredContent"], json({{"value", 42}}));
        QCOMPARE(r["_meta"], json({{"x", 1}}));
        const auto echo = cli({"call", "--config", fakeConfig(), "fake", "echo", "--args", R"({"message":"héllo"})"});
        QCOMPARE(echo.code, 0);
        QCOMPARE(echo.out, QByteArray("Echo: héllo\n"));
    }

    void toolErrorExitsWithThree() {
        const auto run = cli({"call", "--config", fakeConfig(), "fake", "fail", "--json"});
        QCOMPARE(run.code, 3);
        QCOMPARE(json::parse(run.out.toStdString())["isError"], json(true));
    }

    void errorsAreClear_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing config") << QStringList{"tools", "--config", "/nonexistent.json"} << 1
                                        << "cannot read the MCP config /nonexistent.json";
        QTest::newRow("unknown server") << QStringList{"call", "--config", "@fake", "nope", "echo"} << 1
                                        << "no server 'nope'";
        QTest::newRow("unknown tool") << QStringList{"call", "--config", "@fake", "fake", "nope"} << 1
                                      << "has no tool 'nope' (it has: echo, add";
        QTest::newRow("server exits") << QStringList{"call", "--config", "@fake", "crash", "echo"} << 1
                                      << "cannot connect to the server 'crash'";
        QTest::newRow("server exits mid-call")
            << QStringList{"call", "--config", "@fake", "fake", "exit"} << 1 << "exited with code 3";
        QTest::newRow("disabled") << QStringList{"call", "--config", "@fake", "off", "x"} << 1 << "is disabled";
        QTest::newRow("invalid config") << QStringList{"tools", "--config", "@bad"} << 1 << "mcpServers.a.args[0]";
        QTest::newRow("bad args") << QStringList{"call", "--config", "@fake", "fake", "echo", "--args", "[1]"} << 2
                                  << "--args must be a JSON object";
        QTest::newRow("no subcommand") << QStringList{} << 2 << "expected a subcommand";
        QTest::newRow("no config") << QStringList{"tools"} << 2 << "--config";
    }

    void errorsAreClear() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const QString bad =
            writeConfig("bad.json", json::parse(R"({"mcpServers": {"a": {"command": "x", "args": [1]}}})"));
        for (QString & a : args) {
            if (a == "@fake") a = fakeConfig();
            if (a == "@bad") a = bad;
        }
        const auto run = cli(args);
        QCOMPARE(run.code, code);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestMcpCli)
#include "test_mcp_cli.moc"
