#include "hearth/chat_session.h"

#include "hearth/error.h"
#include "hearth/evaluator.h"
#include "hearth/gguf.h"
#include "hearth/tokenizer.h"

namespace hearth {

ChatHeader read_chat_header(const std::string & path, int32_t requested_ctx, const std::string & template_file) {
    const GgufFile file = GgufFile::open(path);
    require_supported_architecture(file);  // before the tokenizer: the clearer error first
    ChatHeader h;
    h.tokenizer = std::make_shared<const Tokenizer>(Tokenizer::from_gguf(file));
    h.setup = read_chat_setup(file, h.tokenizer->vocab(), requested_ctx, template_file);
    return h;
}

void ChatSession::take_header(ChatHeader header, LoadOptions & options) {
    m_setup = std::move(header.setup);
    m_tokenizer = std::move(header.tokenizer);
    m_planner = PromptPlanner(&m_setup, m_tokenizer);
    // A negative request stays, so the load refuses it with its own error.
    if (options.n_ctx >= 0) options.n_ctx = m_setup.n_ctx;
}

GenerationWorker::StatusCallback ChatSession::recorder(ChatSession * session,
                                                       GenerationWorker::StatusCallback on_status) {
    // The worker (and with it this callback) ends before the session does.
    return [session, on_status = std::move(on_status)](const WorkerStatus & status) {
        if (status.kind != WorkerStatus::Kind_progress) {
            std::lock_guard<std::mutex> lock(session->m_mutex);
            if (status.kind == WorkerStatus::Kind_loaded) session->m_description = status.description;
            if (status.kind == WorkerStatus::Kind_failed) session->m_failure = status;
        }
        if (on_status) on_status(status);
    };
}

std::shared_ptr<ChatSession> ChatSession::open(const std::string & path, LoadOptions options,
                                               GenerationWorker::StatusCallback on_status,
                                               const std::string & template_file) {
    ChatHeader header = read_chat_header(path, options.n_ctx, template_file);
    return open(path, std::move(header), std::move(options), std::move(on_status));
}

std::shared_ptr<ChatSession> ChatSession::open(const std::string & path, ChatHeader header, LoadOptions options,
                                               GenerationWorker::StatusCallback on_status) {
    std::shared_ptr<ChatSession> s(new ChatSession());
    s->m_path = path;
    s->take_header(std::move(header), options);
    s->m_worker = std::make_unique<GenerationWorker>(path, std::move(options), recorder(s.get(), std::move(on_status)),
                                                     s->m_tokenizer);
    return s;
}

std::shared_ptr<ChatSession> ChatSession::start(const std::string & path, LoadOptions options,
                                                GenerationWorker::StatusCallback on_status,
                                                const std::string & template_file) {
    std::shared_ptr<ChatSession> s(new ChatSession());
    s->m_path = path;
    // On the worker thread, before the weights: what open() reads on the caller's.
    auto prelude = [session = s.get(), template_file](LoadOptions & o, std::shared_ptr<const Tokenizer> & tokenizer) {
        session->take_header(read_chat_header(session->m_path, o.n_ctx, template_file), o);
        tokenizer = session->m_tokenizer;
    };
    s->m_worker = std::make_unique<GenerationWorker>(path, std::move(options), recorder(s.get(), std::move(on_status)),
                                                     nullptr, std::move(prelude));
    return s;
}

ChatSession::~ChatSession() {
    m_worker.reset();  // cancels and joins while the setup and tokenizer still stand
}

OutputParser ChatSession::reply_parser(const OutputParserConfig & config, const std::string & partial) {
    OutputParser parser(config);
    if (!partial.empty()) parser.feed(partial);
    return parser;
}

const Placement * ChatSession::placement() const {
    const Evaluator * ev = evaluator();
    return ev ? &ev->placement() : nullptr;
}

std::string ChatSession::description() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_description;
}

void ChatSession::wait_loaded_or_throw() {
    if (wait_loaded()) return;
    std::lock_guard<std::mutex> lock(m_mutex);
    throw Error(m_failure.error_code, m_failure.error.empty() ? m_path + ": the model did not load" : m_failure.error);
}

RequestHandle ChatSession::submit(GenerateRequest request, EventCallback on_event,
                                  std::shared_ptr<std::atomic<bool>> cancel) {
    return m_worker->submit(std::move(request), std::move(on_event), std::move(cancel));
}

RequestHandle ChatSession::submit_planned(GenerateRequest request, PlanStep plan, EventCallback on_event,
                                          std::shared_ptr<std::atomic<bool>> cancel) {
    auto prepare = [this, plan = std::move(plan)](GenerateRequest & r) { return plan(m_planner, r); };
    return m_worker->submit(std::move(request), std::move(on_event), std::move(cancel), std::move(prepare));
}

void ChatSession::post(std::function<void(PromptPlanner &)> task) {
    m_worker->post([this, task = std::move(task)] { task(m_planner); });
}

}  // namespace hearth
