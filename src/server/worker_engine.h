// WorkerEngine: an EngineAdapter over a GenerationWorker of its own, which
// loads the model and keeps its Session (and so its prompt-prefix cache)
// between requests.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "hearth/model.h"
#include "hearth/worker.h"
#include "server/engine_adapter.h"

namespace Hearth::Server {

class WorkerEngine : public EngineAdapter {
public:
    // Reads the header, then loads the weights on the worker thread and waits
    // for them. `progress` (fraction done; false cancels) runs on the worker
    // thread. Throws hearth::Error when the file, template or load fails.
    static std::unique_ptr<WorkerEngine> load(const std::string & path, hearth::LoadOptions options,
                                              const std::string & templateFile,
                                              std::function<bool(float)> progress = {});
    ~WorkerEngine() override;

    const ServedModel & model() const override { return m_model; }
    std::shared_ptr<std::atomic<bool>> submit(hearth::GenerateRequest request, hearth::EventCallback onEvent) override;

private:
    explicit WorkerEngine(ServedModel model);

    ServedModel m_model;
    std::unique_ptr<hearth::GenerationWorker> m_worker;
};

}  // namespace Hearth::Server
