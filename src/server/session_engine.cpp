#include "server/session_engine.h"

#include "hearth/chat_session.h"
#include "hearth/error.h"

namespace Hearth::Server {

std::unique_ptr<SessionEngine> SessionEngine::attach(std::shared_ptr<hearth::ChatSession> session) {
    if (!session) throw hearth::Error(hearth::ErrorCode_invalid_argument, "no model is loaded in the chat");
    session->wait_loaded_or_throw();
    ServedModel model = servedModelOf(session->path(), session->setup(), session->tokenizer());
    model.description = session->description();
    return std::unique_ptr<SessionEngine>(new SessionEngine(std::move(session), std::move(model)));
}

std::shared_ptr<std::atomic<bool>> SessionEngine::submit(hearth::GenerateRequest request,
                                                         hearth::EventCallback onEvent) {
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_session->submit(std::move(request), std::move(onEvent), cancel);
    return cancel;
}

}  // namespace Hearth::Server
