#include "hearth/chat_session.h"

#include "hearth/error.h"
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

std::shared_ptr<ChatSession> ChatSession::open(const std::string & path, LoadOptions options,
                                               GenerationWorker::StatusCallback on_status,
                                               const std::string & template_file) {
    std::shared_ptr<ChatSession> s(new ChatSession());
    s->m_path = path;
    ChatHeader header = read_chat_header(path, options.n_ctx, template_file);
    s->m_setup = std::move(header.setup);
    s->m_tokenizer = std::move(header.tokenizer);
    s->m_planner = PromptPlanner(&s->m_setup, s->m_tokenizer);
    // A negative request stays, so the load refuses it with its own error.
    if (options.n_ctx >= 0) options.n_ctx = s->m_setup.n_ctx;
    // The worker (and with it this callback) ends before the session does.
    auto record = [session = s.get(), on_status = std::move(on_status)](const WorkerStatus & status) {
        if (status.kind != WorkerStatus::Kind_progress) {
            std::lock_guard<std::mutex> lock(session->m_mutex);
            if (status.kind == WorkerStatus::Kind_loaded) session->m_description = status.description;
            if (status.kind == WorkerStatus::Kind_failed) session->m_failure = status;
        }
        if (on_status) on_status(status);
    };
    s->m_worker = std::make_unique<GenerationWorker>(path, std::move(options), std::move(record), s->m_tokenizer);
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

}  // namespace hearth
