// WorkerEngine: an EngineAdapter over hearth::ChatSessions of its own: one
// per sequence served at once (llama-server's --parallel), each loading the
// model and keeping its Session (and so its prompt-prefix cache) between
// requests. The header (template with its fallback, special tokens, tool
// format, context) is read once and shared by the sessions, as a chat reads it.
//
// Requests wait in one queue, in arrival order, and each goes to the first
// session that is free: with one sequence, they run one at a time as before;
// with N, up to N run together. Every session maps the same file (with N > 1
// the CPU weights are read in place, one page cache, not copied per session)
// but has its own KV cache and scratch, and its own copy of any layers
// offloaded to a GPU.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hearth/model.h"
#include "server/engine_adapter.h"

namespace hearth {
class ChatSession;
}

namespace Hearth::Server {

struct WorkerEngineOptions {
    std::string templateFile;  // overrides the model's chat template when not empty
    std::string alias;         // the model's name for clients (--alias); "": the file name
    int parallel = 1;          // sequences served at once
};

class WorkerEngine : public EngineAdapter {
public:
    // Reads the header, then loads the weights on the sessions' threads and
    // waits for them. `progress` (fraction done; false cancels) runs on a
    // worker thread. Throws hearth::Error when the file, template or load fails.
    static std::unique_ptr<WorkerEngine> load(const std::string & path, hearth::LoadOptions options,
                                              const WorkerEngineOptions & serve,
                                              std::function<bool(float)> progress = {});
    ~WorkerEngine() override;

    const ServedModel & model() const override { return m_model; }
    std::shared_ptr<std::atomic<bool>> submit(hearth::GenerateRequest request, hearth::EventCallback onEvent) override;

    // What loading had to say (e.g. why --mlock could not lock the weights), once each.
    const std::vector<std::string> & warnings() const { return m_warnings; }

private:
    struct Queued {
        hearth::GenerateRequest request;
        hearth::EventCallback onEvent;
        std::shared_ptr<std::atomic<bool>> cancel;
    };

    explicit WorkerEngine(ServedModel model);
    void dispatchLocked();

    ServedModel m_model;
    std::vector<std::shared_ptr<hearth::ChatSession>> m_sessions;
    std::vector<std::string> m_warnings;

    std::mutex m_mutex;
    std::deque<Queued> m_queue;
    std::vector<bool> m_busy;  // per session
    bool m_stopping = false;
};

}  // namespace Hearth::Server
