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
    // Runs on the worker thread before the weights load: may adjust the load
    // options and give the tokenizer (a chat session reads the header here,
    // off its caller's thread). Throwing fails the load with that error.
    using Prelude = std::function<void(LoadOptions & options, std::shared_ptr<const Tokenizer> & tokenizer)>;
    // Runs on the worker thread just before its request: fills in the request
    // (its prompt) and returns true to run it, or false to drop it (having
    // told its caller why). Throwing ends the request with an error event.
    using Prepare = std::function<bool(GenerateRequest & request)>;

    // Starts the thread, which loads `path`. on_status runs on the worker thread.
    // `tokenizer`: the file's, when the caller has read it already (the
    // session then uses that one copy); null: the model's own (or the prelude's).
    GenerationWorker(std::string path, LoadOptions options, StatusCallback on_status,
                     std::shared_ptr<const Tokenizer> tokenizer = nullptr, Prelude prelude = nullptr);
    ~GenerationWorker();
    GenerationWorker(const GenerationWorker &) = delete;
    GenerationWorker & operator=(const GenerationWorker &) = delete;

    // Queues a request; its events run on the worker thread. A request queued
    // on a worker whose load failed or was cancelled gets one error event.
    // `cancel`: a flag of the caller's to use as the request's (one that
    // outlives a queue in front of this worker); null: a new one.
    // `prepare`: runs first, on the worker thread (see Prepare); a request
    // still queued when the worker is destroyed is not prepared but gets a
    // cancelled done event.
    RequestHandle submit(GenerateRequest request, EventCallback on_event,
                         std::shared_ptr<std::atomic<bool>> cancel = nullptr, Prepare prepare = nullptr);
    // Runs `task` on the worker thread in queue order, once the model has
    // loaded; never when the load failed or the worker is being destroyed.
    void post(std::function<void()> task);

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
        EventCallback on_event;  // null for a posted task
        std::shared_ptr<std::atomic<bool>> cancel;
        Prepare prepare;
    };
    void thread_main();
    void load();
    void run(Job & job, bool stopping);
    // The job's prepare step: true when its request is to run; otherwise its
    // caller was told why (an error, or cancelled while stopping) or it dropped itself.
    bool prepared(Job & job, bool stopping);

    std::string m_path;
    LoadOptions m_options;
    StatusCallback m_on_status;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    Prelude m_prelude;
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
