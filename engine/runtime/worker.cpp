#include "hearth/worker.h"

namespace hearth {

GenerationWorker::GenerationWorker(std::string path, LoadOptions options, StatusCallback on_status,
                                   std::shared_ptr<const Tokenizer> tokenizer)
    : m_path(std::move(path)),
      m_options(std::move(options)),
      m_on_status(std::move(on_status)),
      m_tokenizer(std::move(tokenizer)) {
    m_thread = std::thread([this] { thread_main(); });
}

GenerationWorker::~GenerationWorker() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
        m_cancel_load.store(true);
        for (Job & j : m_queue) j.cancel->store(true);
        if (m_current_cancel) m_current_cancel->store(true);
    }
    m_cv.notify_all();
    m_thread.join();
}

void GenerationWorker::load() {
    auto user_progress = m_options.progress;
    LoadOptions opts = m_options;
    opts.progress = [this, user_progress](float f) {
        if (m_on_status) {
            WorkerStatus s;
            s.kind = WorkerStatus::Kind_progress;
            s.progress = f;
            m_on_status(s);
        }
        if (user_progress && !user_progress(f)) return false;
        return !m_cancel_load.load();
    };
    WorkerStatus s;
    try {
        if (m_cancel_load.load()) throw Error(ErrorCode_cancelled, m_path + ": loading cancelled");
        auto model = Model::load(m_path, opts);
        m_session = std::make_unique<Session>(model, m_options.n_threads, m_tokenizer);
        s.kind = WorkerStatus::Kind_loaded;
        s.description = model->description();
        s.warning = model->lock_note();
    } catch (const Error & e) {
        s.kind = WorkerStatus::Kind_failed;
        s.error_code = e.code();
        s.error = e.what();
    } catch (const std::exception & e) {
        s.kind = WorkerStatus::Kind_failed;
        s.error_code = ErrorCode_resources;
        s.error = e.what();
    }
    // The status goes out before waiters wake, so wait_loaded() sees it delivered.
    if (m_on_status) m_on_status(s);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_load_done = true;
        m_load_error_code = s.error_code;
        m_load_error = s.error;
    }
    m_cv.notify_all();
}

void GenerationWorker::thread_main() {
    load();
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty()) return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
            m_busy = true;
            m_current_cancel = job.cancel;
        }
        if (!m_session) {
            GenerateEvent e;
            e.type = EventType_error;
            e.error_code = m_load_error_code;
            e.error = "the model is not loaded: " + m_load_error;
            job.on_event(e);
        } else {
            m_session->generate(job.request, job.on_event, job.cancel.get());
        }
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_busy = false;
            m_current_cancel.reset();
        }
        m_cv.notify_all();
    }
}

RequestHandle GenerationWorker::submit(GenerateRequest request, EventCallback on_event,
                                       std::shared_ptr<std::atomic<bool>> cancel) {
    RequestHandle h;
    h.cancel = cancel ? std::move(cancel) : std::make_shared<std::atomic<bool>>(false);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        h.id = m_next_id++;
        if (m_stopping) h.cancel->store(true);
        m_queue.push_back(Job{h.id, std::move(request), std::move(on_event), h.cancel});
    }
    m_cv.notify_all();
    return h;
}

bool GenerationWorker::wait_loaded() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_cv.wait(lock, [this] { return m_load_done; });
    return m_load_error.empty();
}

void GenerationWorker::wait_idle() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_cv.wait(lock, [this] { return m_load_done && m_queue.empty() && !m_busy; });
}

const Evaluator * GenerationWorker::evaluator() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_load_done && m_session ? &m_session->evaluator() : nullptr;
}

}  // namespace hearth
