// The server over the real engine in-process (WorkerEngine, stories260K),
// watched through a recording adapter: a client that hangs up mid-stream has
// its generation stopped as "cancelled" long before its token budget, and
// the engine goes on serving the next client. (Hang-ups while queued, and on
// whole replies, are covered with the scripted engine in test_server_protocol,
// where timing is under the test's control.)
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QtTest>
#include <chrono>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/fixtures.h"
#include "server/api_server.h"
#include "server/worker_engine.h"

using nlohmann::json;

namespace {

// Passes everything to the real engine and notes how each request ended.
class RecordingEngine : public Hearth::Server::EngineAdapter {
public:
    explicit RecordingEngine(Hearth::Server::EngineAdapter & inner) : m_inner(inner) {}
    const Hearth::Server::ServedModel & model() const override { return m_inner.model(); }
    std::shared_ptr<std::atomic<bool>> submit(hearth::GenerateRequest request, hearth::EventCallback onEvent) override {
        return m_inner.submit(std::move(request), [this, onEvent](const hearth::GenerateEvent & e) {
            if (e.type == hearth::EventType_stats) {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_generated.push_back(e.stats.n_generated);
            }
            if (e.type == hearth::EventType_done) {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_reasons.push_back(e.stop_reason);
            }
            return onEvent(e);
        });
    }
    std::vector<hearth::StopReason> reasons() const {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_reasons;
    }
    std::vector<int> generated() const {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_generated;
    }

private:
    Hearth::Server::EngineAdapter & m_inner;
    mutable std::mutex m_mutex;
    std::vector<hearth::StopReason> m_reasons;
    std::vector<int> m_generated;
};

int sendAndKeepOpen(int port, const json & body) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) return -1;
    const std::string text = body.dump();
    const std::string request =
        "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(text.size()) + "\r\n\r\n" + text;
    if (::send(fd, request.data(), request.size(), 0) != ssize_t(request.size())) return -1;
    return fd;
}

}  // namespace

class TestServerWorker : public QObject {
    Q_OBJECT
    std::unique_ptr<Hearth::Server::WorkerEngine> m_worker;

private slots:
    void initTestCase() {
        hearth::LoadOptions options;
        options.n_threads = 1;
        m_worker = Hearth::Server::WorkerEngine::load(HEARTH_FIXTURE("models/stories260K.gguf"), options, {});
        QCOMPARE(m_worker->model().id, "stories260K");
        QCOMPARE(m_worker->model().nCtx, 2048);
    }

    void hangUpCancelsTheRealGeneration() {
        RecordingEngine engine(*m_worker);
        Hearth::Server::ServerConfig config;
        config.port = 0;
        Hearth::Server::ApiServer server(engine, config);
        const int port = server.start();

        // 2000 tokens would take seconds; the client reads the first bytes and leaves.
        const json body = {{"prompt", "Once upon a time"}, {"max_tokens", 2000}, {"stream", true}, {"seed", 1}};
        const int fd = sendAndKeepOpen(port, body);
        QVERIFY(fd >= 0);
        char buf[256];
        QVERIFY(::recv(fd, buf, sizeof buf, 0) > 0);
        ::close(fd);
        QTRY_COMPARE_WITH_TIMEOUT(int(engine.reasons().size()), 1, 10000);
        QCOMPARE(engine.reasons()[0], hearth::StopReason_cancelled);
        qInfo("the engine stopped after %d of 2000 tokens", engine.generated()[0]);
        QVERIFY(engine.generated()[0] < 2000);

        // The engine still serves.
        httplib::Client c("127.0.0.1", port);
        auto r = c.Post("/v1/completions", json{{"prompt", "Once"}, {"max_tokens", 5}}.dump(), "application/json");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(json::parse(r->body)["usage"]["completion_tokens"], 5);
    }

    // --parallel: two requests run together on two sessions; with one, the
    // second waits for the first (the check that this test can fail).
    void parallelSequencesOverlap_data() {
        QTest::addColumn<int>("parallel");
        QTest::newRow("1") << 1;
        QTest::newRow("2") << 2;
    }
    void parallelSequencesOverlap() {
        QFETCH(int, parallel);
        hearth::LoadOptions options;
        options.n_threads = 1;
        Hearth::Server::WorkerEngineOptions serve;
        serve.parallel = parallel;
        auto engine = Hearth::Server::WorkerEngine::load(HEARTH_FIXTURE("models/stories260K.gguf"), options, serve);
        QCOMPARE(engine->model().parallel, parallel);
        using Clock = std::chrono::steady_clock;
        struct Times {
            std::mutex m;
            Clock::time_point first{}, done{};
        } times[2];
        std::atomic<int> finished{0};
        for (int i = 0; i < 2; ++i) {
            hearth::GenerateRequest req;
            req.prompt = i == 0 ? "Once upon a time" : "The little dog";
            req.n_predict = 1500;
            req.sampling.seed = uint64_t(i);
            req.sampling.logit_bias = {{2, -INFINITY}};  // no end of story: all 1500 tokens
            engine->submit(req, [&, i](const hearth::GenerateEvent & e) {
                std::lock_guard<std::mutex> lock(times[i].m);
                if (e.type == hearth::EventType_piece && times[i].first == Clock::time_point{})
                    times[i].first = Clock::now();
                if (e.type == hearth::EventType_done || e.type == hearth::EventType_error) {
                    times[i].done = Clock::now();
                    ++finished;
                }
                return true;
            });
        }
        QTRY_COMPARE_WITH_TIMEOUT(finished.load(), 2, 60000);
        const bool overlapped = times[1].first < times[0].done;
        QCOMPARE(overlapped, parallel > 1);
    }
};

QTEST_GUILESS_MAIN(TestServerWorker)
#include "test_server_worker.moc"
