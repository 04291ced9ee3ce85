#include "server/worker_engine.h"

#include "hearth/error.h"

namespace Hearth::Server {

WorkerEngine::WorkerEngine(ServedModel model) : m_model(std::move(model)) {}

WorkerEngine::~WorkerEngine() = default;  // the worker cancels its requests and joins

std::unique_ptr<WorkerEngine> WorkerEngine::load(const std::string & path, hearth::LoadOptions options,
                                                 const std::string & templateFile,
                                                 std::function<bool(float)> progress) {
    std::unique_ptr<WorkerEngine> engine(new WorkerEngine(readServedModel(path, options.n_ctx, templateFile)));
    options.progress = std::move(progress);
    hearth::WorkerStatus failure;
    engine->m_worker = std::make_unique<hearth::GenerationWorker>(
        path, options, [&failure, engine = engine.get()](const hearth::WorkerStatus & status) {
            // Runs on the worker thread; wait_loaded() returns only after the final status.
            if (status.kind == hearth::WorkerStatus::Kind_failed) failure = status;
            if (status.kind == hearth::WorkerStatus::Kind_loaded) engine->m_model.description = status.description;
        });
    if (!engine->m_worker->wait_loaded()) throw hearth::Error(failure.error_code, failure.error);
    return engine;
}

std::shared_ptr<std::atomic<bool>> WorkerEngine::submit(hearth::GenerateRequest request,
                                                        hearth::EventCallback onEvent) {
    return m_worker->submit(std::move(request), std::move(onEvent)).cancel;
}

}  // namespace Hearth::Server
