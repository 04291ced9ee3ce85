// The official `openai` npm client against `hearth-cli serve`: a streaming
// chat completion must come through its SSE parser with the same content as
// the request without streaming, and the raw stream must end with
// `data: [DONE]`. The package is installed with npm into the build folder
// on the first run (the registry is the only network this test uses) and
// reused after that.
#include <httplib.h>

#include <QtTest>
#include <nlohmann/json.hpp>

#include "common/fixtures.h"
#include "common/npm_packages.h"
#include "common/process_runner.h"
#include "server_process.h"

using nlohmann::json;

class TestServerOpenaiNpm : public QObject {
    Q_OBJECT
private slots:
    void streamingChatWithTheOfficialClient() {
        const QString dir = QStringLiteral(HEARTH_NPM_DIR);
        const auto npm = hearth_test::npm_install(dir, {"openai@7"}, {"node_modules/openai/package.json"}, 300000);
        if (!npm.skip_reason.isEmpty()) QSKIP(qPrintable(npm.skip_reason));
        const QString node = npm.node;

        const std::string model = HEARTH_FIXTURE("models/stories260K.gguf");
        server_test::ServerProcess server(
            HEARTH_CLI, {"-m", QString::fromStdString(model), "--api-key", "sk-local-test", "--threads", "1"});
        QVERIFY2(server.waitReady(), qPrintable(server.error()));

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("NODE_PATH", dir + "/node_modules");
        for (const char * proxy : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"}) env.remove(proxy);
        const auto res = hearth_test::run_process(node,
                                                  {QStringLiteral(HEARTH_SERVER_TEST_DIR "/openai_stream.cjs"),
                                                   QString::fromStdString(server.baseUrl()), "stories260K"},
                                                  {}, 120000, env);
        QVERIFY2(res.code == 0, qPrintable(QString::fromUtf8(res.err)));
        const json out = json::parse(res.out.trimmed().toStdString(), nullptr, false);
        QVERIFY2(out.is_object(), res.out.constData());

        QCOMPARE(out["role"], "assistant");
        QVERIFY(out["chunks"].get<int>() >= 3);
        const std::string content = out["content"];
        QVERIFY(!content.empty());
        QCOMPARE(content, out["wholeContent"].get<std::string>());
        QCOMPARE(out["finishReason"], out["wholeFinish"]);
        QVERIFY(out["usage"]["completion_tokens"].get<int>() > 0);
        QCOMPARE(out["modelIds"], json::array({"stories260K"}));
        QCOMPARE(out["lastData"], "data: [DONE]");

        // The same request over plain HTTP gives the same text.
        httplib::Client c("127.0.0.1", server.port());
        c.set_bearer_token_auth("sk-local-test");
        const json body = {{"model", "stories260K"},
                           {"messages", json::array({{{"role", "user"}, {"content", "Tell me a story about Lily."}}})},
                           {"max_tokens", 24},
                           {"temperature", 0}};
        auto r = c.Post("/v1/chat/completions", body.dump(), "application/json");
        QVERIFY(r);
        QCOMPARE(json::parse(r->body)["choices"][0]["message"]["content"].get<std::string>(), content);
        QCOMPARE(server.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestServerOpenaiNpm)
#include "test_server_openai_npm.moc"
