// WorkerEngine: an EngineAdapter over GenerationWorkers of its own: one per
// sequence served at once (llama-server's --parallel), each loading the
// model and keeping its Session (and so its prompt-prefix cache) between
// requests.
//
// Requests wait in one queue, in arrival order, and each goes to the first
// worker that is free: with one sequence, they run one at a time as before;
// with N, up to N run together. Every worker maps the same file (the CPU
// weights are one page cache) but has its own KV cache and scratch, and its
// own copy of any layers offloaded to a GPU.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hearth/model.h"
#include "hearth/worker.h"
#include "server/engine_adapter.h"

namespace Hearth::Server {

struct WorkerEngineOptions {
    std::string templateFile;  // overrides the model's chat template when not empty
    std::string alias;         // the model's name for clients (--alias); "": the file name
    int parallel = 1;          // sequences served at once
};

class WorkerEngine : public EngineAdapter {
public:
    // Reads the header, then loads the weights on the worker threads and
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
    std::vector<std::unique_ptr<hearth::GenerationWorker>> m_workers;
    std::vector<std::string> m_warnings;

    std::mutex m_mutex;
    std::deque<Queued> m_queue;
    std::vector<bool> m_busy;  // per worker
    bool m_stopping = false;
};

}  // namespace Hearth::Server
