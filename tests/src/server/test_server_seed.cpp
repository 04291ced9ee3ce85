// The seed's llama_deploy.sh launch line, run through `hearth-cli serve` with
// only the model path and the port changed, then a chat through it with the
// seed's QwQ template:
//
//   llama-server -m MODEL --alias qwq-32b -c 32768 -ngl 99 -fa
//     --cache-type-k q8_0 --cache-type-v q8_0 --jinja
//     --chat-template-file seed-QwQ-32B.jinja --host 127.0.0.1 --port N
//     --n-predict -1 --parallel 1 --mlock
//
// The model is the synthetic qwen2 fixture (random weights, trained context
// 4096), so -c 32768 also checks that a context past the training one warns
// instead of failing. The KV cache of this small model at 32768 tokens is a
// few MB, so the context is used as written. Also: serve --help, the flags'
// errors, --mlock under a low RLIMIT_MEMLOCK, --n-predict, --parallel.
#include <httplib.h>
#include <unistd.h>

#include <QFile>
#include <QtTest>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/fixtures.h"
#include "common/process_runner.h"
#include "server_process.h"
#include "sse.h"

using nlohmann::json;
using server_test::ServerProcess;

namespace {

QStringList seedLine(const std::string & model, const std::string & tmpl) {
    return {"-m",
            QString::fromStdString(model),
            "--alias",
            "qwq-32b",
            "-c",
            "32768",
            "-ngl",
            "99",
            "-fa",
            "--cache-type-k",
            "q8_0",
            "--cache-type-v",
            "q8_0",
            "--jinja",
            "--chat-template-file",
            QString::fromStdString(tmpl),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--n-predict",
            "-1",
            "--parallel",
            "1",
            "--mlock"};
}

// Locked memory of a process, in KiB (VmLck).
long lockedKb(qint64 pid) {
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray & line : f.readAll().split('\n'))
        if (line.startsWith("VmLck:")) return line.mid(6).trimmed().split(' ').front().toLong();
    return -1;
}

hearth_test::ProcessRun cli(const QStringList & args) {
    return hearth_test::run_process(HEARTH_CLI, QStringList{"serve"} + args, {}, 30000);
}

}  // namespace

class TestServerSeed : public QObject {
    Q_OBJECT
    std::string m_model;
    std::string m_template;

private slots:
    void initTestCase() {
        m_model = HEARTH_FIXTURE("models/synthetic/qwen2-Q4_K_M.gguf");
        m_template = HEARTH_FIXTURE("templates/source/seed-QwQ-32B.jinja");
    }

    void seedLaunchLineServesAChat() {
        ServerProcess s(HEARTH_CLI, seedLine(m_model, m_template));
        QVERIFY2(s.waitReady(), qPrintable(s.error()));
        const QString log = QString::fromUtf8(s.stderrText());
        QVERIFY2(log.contains("32768 tokens is larger than the 4096"), qPrintable(log));
        QVERIFY2(!log.contains("cannot lock"), qPrintable(log));
        // --mlock: the weights (the whole file mapping) are locked.
        QVERIFY2(lockedKb(s.pid()) >= 1000, qPrintable(QString::number(lockedKb(s.pid()))));

        httplib::Client c("127.0.0.1", s.port());
        c.set_read_timeout(60, 0);
        const json models = json::parse(c.Get("/v1/models")->body);
        QCOMPARE(models["data"][0]["id"], "qwq-32b");
        const json props = json::parse(c.Get("/props")->body);
        QCOMPARE(props["n_ctx"], 32768);
        QCOMPARE(props["total_slots"], 1);
        QCOMPARE(props["chat_template_source"], "file");
        QCOMPARE(props["model"], "qwq-32b");

        // A chat as a client of the seed would send it, by the alias.
        const json body = {{"model", "qwq-32b"},
                           {"messages", json::array({{{"role", "system"}, {"content", "You are helpful."}},
                                                     {{"role", "user"}, {"content", "Hello there"}}})},
                           {"max_tokens", 12},
                           {"temperature", 0.6},
                           {"seed", 7},
                           {"logit_bias", {{"13", -100}}}};  // this random model would write only newlines
        auto r = c.Post("/v1/chat/completions", body.dump(), "application/json");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const json reply = json::parse(r->body);
        QCOMPARE(reply["model"], "qwq-32b");
        QCOMPARE(reply["usage"]["completion_tokens"], 12);
        // The seed template opens <think> in the prompt: the reply starts as reasoning.
        const json & message = reply["choices"][0]["message"];
        QVERIFY2(message.contains("reasoning_content") && !message["reasoning_content"].get<std::string>().empty(),
                 r->body.c_str());
        // The prompt went through the seed's template: more tokens than the text alone.
        QVERIFY(reply["usage"]["prompt_tokens"].get<int>() > 10);

        json stream = body;
        stream["stream"] = true;
        r = c.Post("/v1/chat/completions", stream.dump(), "application/json");
        const server_test::SseStream sse = server_test::parseSse(r->body);
        QVERIFY(sse.done && sse.wellFormed);
        QCOMPARE(sse.finishReason, "length");
        // The file's own name still addresses the model.
        json byFile = body;
        byFile["model"] = "qwen2-Q4_K_M";
        QCOMPARE(c.Post("/v1/chat/completions", byFile.dump(), "application/json")->status, 200);
        QCOMPARE(s.stop(), 0);
    }

    void mlockWarnsWhenTheLimitIsTooLow() {
        // As root (CAP_IPC_LOCK) the limit does not apply: drop the capability too.
        const QString prefix = ::geteuid() == 0
                                   ? QStringLiteral("ulimit -l 0; exec setpriv --bounding-set=-ipc_lock \"$0\" \"$@\"")
                                   : QStringLiteral("ulimit -l 0");
        ServerProcess s(HEARTH_CLI, seedLine(m_model, m_template), prefix);
        QVERIFY2(s.waitReady(), qPrintable(s.error()));
        const QString log = QString::fromUtf8(s.stderrText());
        QVERIFY2(log.contains("cannot lock") && log.contains("RLIMIT_MEMLOCK is 0 KiB"), qPrintable(log));
        QCOMPARE(lockedKb(s.pid()), 0L);
        httplib::Client c("127.0.0.1", s.port());
        QCOMPARE(c.Get("/health")->status, 200);  // it serves anyway
    }

    void helpAndFlagErrors() {
        auto r = cli({"--help"});
        QCOMPARE(r.code, 0);
        for (const char * flag : {"--alias", "--cache-type-v", "--flash-attn", "--mlock", "--n-predict", "--parallel",
                                  "--jinja", "--chat-template-file"})
            QVERIFY2(r.out.contains(flag), flag);
        const QString m = QString::fromStdString(m_model);
        r = cli({"-m", m, "-ctk", "q8_0", "-ctv", "f16"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("must match"), r.err.constData());
        r = cli({"-m", m, "-ctv", "q4_0"});
        QCOMPARE(r.code, 2);
        r = cli({"-m", m, "--host", ""});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--host needs an address"), r.err.constData());
        r = cli({"-m", m, "--parallel", "0"});
        QCOMPARE(r.code, 2);
        r = cli({"-m", m, "-fa", "sometimes"});
        QCOMPARE(r.code, 2);
    }

    void flashAttnOffIsNotedAndNPredictCaps() {
        ServerProcess s(HEARTH_CLI, {"-m", QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")), "-fa",
                                     "off", "-n", "5", "-np", "2"});
        QVERIFY2(s.waitReady(), qPrintable(s.error()));
        QVERIFY(QString::fromUtf8(s.stderrText()).contains("-fa off is ignored"));
        httplib::Client c("127.0.0.1", s.port());
        c.set_read_timeout(60, 0);
        QCOMPARE(json::parse(c.Get("/props")->body)["total_slots"], 2);
        // No max_tokens: the server's -n 5 caps the reply; a smaller max_tokens wins.
        json body = {{"prompt", "Once upon a time"}, {"temperature", 0}, {"logit_bias", {{"2", -100}}}};
        json reply = json::parse(c.Post("/v1/completions", body.dump(), "application/json")->body);
        QCOMPARE(reply["usage"]["completion_tokens"], 5);
        body["max_tokens"] = 3;
        reply = json::parse(c.Post("/v1/completions", body.dump(), "application/json")->body);
        QCOMPARE(reply["usage"]["completion_tokens"], 3);
        body["max_tokens"] = 50;
        reply = json::parse(c.Post("/v1/completions", body.dump(), "application/json")->body);
        QCOMPARE(reply["usage"]["completion_tokens"], 5);
    }
};

QTEST_GUILESS_MAIN(TestServerSeed)
#include "test_server_seed.moc"
