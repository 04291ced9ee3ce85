// Load: 16 clients at once, 3 requests each, against `hearth-cli serve` with
// stories260K. Each request has its own prompt and seed; streamed and whole
// replies are mixed. Every reply must be complete, well formed, and exactly
// what the same request gives when it is sent alone: nothing lost, nothing
// mixed up between clients, and the server still healthy afterwards.
#include <httplib.h>

#include <QtTest>
#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/fixtures.h"
#include "server_process.h"
#include "sse.h"

using nlohmann::json;

namespace {

constexpr int kClients = 16;
constexpr int kPerClient = 3;

const char * kNames[] = {"Lily", "Tom", "Ben", "Sue", "Max", "Mia", "Sam", "Anna"};
const char * kStarts[] = {"One day", "Once", "There was", "A little", "The sun"};

struct Outcome {
    int status = 0;
    std::string content;
    std::string finish;
    int completionTokens = -1;  // whole replies only
    bool wellFormed = false;
    std::string error;
};

json requestFor(int client, int k) {
    const int i = client * kPerClient + k;
    // Distinct first words, so no two prompts share more than BOS.
    const std::string prompt =
        std::string(kStarts[i % 5]) + " " + kNames[(i / 5) % 8] + " had " + std::to_string(i) + " friends.";
    const bool chat = i % 3 == 0;
    json body = {{"max_tokens", 16 + i % 9}, {"temperature", 0.9}, {"seed", 1000 + i}, {"stream", i % 2 == 0}};
    if (chat)
        body["messages"] = json::array({{{"role", "user"}, {"content", prompt}}});
    else
        body["prompt"] = prompt;
    return body;
}

Outcome send(int port, const json & body) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(120, 0);
    const bool chat = body.contains("messages");
    auto r = c.Post(chat ? "/v1/chat/completions" : "/v1/completions", body.dump(), "application/json");
    Outcome o;
    if (!r) {
        o.error = "no response: " + httplib::to_string(r.error());
        return o;
    }
    o.status = r->status;
    if (body["stream"].get<bool>()) {
        const auto s = server_test::parseSse(r->body);
        o.wellFormed = s.done && s.wellFormed;
        o.content = s.content;
        o.finish = s.finishReason;
        return o;
    }
    const json j = json::parse(r->body, nullptr, false);
    o.wellFormed = j.is_object() && j.contains("choices") && j.contains("usage");
    if (!o.wellFormed) return o;
    const json & c0 = j["choices"][0];
    o.content = chat ? c0["message"]["content"].get<std::string>() : c0["text"].get<std::string>();
    o.finish = c0["finish_reason"];
    o.completionTokens = j["usage"]["completion_tokens"];
    return o;
}

}  // namespace

class TestServerLoad : public QObject {
    Q_OBJECT
private slots:
    void concurrentClientsGetTheirOwnReplies() {
        const std::string model = HEARTH_FIXTURE("models/stories260K.gguf");
        // One engine thread: the model is tiny, and a busy machine (parallel
        // ctest) would otherwise make the thread pool's hand-offs the bottleneck.
        server_test::ServerProcess server(HEARTH_CLI, {"-m", QString::fromStdString(model), "--threads", "1"});
        QVERIFY2(server.waitReady(), qPrintable(server.error()));
        const int port = server.port();

        std::vector<Outcome> alone(kClients * kPerClient);
        for (int c = 0; c < kClients; ++c)
            for (int k = 0; k < kPerClient; ++k) alone[size_t(c * kPerClient + k)] = send(port, requestFor(c, k));
        for (const Outcome & o : alone) {
            QVERIFY2(o.status == 200 && o.wellFormed, o.error.c_str());
            QVERIFY(!o.content.empty());
        }

        std::vector<Outcome> together(alone.size());
        std::atomic<bool> go{false};
        std::vector<std::thread> clients;
        for (int c = 0; c < kClients; ++c)
            clients.emplace_back([&, c] {
                while (!go.load()) std::this_thread::yield();
                for (int k = 0; k < kPerClient; ++k)
                    together[size_t(c * kPerClient + k)] = send(port, requestFor(c, k));
            });
        QElapsedTimer clock;
        clock.start();
        go.store(true);
        for (auto & t : clients) t.join();
        qInfo("%d requests from %d concurrent clients in %lld ms", kClients * kPerClient, kClients,
              (long long)clock.elapsed());

        for (size_t i = 0; i < alone.size(); ++i) {
            const Outcome & a = alone[i];
            const Outcome & b = together[i];
            QVERIFY2(b.status == 200, (std::to_string(i) + ": " + std::to_string(b.status) + " " + b.error).c_str());
            QVERIFY2(b.wellFormed, std::to_string(i).c_str());
            QCOMPARE(b.content, a.content);
            QCOMPARE(b.finish, a.finish);
            QCOMPARE(b.completionTokens, a.completionTokens);
        }
        httplib::Client c("127.0.0.1", port);
        QCOMPARE(c.Get("/health")->status, 200);
        QCOMPARE(server.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestServerLoad)
#include "test_server_load.moc"
