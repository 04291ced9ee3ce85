// ScriptedEngine: an EngineAdapter for tests that "generates" fixed pieces of
// text on a thread of its own, through the same event protocol as the real
// worker (pieces, stats, done; with sampling.n_probs >= 0, each piece carries
// one token's made-up logprob: -(n+1)/10, and alternatives "alt0"...). It records every request it receives and
// whether each was cancelled, so tests can check what the HTTP layer sent
// to the engine and that a client's disconnect reached it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/engine_adapter.h"

namespace server_test {

class ScriptedEngine : public Hearth::Server::EngineAdapter {
public:
    explicit ScriptedEngine(Hearth::Server::ServedModel model);
    ~ScriptedEngine() override;

    // The pieces every following request produces, one every `delayMs`.
    void setScript(std::vector<std::string> pieces, int delayMs = 0);
    // The next requests fail with this engine error instead.
    void setError(hearth::ErrorCode code, std::string message);

    const Hearth::Server::ServedModel & model() const override { return m_model; }
    std::shared_ptr<std::atomic<bool>> submit(hearth::GenerateRequest request, hearth::EventCallback onEvent) override;

    std::vector<hearth::GenerateRequest> requests() const;
    int cancelledCount() const { return m_cancelled.load(); }
    int finishedCount() const { return m_finished.load(); }

private:
    struct Job {
        hearth::GenerateRequest request;
        hearth::EventCallback onEvent;
        std::shared_ptr<std::atomic<bool>> cancel;
        std::vector<std::string> pieces;
        int delayMs;
        hearth::ErrorCode errorCode;
        std::string error;
    };
    void threadMain();
    void run(Job & job);

    Hearth::Server::ServedModel m_model;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Job> m_queue;
    std::vector<hearth::GenerateRequest> m_requests;
    std::vector<std::string> m_pieces;
    int m_delayMs = 0;
    hearth::ErrorCode m_errorCode = hearth::ErrorCode_invalid_argument;
    std::string m_error;
    bool m_stopping = false;
    std::atomic<int> m_cancelled{0};
    std::atomic<int> m_finished{0};
    std::thread m_thread;
};

}  // namespace server_test
