// GenerationRun: one request's trip through the engine, seen from the HTTP
// thread that serves it.
//
// The engine's events arrive on its own thread and are queued here; the HTTP
// thread takes them with next(), waiting at most a given time so that it can
// probe the client meanwhile (a write that fails means the client left, and
// cancel() stops the generation within one token, or drops it from the queue
// before it starts).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "hearth/session.h"
#include "server/engine_adapter.h"

namespace Hearth::Server {

class GenerationRun : public std::enable_shared_from_this<GenerationRun> {
public:
    // Submits `request` to `engine`; events start arriving at once.
    static std::shared_ptr<GenerationRun> start(EngineAdapter & engine, hearth::GenerateRequest request);

    // The next event, or nullopt when none came within `timeout`. After the
    // done or error event nothing else arrives.
    std::optional<hearth::GenerateEvent> next(std::chrono::milliseconds timeout);
    // Waits until the run has finished (its done or error event is queued).
    bool waitFinished(std::chrono::milliseconds timeout);
    void cancel();
    bool cancelled() const { return m_cancelled.load(); }

private:
    GenerationRun() = default;
    bool push(const hearth::GenerateEvent & event);

    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<hearth::GenerateEvent> m_events;
    bool m_finished = false;
    std::atomic<bool> m_cancelled{false};
    std::shared_ptr<std::atomic<bool>> m_engineCancel;
};

}  // namespace Hearth::Server
