// `hearth-cli serve` as a user runs it, over the fixture models: every
// endpoint, streaming and not, llama.cpp's greedy continuation reproduced
// through /v1/completions, prompt-prefix reuse, seeds, stops, the error
// objects (malformed JSON, wrong types, unknown model, oversize body, context
// overflow, API key), CORS, a client hanging up mid-stream, and the CLI's
// own usage errors.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QtTest>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/fixtures.h"
#include "common/process_runner.h"
#include "server_process.h"
#include "sse.h"

using nlohmann::json;
using server_test::ServerProcess;

namespace {

json chat(const std::string & text, int maxTokens, bool stream = false) {
    return {{"messages", json::array({{{"role", "user"}, {"content", text}}})},
            {"max_tokens", maxTokens},
            {"temperature", 0},
            {"stream", stream}};
}

json errorOf(const httplib::Result & r) {
    json j = json::parse(r->body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"] : json();
}

}  // namespace

class TestServerCli : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerProcess> m_stories;  // stories260K, no chat template (ChatML), CORS, small body limit
    std::unique_ptr<ServerProcess> m_qwen;     // synthetic qwen3 + Qwen3's template, ctx 1024, API key
    json m_golden;

    static httplib::Client client(const ServerProcess & s, const std::string & key = {}) {
        httplib::Client c("127.0.0.1", s.port());
        c.set_read_timeout(60, 0);
        if (!key.empty()) c.set_bearer_token_auth(key.c_str());
        return c;
    }
    static httplib::Result post(const ServerProcess & s, const std::string & path, const json & body,
                                const std::string & key = {}) {
        return client(s, key).Post(path.c_str(), body.dump(), "application/json");
    }

private slots:
    void initTestCase() {
        const std::string stories = HEARTH_FIXTURE("models/stories260K.gguf");
        m_golden = json::parse(hearth_test::read_text(HEARTH_FIXTURE("models/stories260K.golden.json")));
        m_stories = std::make_unique<ServerProcess>(
            HEARTH_CLI, QStringList{"-m", QString::fromStdString(stories), "--max-body", "65536", "--cors",
                                    "http://app.example,http://other.example", "--models-dir",
                                    QString::fromStdString(HEARTH_FIXTURE("models/synthetic"))});
        QVERIFY2(m_stories->waitReady(), qPrintable(m_stories->error()));
        const std::string qwen = HEARTH_FIXTURE("models/synthetic/qwen3-Q8_0.gguf");
        const std::string tmpl = HEARTH_FIXTURE("templates/source/Qwen-Qwen3-0.6B.jinja");
        m_qwen = std::make_unique<ServerProcess>(
            HEARTH_CLI, QStringList{"-m", QString::fromStdString(qwen), "--chat-template-file",
                                    QString::fromStdString(tmpl), "--ctx", "1024", "--api-key", "k-123", "--kv-type",
                                    "q8_0", "--n-gpu-layers", "auto", "--threads", "1"});
        QVERIFY2(m_qwen->waitReady(), qPrintable(m_qwen->error()));
    }

    void healthModelsProps() {
        auto c = client(*m_stories);
        auto r = c.Get("/health");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(json::parse(r->body)["status"], "ok");
        r = c.Get("/v1/models");
        QCOMPARE(r->status, 200);
        const json models = json::parse(r->body);
        // Only the served model is selectable; the rest of the library (--models-dir) is listed apart.
        QCOMPARE(models["data"].size(), size_t(1));
        QCOMPARE(models["data"][0]["id"], "stories260K");
        QCOMPARE(models["data"][0]["owned_by"], "hearth");
        QCOMPARE(models["data"][0]["meta"]["loaded"], true);
        QVERIFY(models["library"].size() > size_t(10));
        bool sawQwen3 = false;
        for (const json & m : models["library"]) {
            QCOMPARE(m["loaded"], false);
            QVERIFY(m["id"] != "stories260K");
            sawQwen3 = sawQwen3 || m["id"] == "qwen3-Q8_0";
        }
        QVERIFY(sawQwen3);
        // GET /v1/models/{id}: the served one by its id or file name; others are 404.
        r = c.Get("/v1/models/stories260K");
        QCOMPARE(r->status, 200);
        QCOMPARE(json::parse(r->body)["id"], "stories260K");
        QCOMPARE(c.Get("/v1/models/stories260K.gguf")->status, 200);
        r = c.Get("/v1/models/qwen3-Q8_0");
        QCOMPARE(r->status, 404);
        QCOMPARE(errorOf(r)["code"], "model_not_found");
        // The qwen server has no --models-dir: its (empty, temporary) default folder adds nothing.
        const json qm = json::parse(client(*m_qwen, "k-123").Get("/v1/models")->body);
        QCOMPARE(qm["data"].size(), size_t(1));
        QCOMPARE(qm["library"].size(), size_t(0));
        r = c.Get("/props");
        const json props = json::parse(r->body);
        QCOMPARE(props["n_ctx"], 2048);
        QCOMPARE(props["chat_template_source"], "chatml-fallback");
        QCOMPARE(props["bos_token"], "<s>");

        auto q = client(*m_qwen, "k-123");
        const json qp = json::parse(q.Get("/props")->body);
        QCOMPARE(qp["n_ctx"], 1024);
        QCOMPARE(qp["chat_template_source"], "file");
        QCOMPARE(qp["tool_call_format"], "hermes");
    }

    // llama.cpp's greedy continuation of the golden prompt, token for token.
    void completionsReproduceLlamaCpp() {
        const std::string prompt = m_golden["prompt_text"];
        const std::string expected = m_golden["greedy_text"];
        const int n = int(m_golden["greedy_ids"].size());
        const json body = {{"model", "stories260K"}, {"prompt", prompt}, {"max_tokens", n}, {"temperature", 0}};
        auto r = post(*m_stories, "/v1/completions", body);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const json j = json::parse(r->body);
        QCOMPARE(j["choices"][0]["text"].get<std::string>(), expected);
        QCOMPARE(j["choices"][0]["finish_reason"], "length");
        QCOMPARE(j["usage"]["prompt_tokens"], int(m_golden["prompt_ids"].size()));
        QCOMPARE(j["usage"]["completion_tokens"], n);

        json sbody = body;
        sbody["stream"] = true;
        r = post(*m_stories, "/v1/completions", sbody);
        QCOMPARE(r->status, 200);
        const auto s = server_test::parseSse(r->body);
        QVERIFY(s.done && s.wellFormed);
        QCOMPARE(s.content, expected);
        QCOMPARE(s.finishReason, "length");

        // Token ids as the prompt give the same text.
        json ids = body;
        ids["prompt"] = m_golden["prompt_ids"];
        r = post(*m_stories, "/v1/completions", ids);
        QCOMPARE(json::parse(r->body)["choices"][0]["text"].get<std::string>(), expected);
    }

    void chatStreamMatchesWhole() {
        auto r = post(*m_stories, "/v1/chat/completions", chat("Tell me about Lily.", 24));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const json whole = json::parse(r->body);
        QCOMPARE(whole["object"], "chat.completion");
        QCOMPARE(whole["choices"][0]["message"]["role"], "assistant");
        const std::string content = whole["choices"][0]["message"]["content"];
        QVERIFY(!content.empty());
        r = post(*m_stories, "/v1/chat/completions", chat("Tell me about Lily.", 24, true));
        QCOMPARE(r->status, 200);
        const auto s = server_test::parseSse(r->body);
        QVERIFY(s.done && s.wellFormed);
        QCOMPARE(s.content, content);
        QCOMPARE(s.finishReason, whole["choices"][0]["finish_reason"].get<std::string>());
        for (const json & e : s.events) QCOMPARE(e["object"], "chat.completion.chunk");
    }

    void promptPrefixIsReused() {
        const json body = chat("A story about a cat and a dog who become friends.", 4);
        post(*m_stories, "/v1/chat/completions", body);
        auto r = post(*m_stories, "/v1/chat/completions", body);
        const json u = json::parse(r->body)["usage"];
        QVERIFY(u["prompt_tokens"].get<int>() > 10);
        QCOMPARE(u["prompt_tokens_details"]["cached_tokens"].get<int>(), u["prompt_tokens"].get<int>() - 1);
    }

    void seedsReproduce() {
        json body = chat("Sing", 32);
        body["temperature"] = 1.0;
        body["seed"] = 77;
        const std::string a =
            json::parse(post(*m_stories, "/v1/chat/completions", body)->body)["choices"][0]["message"]["content"];
        const std::string b =
            json::parse(post(*m_stories, "/v1/chat/completions", body)->body)["choices"][0]["message"]["content"];
        QCOMPARE(a, b);
        QVERIFY(!a.empty());
    }

    void stopStringsEndTheReply() {
        const json body = {{"prompt", m_golden["prompt_text"]},
                           {"max_tokens", 48},
                           {"temperature", 0},
                           {"stop", json::array({" ball"})}};
        const json j = json::parse(post(*m_stories, "/v1/completions", body)->body);
        QCOMPARE(j["choices"][0]["text"].get<std::string>(),
                 " She loved to play outside in the park. One day, she saw a big, red");
        QCOMPARE(j["choices"][0]["finish_reason"], "stop");
    }

    void errorObjects() {
        auto c = client(*m_stories);
        auto r = c.Post("/v1/chat/completions", "{\"messages\": [", "application/json");
        QCOMPARE(r->status, 400);
        QCOMPARE(errorOf(r)["code"], "invalid_json");
        r = post(*m_stories, "/v1/chat/completions", {{"messages", "hi"}});
        QCOMPARE(r->status, 400);
        QCOMPARE(errorOf(r)["param"], "messages");
        json wrong = chat("hi", 4);
        wrong["max_tokens"] = "four";
        r = post(*m_stories, "/v1/chat/completions", wrong);
        QCOMPARE(r->status, 400);
        QCOMPARE(errorOf(r)["param"], "max_tokens");
        json unknown = chat("hi", 4);
        unknown["model"] = "llama-70b";
        r = post(*m_stories, "/v1/chat/completions", unknown);
        QCOMPARE(r->status, 404);
        QCOMPARE(errorOf(r)["code"], "model_not_found");
        json n2 = chat("hi", 4);
        n2["n"] = 2;
        QCOMPARE(post(*m_stories, "/v1/chat/completions", n2)->status, 400);
        // Larger than --max-body 65536.
        r = post(*m_stories, "/v1/chat/completions", chat(std::string(100000, 'x'), 4));
        QVERIFY(r);
        QCOMPARE(r->status, 413);
        QCOMPARE(errorOf(r)["code"], "request_too_large");
        // Longer than the qwen server's 1024-token context.
        std::string longText;
        for (int i = 0; i < 800; ++i) longText += "once upon a time ";
        r = post(*m_qwen, "/v1/chat/completions", chat(longText, 4), "k-123");
        QCOMPARE(r->status, 400);
        QCOMPARE(errorOf(r)["code"], "context_length_exceeded");
        r = post(*m_qwen, "/v1/completions", {{"prompt", longText}}, "k-123");
        QCOMPARE(r->status, 400);
        QCOMPARE(errorOf(r)["code"], "context_length_exceeded");
        // The server is still well after all that.
        QCOMPARE(c.Get("/health")->status, 200);
    }

    // 15 MB of prompt: refused by a bytes-per-token bound in milliseconds,
    // before tokenizing it (which took seconds and 180 MB).
    void oversizedPromptIsRefusedBeforeTokenizing() {
        std::string big;
        big.reserve(15u << 20);
        while (big.size() < (15u << 20)) big += "once upon a time there was a little dog. ";
        for (const char * path : {"/v1/completions", "/v1/chat/completions"}) {
            const json body =
                std::string(path) == "/v1/completions" ? json{{"prompt", big}, {"max_tokens", 1}} : chat(big, 1);
            QElapsedTimer clock;
            clock.start();
            auto r = post(*m_qwen, path, body, "k-123");
            QVERIFY(r);
            QCOMPARE(r->status, 400);
            const json e = errorOf(r);
            QCOMPARE(e["code"], "context_length_exceeded");
            QVERIFY2(e["message"].get<std::string>().find("is at least") != std::string::npos,
                     e["message"].get<std::string>().c_str());
            // For the record only: what is left is parsing 15 MB of JSON, and this machine may be busy.
            qInfo("%s: refused in %lld ms", path, clock.elapsed());
        }
        // logit_bias against the real vocabulary (512 tokens).
        json body = chat("hi", 2);
        body["logit_bias"] = {{"512", 1}};
        QCOMPARE(post(*m_qwen, "/v1/chat/completions", body, "k-123")->status, 400);
        body["logit_bias"] = {{"511", 1}};
        QCOMPARE(post(*m_qwen, "/v1/chat/completions", body, "k-123")->status, 200);
    }

    // Logprobs from the real sampler: greedy picks the likeliest, so each
    // token is its own first alternative; the tokens spell the text.
    void logprobsFromTheRealSampler() {
        json body = {{"prompt", "Once upon a time"}, {"max_tokens", 8}, {"temperature", 0}, {"logprobs", 3}};
        json choice = json::parse(post(*m_stories, "/v1/completions", body)->body)["choices"][0];
        const json & lp = choice["logprobs"];
        QVERIFY(lp["tokens"].size() >= 1 && lp["tokens"].size() <= 8);  // an end of text is not listed
        std::string text;
        for (size_t i = 0; i < lp["tokens"].size(); ++i) {
            text += lp["tokens"][i].get<std::string>();
            const double chosen = lp["token_logprobs"][i];
            QVERIFY(chosen <= 0.0);
            const json & top = lp["top_logprobs"][i];
            QVERIFY(top.size() >= 1 && top.size() <= 3);
            double best = -1e9;
            for (const auto & [token, value] : top.items()) best = std::max(best, value.get<double>());
            QVERIFY(std::fabs(best - chosen) < 1e-4);
        }
        QCOMPARE(text, choice["text"].get<std::string>());
        // Chat, sampled: probabilities of the distribution drawn from, which sum to at most 1.
        json c = chat("Hello", 6);
        c["temperature"] = 0.8;
        c["seed"] = 5;
        c["logprobs"] = true;
        c["top_logprobs"] = 5;
        const json content =
            json::parse(post(*m_stories, "/v1/chat/completions", c)->body)["choices"][0]["logprobs"]["content"];
        QVERIFY(content.size() >= 1 && content.size() <= 6);
        for (const json & t : content) {
            double sum = 0;
            for (const json & a : t["top_logprobs"]) sum += std::exp(a["logprob"].get<double>());
            QVERIFY(sum <= 1.0 + 1e-4);
            QVERIFY(t["logprob"].get<double>() <= 0.0);
        }
    }

    void maxTokensFitTheContext() {
        // No max_tokens: the reply may fill the context but never overflows it.
        json body = chat("Hello", 4);
        body.erase("max_tokens");
        auto r = post(*m_qwen, "/v1/chat/completions", body, "k-123");
        QCOMPARE(r->status, 200);
        const json u = json::parse(r->body)["usage"];
        QVERIFY(u["total_tokens"].get<int>() <= 1024);
    }

    void apiKey() {
        QCOMPARE(post(*m_qwen, "/v1/chat/completions", chat("hi", 2))->status, 401);
        auto r = post(*m_qwen, "/v1/chat/completions", chat("hi", 2), "wrong");
        QCOMPARE(r->status, 401);
        QCOMPARE(errorOf(r)["code"], "invalid_api_key");
        QCOMPARE(client(*m_qwen).Get("/v1/models")->status, 401);
        QCOMPARE(client(*m_qwen).Get("/health")->status, 200);
        r = post(*m_qwen, "/v1/chat/completions", chat("hi", 2), "k-123");
        QCOMPARE(r->status, 200);
    }

    void cors() {
        auto c = client(*m_stories);
        auto r = c.Get("/v1/models", {{"Origin", "http://other.example"}});
        QCOMPARE(r->get_header_value("Access-Control-Allow-Origin"), "http://other.example");
        r = c.Get("/v1/models", {{"Origin", "http://evil.example"}});
        QVERIFY(!r->has_header("Access-Control-Allow-Origin"));
        r = c.Options("/v1/chat/completions", {{"Origin", "http://app.example"}});
        QCOMPARE(r->status, 204);
        QCOMPARE(r->get_header_value("Access-Control-Allow-Origin"), "http://app.example");
    }

    void templateAndToolsOnQwen() {
        json body = chat("What is the weather in Paris?", 8);
        body["tools"] =
            json::array({{{"type", "function"},
                          {"function",
                           {{"name", "get_weather"},
                            {"parameters", {{"type", "object"}, {"properties", {{"city", {{"type", "string"}}}}}}}}}}});
        auto r = post(*m_qwen, "/v1/chat/completions", body, "k-123");
        QCOMPARE(r->status, 200);
        const json j = json::parse(r->body);
        const json plain =
            json::parse(post(*m_qwen, "/v1/chat/completions", chat("What is the weather in Paris?", 8), "k-123")->body);
        // The tool list is rendered into the prompt by Qwen3's template.
        QVERIFY(j["usage"]["prompt_tokens"].get<int>() > plain["usage"]["prompt_tokens"].get<int>() + 20);
        const std::string finish = j["choices"][0]["finish_reason"];
        QVERIFY(finish == "length" || finish == "stop" || finish == "tool_calls");
        // A conversation with an earlier tool call and its result renders too.
        json conv = body;
        const json call = {{"id", "call_0"},
                           {"type", "function"},
                           {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Paris\"}"}}}};
        conv["messages"] =
            json::array({{{"role", "user"}, {"content", "Weather in Paris?"}},
                         {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array({call})}},
                         {{"role", "tool"}, {"tool_call_id", "call_0"}, {"content", "18 C, sunny"}}});
        r = post(*m_qwen, "/v1/chat/completions", conv, "k-123");
        QCOMPARE(r->status, 200);
    }

    void clientHangUpMidStream() {
        auto c = client(*m_stories);
        const std::string body = chat("A long story", 1500, true).dump();
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(uint16_t(m_stories->port()));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        const std::string request =
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            "application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body;
        QCOMPARE(::send(fd, request.data(), request.size(), 0), ssize_t(request.size()));
        char buf[256];
        QVERIFY(::recv(fd, buf, sizeof buf, 0) > 0);
        ::close(fd);
        // The next client is served at once, and the server lives on.
        auto r = post(*m_stories, "/v1/chat/completions", chat("hi", 4));
        QCOMPARE(r->status, 200);
        QVERIFY(m_stories->running());
    }

    void usageErrors() {
        auto run = [](const QStringList & args) {
            return hearth_test::run_process(HEARTH_CLI, QStringList{"serve"} + args, {}, 60000);
        };
        auto res = run({});
        QCOMPARE(res.code, 2);
        QVERIFY(res.err.contains("-m"));
        res = run({"-m", "x.gguf", "--kv-type", "q4"});
        QCOMPARE(res.code, 2);
        res = run({"-m", "/nonexistent/model.gguf", "--port", "0"});
        QCOMPARE(res.code, 1);
        QVERIFY(res.err.contains("/nonexistent/model.gguf"));
        // The port of the running server is taken.
        res = run({"-m", QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")), "--host", "127.0.0.1",
                   "--port", QString::number(m_stories->port())});
        QCOMPARE(res.code, 1);
        QVERIFY(res.err.contains("cannot listen"));
    }

    void cleanupTestCase() {
        if (m_stories) QCOMPARE(m_stories->stop(), 0);
        if (m_qwen) QCOMPARE(m_qwen->stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestServerCli)
#include "test_server_cli.moc"
