#include "scripted_engine.h"

#include <chrono>

namespace server_test {

ScriptedEngine::ScriptedEngine(Hearth::Server::ServedModel model) : m_model(std::move(model)) {
    m_thread = std::thread([this] { threadMain(); });
}

ScriptedEngine::~ScriptedEngine() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
        for (Job & j : m_queue) j.cancel->store(true);
    }
    m_cv.notify_all();
    m_thread.join();
}

void ScriptedEngine::setScript(std::vector<std::string> pieces, int delayMs) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_pieces = std::move(pieces);
    m_delayMs = delayMs;
    m_error.clear();
}

void ScriptedEngine::setError(hearth::ErrorCode code, std::string message) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_errorCode = code;
    m_error = std::move(message);
}

std::shared_ptr<std::atomic<bool>> ScriptedEngine::submit(hearth::GenerateRequest request,
                                                          hearth::EventCallback onEvent) {
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_requests.push_back(request);
        m_queue.push_back(
            Job{std::move(request), std::move(onEvent), cancel, m_pieces, m_delayMs, m_errorCode, m_error});
    }
    m_cv.notify_all();
    return cancel;
}

std::vector<hearth::GenerateRequest> ScriptedEngine::requests() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_requests;
}

void ScriptedEngine::threadMain() {
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty()) return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        run(job);
    }
}

void ScriptedEngine::run(Job & job) {
    hearth::GenerateEvent e;
    if (!job.error.empty()) {
        e.type = hearth::EventType_error;
        e.error_code = job.errorCode;
        e.error = job.error;
        job.onEvent(e);
        return;
    }
    hearth::GenerationStats stats;
    stats.n_prompt =
        int32_t(job.request.prompt_ids.empty() ? job.request.prompt.size() / 4 + 1 : job.request.prompt_ids.size());
    hearth::StopReason reason = hearth::StopReason_eog;
    for (const std::string & piece : job.pieces) {
        if (job.delayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(job.delayMs));
        if (job.cancel->load()) {
            reason = hearth::StopReason_cancelled;
            break;
        }
        if (job.request.n_predict >= 0 && stats.n_generated >= job.request.n_predict) {
            reason = hearth::StopReason_length;
            break;
        }
        e.type = hearth::EventType_piece;
        e.text = piece;
        e.logprobs.clear();
        if (job.request.sampling.n_probs >= 0) {
            // One token per piece: logprob -(n+1)/10, alternatives "alt0", "alt1"...
            hearth::TokenLogprob t{stats.n_generated, piece, -0.1f * float(stats.n_generated + 1), {}};
            for (int k = 0; k < job.request.sampling.n_probs; ++k)
                t.top.push_back({1000 + k, "alt" + std::to_string(k), -1.0f - float(k)});
            e.logprobs.push_back(std::move(t));
        }
        ++stats.n_generated;
        if (!job.onEvent(e)) {
            reason = hearth::StopReason_cancelled;
            break;
        }
    }
    if (reason == hearth::StopReason_cancelled) ++m_cancelled;
    ++m_finished;
    e.type = hearth::EventType_stats;
    e.text.clear();
    e.logprobs.clear();
    e.stats = stats;
    job.onEvent(e);
    e.type = hearth::EventType_done;
    e.stop_reason = reason;
    job.onEvent(e);
}

}  // namespace server_test
