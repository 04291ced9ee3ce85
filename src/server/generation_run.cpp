#include "server/generation_run.h"

namespace Hearth::Server {

std::shared_ptr<GenerationRun> GenerationRun::start(EngineAdapter & engine, hearth::GenerateRequest request) {
    std::shared_ptr<GenerationRun> run(new GenerationRun());
    // The engine holds the run alive until its last event, even when the HTTP
    // side has given up on it.
    auto flag =
        engine.submit(std::move(request), [run](const hearth::GenerateEvent & event) { return run->push(event); });
    std::lock_guard<std::mutex> lock(run->m_mutex);
    run->m_engineCancel = std::move(flag);
    if (run->m_cancelled.load() && run->m_engineCancel) run->m_engineCancel->store(true);
    return run;
}

bool GenerationRun::push(const hearth::GenerateEvent & event) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_events.push_back(event);
        if (event.type == hearth::EventType_done || event.type == hearth::EventType_error) m_finished = true;
    }
    m_cv.notify_all();
    return !m_cancelled.load();
}

std::optional<hearth::GenerateEvent> GenerationRun::next(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(m_mutex);
    if (!m_cv.wait_for(lock, timeout, [this] { return !m_events.empty(); })) return std::nullopt;
    hearth::GenerateEvent event = std::move(m_events.front());
    m_events.pop_front();
    return event;
}

bool GenerationRun::waitFinished(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_cv.wait_for(lock, timeout, [this] { return m_finished; });
}

void GenerationRun::cancel() {
    m_cancelled.store(true);
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_engineCancel) m_engineCancel->store(true);
}

}  // namespace Hearth::Server
