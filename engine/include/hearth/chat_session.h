// hearth::ChatSession: one loaded chat model and everything a chat needs
// around it, shared by the app's bridge, the local server and hearth-cli.
//
// It owns:
//   - the GenerationWorker (the weights, the Session and its KV cache, and so
//     prefix reuse between requests: a prompt that starts like the last one
//     evaluates only what is new);
//   - the ChatSetup: the template with its ChatML fallback, the tool-call
//     format, the special tokens, the BOS rule and the context size;
//   - one Tokenizer, read once, which both the worker's Session and the
//     prompt planner use;
//   - the PromptPlanner: the chat's context policy (rolling window, truncate
//     middle, stop at the limit) and what each conversation left out last;
//   - the reply's output parser setup (reasoning, tool calls);
//   - the memory plan the load placed the model by (placement()).
//
// Requests from every front door go through submit() into the worker's one
// FIFO queue, so a chat and API clients sharing a session take turns with
// one copy of the model in memory. The worker is the session's one thread: a
// front door that must not block (the app) starts the session with start(),
// which reads the header there too, and plans its prompts there
// (submit_planned, post). Destroying the session cancels what runs and joins
// the worker.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "hearth/chat_prompt.h"
#include "hearth/chat_setup.h"
#include "hearth/model.h"
#include "hearth/output_parser.h"
#include "hearth/worker.h"

namespace hearth {

class Tokenizer;
struct Placement;

// What a chat reads from a model file's header: the setup and the tokenizer,
// the vocabulary parsed once for both. Throws hearth::Error (file, template
// file, unsupported architecture, vocabulary).
struct ChatHeader {
    ChatSetup setup;
    std::shared_ptr<const Tokenizer> tokenizer;
};
ChatHeader read_chat_header(const std::string & path, int32_t requested_ctx, const std::string & template_file = {});

class ChatSession {
public:
    // Reads the header (template, special tokens, context) and the tokenizer
    // on the calling thread, then starts the worker loading the weights with
    // the chosen context; `on_status` reports the load from the worker thread.
    // Throws hearth::Error for the file, a template file, an unsupported
    // architecture or the vocabulary.
    static std::shared_ptr<ChatSession> open(const std::string & path, LoadOptions options,
                                             GenerationWorker::StatusCallback on_status,
                                             const std::string & template_file = {});
    // The same with the header read already: a server that opens one session
    // per parallel sequence reads it once, and the sessions share the
    // template and the tokenizer.
    static std::shared_ptr<ChatSession> open(const std::string & path, ChatHeader header, LoadOptions options,
                                             GenerationWorker::StatusCallback on_status);
    // The same, returning at once: the header is read on the worker thread
    // before the weights, and its errors arrive as the load's Kind_failed
    // status (and from wait_loaded_or_throw). setup() and tokenizer() are
    // valid once the load has succeeded (after its Kind_loaded status, or
    // wait_loaded() returning true); until then only the worker uses them.
    static std::shared_ptr<ChatSession> start(const std::string & path, LoadOptions options,
                                              GenerationWorker::StatusCallback on_status,
                                              const std::string & template_file = {});
    ~ChatSession();
    ChatSession(const ChatSession &) = delete;
    ChatSession & operator=(const ChatSession &) = delete;

    const std::string & path() const { return m_path; }
    const ChatSetup & setup() const { return m_setup; }
    const std::shared_ptr<const Tokenizer> & tokenizer() const { return m_tokenizer; }
    // The chat's context policy; used by one thread at a time: the caller's
    // when it plans itself, or the worker's through submit_planned() and post().
    PromptPlanner & planner() { return m_planner; }

    // The parser for a reply planned with `config` (PromptPlan::parser);
    // `partial` (a continued reply's text, which the caller shows already) is
    // fed first and its delta dropped.
    static OutputParser reply_parser(const OutputParserConfig & config, const std::string & partial);

    // Thread-safe. Queues a request behind every other user's (see worker.h).
    RequestHandle submit(GenerateRequest request, EventCallback on_event,
                         std::shared_ptr<std::atomic<bool>> cancel = nullptr);
    // Thread-safe. Queues a request whose prompt is planned on the worker
    // thread just before it runs (so the planner, the template and the
    // tokenizer never run on the caller's thread): `plan` fills in the
    // request and returns true, or returns false to drop it (see
    // GenerationWorker::Prepare). The session outlives every call of `plan`.
    using PlanStep = std::function<bool(PromptPlanner & planner, GenerateRequest & request)>;
    RequestHandle submit_planned(GenerateRequest request, PlanStep plan, EventCallback on_event,
                                 std::shared_ptr<std::atomic<bool>> cancel = nullptr);
    // Thread-safe. Runs `task` with the planner on the worker thread in queue
    // order, once the model has loaded (a measurement that must not wait on
    // the caller's thread).
    void post(std::function<void(PromptPlanner & planner)> task);
    bool wait_loaded() { return m_worker->wait_loaded(); }
    // Waits for the load; throws its hearth::Error when it failed or was cancelled.
    void wait_loaded_or_throw();
    // The loaded model's evaluator; null before the load.
    const Evaluator * evaluator() const { return m_worker->evaluator(); }
    // The session's memory plan: where the load placed the layers and the KV
    // cache (plan_memory against the probed card, with the retries the
    // driver forced) and why. Front doors report this rather than planning
    // again. Null before the load has succeeded. Any thread.
    const Placement * placement() const;
    // Model::description() once loaded, "" before. Any thread.
    std::string description() const;
    void wait_idle() { m_worker->wait_idle(); }

private:
    ChatSession() = default;
    void take_header(ChatHeader header, LoadOptions & options);
    static GenerationWorker::StatusCallback recorder(ChatSession * session, GenerationWorker::StatusCallback on_status);

    std::string m_path;
    ChatSetup m_setup;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    PromptPlanner m_planner;
    mutable std::mutex m_mutex;
    std::string m_description;                   // guarded by m_mutex
    WorkerStatus m_failure;                      // guarded by m_mutex: the load's failure, if any
    std::unique_ptr<GenerationWorker> m_worker;  // last: joins before the rest goes
};

}  // namespace hearth
