#include "server/worker_engine.h"

#include <algorithm>
#include <thread>

#include "hearth/chat_session.h"
#include "hearth/error.h"

namespace Hearth::Server {

WorkerEngine::WorkerEngine(ServedModel model) : m_model(std::move(model)) {}

WorkerEngine::~WorkerEngine() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;  // a session that finishes now takes nothing more from the queue
        for (Queued & q : m_queue) q.cancel->store(true);
    }
    // Each session cancels its request and joins its worker; queued requests
    // still get their final event below.
    m_sessions.clear();
    for (Queued & q : m_queue) {
        hearth::GenerateEvent e;
        e.type = hearth::EventType_done;
        e.stop_reason = hearth::StopReason_cancelled;
        q.onEvent(e);
    }
}

std::unique_ptr<WorkerEngine> WorkerEngine::load(const std::string & path, hearth::LoadOptions options,
                                                 const WorkerEngineOptions & serve,
                                                 std::function<bool(float)> progress) {
    const int n = std::max(1, serve.parallel);
    // The template (or ChatML with a note), special tokens, tool format and
    // context, read once for every session (hearth/chat_session.h).
    hearth::ChatHeader header = hearth::read_chat_header(path, options.n_ctx, serve.templateFile);
    std::unique_ptr<WorkerEngine> engine(new WorkerEngine(servedModelOf(path, header.setup, header.tokenizer)));
    if (!serve.alias.empty()) engine->m_model.id = serve.alias;
    engine->m_model.parallel = n;
    if (n > 1 && options.n_threads <= 0)  // the sequences share the cores rather than each taking all
        options.n_threads = int32_t(std::max(1u, std::thread::hardware_concurrency() / unsigned(2 * n)));
    // Each session loads the model: their CPU weights stay one shared page
    // cache rather than N private copies (hearth/model.h, copy_weights).
    if (n > 1) options.copy_weights = false;
    std::mutex statusMutex;
    auto onStatus = [&statusMutex, engine = engine.get()](const hearth::WorkerStatus & status) {
        // Runs on a session's worker thread, before wait_loaded() returns.
        if (status.kind != hearth::WorkerStatus::Kind_loaded) return;
        std::lock_guard<std::mutex> lock(statusMutex);
        engine->m_model.description = status.description;
        auto & w = engine->m_warnings;
        if (!status.warning.empty() && std::find(w.begin(), w.end(), status.warning) == w.end())
            w.push_back(status.warning);
    };
    for (int i = 0; i < n; ++i) {
        hearth::LoadOptions o = options;
        if (i == 0) o.progress = progress;  // one bar; the others load alongside
        engine->m_sessions.push_back(hearth::ChatSession::open(path, header, o, onStatus));
    }
    // A failure throws its error; the other sessions cancel their loads as the engine goes.
    for (auto & s : engine->m_sessions) s->wait_loaded_or_throw();
    engine->m_busy.assign(size_t(n), false);
    return engine;
}

std::shared_ptr<std::atomic<bool>> WorkerEngine::submit(hearth::GenerateRequest request,
                                                        hearth::EventCallback onEvent) {
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard<std::mutex> lock(m_mutex);
    m_queue.push_back({std::move(request), std::move(onEvent), cancel});
    dispatchLocked();
    return cancel;
}

void WorkerEngine::dispatchLocked() {
    if (m_stopping) return;
    for (size_t i = 0; i < m_sessions.size() && !m_queue.empty(); ++i) {
        if (m_busy[i]) continue;
        Queued q = std::move(m_queue.front());
        m_queue.pop_front();
        m_busy[i] = true;
        // The last event frees the session for the next request in the queue.
        auto forward = [this, i, onEvent = std::move(q.onEvent)](const hearth::GenerateEvent & e) {
            const bool more = onEvent(e);
            if (e.type == hearth::EventType_done || e.type == hearth::EventType_error) {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_busy[i] = false;
                dispatchLocked();
            }
            return more;
        };
        m_sessions[i]->submit(std::move(q.request), std::move(forward), q.cancel);
    }
}

}  // namespace Hearth::Server
