// Structured output with real clients (structured_clients.cjs): the openai
// SDK's chat.completions.parse with zodResponseFormat, the Vercel AI SDK's
// generateObject, and LangChain's withStructuredOutput (default, function
// calling and JSON schema) against `hearth-cli serve` on a random-weight
// model with Qwen3's template. Every client validates the object with zod;
// here each one is validated once more against the schema zod exports.
//
// The packages are installed with npm into the build folder on the first run
// (the registry is the only network this test uses). Without node, npm or the
// registry the test is skipped, saying why.
#include <QtTest>
#include <nlohmann/json.hpp>

#include "common/fixtures.h"
#include "common/npm_packages.h"
#include "common/process_runner.h"
#include "schema_validator.h"
#include "server_process.h"

using nlohmann::json;

namespace {

const QStringList kPackages = {
    "openai@7", "zod@4", "ai@6", "@ai-sdk/openai-compatible@2", "@langchain/openai@1", "@langchain/core@1"};

QStringList markers() {
    QStringList files;
    for (const QString & p : kPackages) files << "node_modules/" + p.left(p.lastIndexOf('@')) + "/package.json";
    return files;
}

}  // namespace

class TestServerStructuredNpm : public QObject {
    Q_OBJECT
private slots:
    void structuredOutputWithRealClients() {
        const auto npm = hearth_test::npm_install(QStringLiteral(HEARTH_NPM_DIR), kPackages, markers(), 400000);
        if (!npm.skip_reason.isEmpty()) QSKIP(qPrintable(npm.skip_reason));
        const QString node = npm.node;
        const QString dir = QStringLiteral(HEARTH_NPM_DIR);

        server_test::ServerProcess server(
            HEARTH_CLI,
            {"-m", QString::fromStdString(HEARTH_FIXTURE("models/synthetic/qwen3-Q8_0.gguf")), "--chat-template-file",
             QString::fromStdString(HEARTH_FIXTURE("templates/source/Qwen-Qwen3-0.6B.jinja")), "--ctx", "2048",
             "--api-key", "sk-local-test", "--threads", "1"});
        QVERIFY2(server.waitReady(), qPrintable(server.error()));

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("NODE_PATH", dir + "/node_modules");
        for (const char * proxy : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"}) env.remove(proxy);
        const auto res = hearth_test::run_process(node,
                                                  {QStringLiteral(HEARTH_SERVER_TEST_DIR "/structured_clients.cjs"),
                                                   QString::fromStdString(server.baseUrl()), "qwen3-Q8_0"},
                                                  {}, 400000, env);
        QVERIFY2(res.code == 0, qPrintable(QString::fromUtf8(res.err).right(3000)));
        const json out = json::parse(res.out.trimmed().toStdString(), nullptr, false);
        QVERIFY2(out.is_object(), res.out.constData());

        const json & results = out["results"];
        QCOMPARE(results.size(), size_t(15));  // 3 seeds x (openai, ai, 3 LangChain methods)
        for (const auto & [client, value] : results.items()) {
            const std::string why = grammar_test::validate(value, out["schema"]);
            QVERIFY2(why.empty(), qPrintable(QString::fromStdString(client + ": " + why + " in " + value.dump())));
        }
        // LangChain's function calling went through a forced tool call, its
        // JSON schema method through the content.
        for (const auto & [client, how] : out["via"].items()) {
            if (client.find("functionCalling") != std::string::npos) QCOMPARE(how.get<std::string>(), "tool_calls");
            if (client.find("jsonSchema") != std::string::npos) QCOMPARE(how.get<std::string>(), "content");
        }
        QCOMPARE(out["via"].size(), size_t(9));
        QCOMPARE(server.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestServerStructuredNpm)
#include "test_server_structured_npm.moc"
