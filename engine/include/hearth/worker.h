// hearth::GenerationWorker: the thread that owns one loaded model.
//
// The model loads on the worker thread (progress reported, cancellable);
// requests then queue and run one at a time on a Session, streaming their
// events from the worker thread. Each request gets its own cancel flag, which
// stops it within one token; destroying the worker cancels everything and joins.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "hearth/model.h"
#include "hearth/session.h"

namespace hearth {

struct WorkerStatus {
    enum Kind { Kind_progress, Kind_loaded, Kind_failed } kind = Kind_progress;
    float progress = 0.0f;    // Kind_progress: fraction done
    std::string description;  // Kind_loaded: Model::description()
    std::string warning;      // Kind_loaded: what the user should know (Model::lock_note)
    ErrorCode error_code = ErrorCode_io;
    std::string error;  // Kind_failed
};

struct RequestHandle {
    uint64_t id = 0;
    std::shared_ptr<std::atomic<bool>> cancel;  // set it to stop the request
};

class GenerationWorker {
public:
    using StatusCallback = std::function<void(const WorkerStatus &)>;

    // Starts the thread, which loads `path`. on_status runs on the worker thread.
    // `tokenizer`: the file's, when the caller has read it already (the
    // session then uses that one copy); null: the model's own.
    GenerationWorker(std::string path, LoadOptions options, StatusCallback on_status,
                     std::shared_ptr<const Tokenizer> tokenizer = nullptr);
    ~GenerationWorker();
    GenerationWorker(const GenerationWorker &) = delete;
    GenerationWorker & operator=(const GenerationWorker &) = delete;

    // Queues a request; its events run on the worker thread. A request queued
    // on a worker whose load failed or was cancelled gets one error event.
    // `cancel`: a flag of the caller's to use as the request's (one that
    // outlives a queue in front of this worker); null: a new one.
    RequestHandle submit(GenerateRequest request, EventCallback on_event,
                         std::shared_ptr<std::atomic<bool>> cancel = nullptr);

    void cancel_load() { m_cancel_load.store(true); }
    // Blocks until loading ends; true when the model is ready.
    bool wait_loaded();
    // Blocks until every queued request has finished.
    void wait_idle();
    // The loaded model's evaluator, for what is fixed at load (placement);
    // null until wait_loaded() has returned true. Generation runs on the
    // worker thread: callers only read.
    const Evaluator * evaluator() const;

private:
    struct Job {
        uint64_t id;
        GenerateRequest request;
        EventCallback on_event;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    void thread_main();
    void load();

    std::string m_path;
    LoadOptions m_options;
    StatusCallback m_on_status;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    std::atomic<bool> m_cancel_load{false};

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Job> m_queue;
    bool m_stopping = false;
    bool m_load_done = false;
    bool m_busy = false;
    uint64_t m_next_id = 1;
    ErrorCode m_load_error_code = ErrorCode_io;
    std::string m_load_error;
    std::shared_ptr<std::atomic<bool>> m_current_cancel;

    std::unique_ptr<Session> m_session;  // used only on the worker thread
    std::thread m_thread;
};

}  // namespace hearth
