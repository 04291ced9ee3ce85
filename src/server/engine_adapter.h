// EngineAdapter: the one thing the HTTP layer needs from an engine: the model
// it serves and a queue of generation requests.
//
// Implementations: WorkerEngine (hearth::ChatSessions of its own, for
// `hearth-cli serve` and the app's server), SessionEngine (the chat's
// session, shared) and, in tests, scripted engines
// that emit fixed text through the real protocol layer. Requests run one at a
// time in submission order (the worker's FIFO), so clients are served in the
// order their requests arrived and none is skipped.
#pragma once

#include <atomic>
#include <memory>

#include "hearth/session.h"
#include "server/served_model.h"

namespace Hearth::Server {

class EngineAdapter {
public:
    virtual ~EngineAdapter() = default;

    virtual const ServedModel & model() const = 0;
    // Queues a request. `onEvent` runs on an engine thread and ends with one
    // done or error event; returning false from it, or setting the returned
    // flag, stops the request within one token.
    virtual std::shared_ptr<std::atomic<bool>> submit(hearth::GenerateRequest request,
                                                      hearth::EventCallback onEvent) = 0;
};

}  // namespace Hearth::Server
