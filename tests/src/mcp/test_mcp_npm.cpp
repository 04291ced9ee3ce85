// Real MCP servers from npm against the official SDK's client:
// @modelcontextprotocol/server-everything over stdio and over Streamable
// HTTP (its streamableHttp mode on a 127.0.0.1 port), and
// @modelcontextprotocol/server-filesystem over stdio. `hearth-cli mcp` must
// list the same tool names as the SDK and return identical `content`
// arrays for echo, the sum tool and read_text_file; a path outside the
// filesystem server's root must come back with isError: true from both.
//
// The packages are installed with npm into the build folder on the first
// run (the registry is the only network used) and reused after that. Without
// node, npm or the registry, the test is skipped with a message saying so.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "common/npm_packages.h"
#include "common/process_runner.h"

using nlohmann::json;

namespace {

const char * const kPackages[] = {"@modelcontextprotocol/server-everything@2026.8.31",
                                  "@modelcontextprotocol/server-filesystem@2026.8.31",
                                  "@modelcontextprotocol/sdk@1.32.2"};

int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

QProcessEnvironment nodeEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char * proxy : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"}) env.remove(proxy);
    return env;
}

}  // namespace

class TestMcpNpm : public QObject {
    Q_OBJECT

    QString m_node;
    QString m_dir = QStringLiteral(HEARTH_NPM_DIR);
    QTemporaryDir m_tmp;

    QString package(const char * name) const { return m_dir + "/node_modules/@modelcontextprotocol/" + name; }

    QString writeConfig(const json & servers) {
        const QString path = m_tmp.filePath("mcp.json");
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return {};
        f.write(QByteArray::fromStdString(json{{"mcpServers", servers}}.dump()));
        return path;
    }

    // hearth-cli mcp ... --json, parsed; `code` gets the exit code.
    json hearth(const QStringList & args, int * code = nullptr) {
        const auto run = hearth_test::run_process(HEARTH_CLI, QStringList{"mcp"} + args + QStringList{"--json"}, {},
                                                  180000, nodeEnvironment());
        if (code) *code = run.code;
        if (run.code != 0 && run.code != 3) qWarning("hearth-cli: %s", run.err.constData());
        return json::parse(run.out.toStdString(), nullptr, false);
    }

    json sdk(const json & spec) {
        const auto run =
            hearth_test::run_process(m_node, {m_dir + "/mcp_sdk_client.mjs", QString::fromStdString(spec.dump())}, {},
                                     180000, nodeEnvironment());
        if (run.code != 0) qWarning("SDK client: %s", run.err.constData());
        return json::parse(run.out.toStdString(), nullptr, false);
    }

    static std::vector<std::string> names(const json & tools) {
        std::vector<std::string> out;
        for (const json & t : tools) out.push_back(t["name"]);
        return out;
    }

    // Lists and calls through both clients and compares them.
    void compareEverything(const QString & config, const json & sdkSpec) {
        const json listed = hearth({"tools", "--config", config});
        QVERIFY2(listed.is_object(), "hearth-cli mcp tools gave no JSON");
        const std::vector<std::string> ours = names(listed["servers"]["everything"]["tools"]);
        const std::string sum = std::find(ours.begin(), ours.end(), "get-sum") != ours.end() ? "get-sum" : "add";
        QVERIFY2(std::find(ours.begin(), ours.end(), sum) != ours.end(), "no sum tool in server-everything");
        for (const json & t : listed["servers"]["everything"]["tools"]) {
            QVERIFY(t.contains("description") && t["inputSchema"].is_object());
        }

        json spec = sdkSpec;
        spec["calls"] = {{{"name", "echo"}, {"arguments", {{"message", "Hello from Hearth ✓"}}}},
                         {{"name", sum}, {"arguments", {{"a", 19}, {"b", 23.5}}}}};
        const json reference = sdk(spec);
        QVERIFY2(reference.is_object(), "the SDK client gave no JSON");
        QCOMPARE(ours, reference["tools"].get<std::vector<std::string>>());

        const json echo = hearth({"call", "--config", config, "everything", "echo", "--args",
                                  QString::fromStdString(spec["calls"][0]["arguments"].dump())});
        QCOMPARE(echo["content"], reference["calls"][0]["content"]);
        QCOMPARE(echo["content"][0]["text"], json("Echo: Hello from Hearth ✓"));
        const json added = hearth({"call", "--config", config, "everything", QString::fromStdString(sum), "--args",
                                   QString::fromStdString(spec["calls"][1]["arguments"].dump())});
        QCOMPARE(added["content"], reference["calls"][1]["content"]);
        QVERIFY(added["content"][0]["text"].get<std::string>().find("42.5") != std::string::npos);
    }

private slots:
    void initTestCase() {
        QStringList packages, markers;
        for (const char * p : kPackages) packages << p;
        for (const char * p : {"server-everything", "server-filesystem", "sdk"})
            markers << "node_modules/@modelcontextprotocol/" + QString(p) + "/package.json";
        const auto npm = hearth_test::npm_install(m_dir, packages, markers);
        if (!npm.skip_reason.isEmpty()) QSKIP(qPrintable(npm.skip_reason));
        m_node = npm.node;
        // ES modules resolve packages from the script's folder, so the script runs from the npm folder.
        QFile::remove(m_dir + "/mcp_sdk_client.mjs");
        QVERIFY(QFile::copy(QStringLiteral(HEARTH_MCP_TEST_DIR "/mcp_sdk_client.mjs"), m_dir + "/mcp_sdk_client.mjs"));
        QVERIFY(m_tmp.isValid());
    }

    void everythingOverStdio() {
        const QString script = package("server-everything") + "/dist/index.js";
        const QString config = writeConfig(
            {{"everything", {{"command", m_node.toStdString()}, {"args", {script.toStdString(), "stdio"}}}}});
        compareEverything(
            config,
            {{"transport", "stdio"}, {"command", m_node.toStdString()}, {"args", {script.toStdString(), "stdio"}}});
    }

    void everythingOverStreamableHttp() {
        const int port = freePort();
        QVERIFY(port > 0);
        QProcess server;
        QProcessEnvironment env = nodeEnvironment();
        env.insert("PORT", QString::number(port));
        server.setProcessEnvironment(env);
        server.setProcessChannelMode(QProcess::MergedChannels);
        server.start(m_node, {package("server-everything") + "/dist/index.js", "streamableHttp"});
        QVERIFY(server.waitForStarted());
        QByteArray log;
        QTRY_VERIFY_WITH_TIMEOUT((log += server.readAll()).contains("listening on port"), 30000);

        const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
        const QString config = writeConfig({{"everything", {{"type", "streamable-http"}, {"url", url}}}});
        compareEverything(config, {{"transport", "http"}, {"url", url}});

        server.terminate();
        if (!server.waitForFinished(5000)) server.kill();
        server.waitForFinished(5000);
    }

    void filesystemOverStdio() {
        const QString root = m_tmp.filePath("root");
        QVERIFY(QDir().mkpath(root));
        QFile file(root + "/hello.txt");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("Hello, Hearth!\nSecond line: ünïcødé\n");
        file.close();
        QTemporaryDir outside;
        QFile secret(outside.filePath("secret.txt"));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("not for the model\n");
        secret.close();

        const QString canonicalRoot = QDir(root).canonicalPath();
        const std::string script = (package("server-filesystem") + "/dist/index.js").toStdString();
        const json args = {script, canonicalRoot.toStdString()};
        const QString config = writeConfig({{"fs", {{"command", m_node.toStdString()}, {"args", args}}}});
        const json inside = {{"path", (canonicalRoot + "/hello.txt").toStdString()}};
        const json outsideArgs = {{"path", QFileInfo(secret).canonicalFilePath().toStdString()}};
        const json escape = {
            {"path", (canonicalRoot + "/../" + QFileInfo(outside.path()).fileName() + "/secret.txt").toStdString()}};
        const json reference = sdk({{"transport", "stdio"},
                                    {"command", m_node.toStdString()},
                                    {"args", args},
                                    {"calls",
                                     {{{"name", "read_text_file"}, {"arguments", inside}},
                                      {{"name", "read_text_file"}, {"arguments", outsideArgs}}}}});
        QVERIFY2(reference.is_object(), "the SDK client gave no JSON");

        const json listed = hearth({"tools", "--config", config});
        QCOMPARE(names(listed["servers"]["fs"]["tools"]), reference["tools"].get<std::vector<std::string>>());

        int code = -1;
        const json read = hearth(
            {"call", "--config", config, "fs", "read_text_file", "--args", QString::fromStdString(inside.dump())},
            &code);
        QCOMPARE(code, 0);
        QCOMPARE(read["content"], reference["calls"][0]["content"]);
        QCOMPARE(read["content"][0]["text"], json("Hello, Hearth!\nSecond line: ünïcødé\n"));

        for (const json & a : {outsideArgs, escape}) {
            const json refused =
                hearth({"call", "--config", config, "fs", "read_text_file", "--args", QString::fromStdString(a.dump())},
                       &code);
            QCOMPARE(code, 3);
            QCOMPARE(refused["isError"], json(true));
            QVERIFY(refused["content"][0]["text"].get<std::string>().find("not for the model") == std::string::npos);
        }
        QCOMPARE(reference["calls"][1]["isError"], json(true));
    }
};

QTEST_GUILESS_MAIN(TestMcpNpm)
#include "test_mcp_npm.moc"
