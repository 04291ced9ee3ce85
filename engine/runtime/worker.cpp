#include "hearth/worker.h"

#include "hearth/error.h"

namespace hearth {

GenerationWorker::GenerationWorker(std::string path, LoadOptions options, StatusCallback on_status,
                                   std::shared_ptr<const Tokenizer> tokenizer, Prelude prelude)
    : m_path(std::move(path)),
      m_options(std::move(options)),
      m_on_status(std::move(on_status)),
      m_tokenizer(std::move(tokenizer)),
      m_prelude(std::move(prelude)) {
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
    WorkerStatus s;
    try {
        if (m_cancel_load.load()) throw Error(ErrorCode_cancelled, m_path + ": loading cancelled");
        if (m_prelude) m_prelude(m_options, m_tokenizer);
        auto user_progress = m_options.progress;
        LoadOptions opts = m_options;
        opts.progress = [this, user_progress](float f) {
            if (m_on_status) {
                WorkerStatus p;
                p.kind = WorkerStatus::Kind_progress;
                p.progress = f;
                m_on_status(p);
            }
            if (user_progress && !user_progress(f)) return false;
            return !m_cancel_load.load();
        };
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
        bool stopping = false;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty()) return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
            m_busy = true;
            m_current_cancel = job.cancel;
            stopping = m_stopping;
        }
        run(job, stopping);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_busy = false;
            m_current_cancel.reset();
        }
        m_cv.notify_all();
    }
}

void GenerationWorker::run(Job & job, bool stopping) {
    if (!m_session) {
        if (!job.on_event) return;  // a task: nothing to run it on
        GenerateEvent e;
        e.type = EventType_error;
        e.error_code = m_load_error_code;
        e.error = "the model is not loaded: " + m_load_error;
        job.on_event(e);
        return;
    }
    if (prepared(job, stopping)) m_session->generate(job.request, job.on_event, job.cancel.get());
}

bool GenerationWorker::prepared(Job & job, bool stopping) {
    if (!job.prepare) return true;
    GenerateEvent e;
    if (stopping) {  // not worth planning a prompt that will not run
        e.type = EventType_done;
        e.stop_reason = StopReason_cancelled;
    } else {
        e.type = EventType_error;
        try {
            return job.prepare(job.request);
        } catch (const Error & err) {
            e.error_code = err.code();
            e.error = err.what();
        } catch (const std::exception & err) {
            e.error_code = ErrorCode_invalid_argument;
            e.error = err.what();
        }
    }
    if (job.on_event) job.on_event(e);
    return false;
}

void GenerationWorker::post(std::function<void()> task) {
    // A task is a request that is only ever prepared, never generated.
    submit({}, nullptr, nullptr, [task = std::move(task)](GenerateRequest &) {
        task();
        return false;
    });
}

RequestHandle GenerationWorker::submit(GenerateRequest request, EventCallback on_event,
                                       std::shared_ptr<std::atomic<bool>> cancel, Prepare prepare) {
    RequestHandle h;
    h.cancel = cancel ? std::move(cancel) : std::make_shared<std::atomic<bool>>(false);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        h.id = m_next_id++;
        if (m_stopping) h.cancel->store(true);
        m_queue.push_back(Job{h.id, std::move(request), std::move(on_event), h.cancel, std::move(prepare)});
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
