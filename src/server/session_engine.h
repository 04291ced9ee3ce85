// SessionEngine: an EngineAdapter over a hearth::ChatSession that someone
// else loaded: the app's chat. The server then serves the chat's model, one
// copy in memory, and its requests join the session's one queue, taking
// turns with the chat's replies in arrival order.
//
// The session stays alive while the engine holds it; the owner of the server
// stops it when the chat's model changes (ServerController does).
#pragma once

#include <memory>

#include "server/engine_adapter.h"

namespace hearth {
class ChatSession;
}

namespace Hearth::Server {

class SessionEngine : public EngineAdapter {
public:
    // Waits for the session's load. Throws hearth::Error when it failed.
    static std::unique_ptr<SessionEngine> attach(std::shared_ptr<hearth::ChatSession> session);

    const ServedModel & model() const override { return m_model; }
    std::shared_ptr<std::atomic<bool>> submit(hearth::GenerateRequest request, hearth::EventCallback onEvent) override;
    const std::shared_ptr<hearth::ChatSession> & session() const { return m_session; }

private:
    SessionEngine(std::shared_ptr<hearth::ChatSession> session, ServedModel model)
        : m_session(std::move(session)), m_model(std::move(model)) {}

    std::shared_ptr<hearth::ChatSession> m_session;
    ServedModel m_model;
};

}  // namespace Hearth::Server
