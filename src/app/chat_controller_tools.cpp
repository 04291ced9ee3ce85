// ChatController's part in the tool loop: it owns the ToolRegistry (built-in
// tools and MCP servers), the AgentLoop and the Tools settings page, hands
// every finished reply to the loop, and generates the next reply when the
// loop has stored a turn's results.
#include <QFileInfo>
#include <exception>

#include "chat_controller.h"
#include "core/agent_loop.h"
#include "core/conversation_store.h"
#include "core/store_worker.h"
#include "core/tool_registry.h"
#include "prepared_reply.h"
#include "tools_controller.h"

namespace Hearth {

QObject *ChatController::agent() const { return m_agent; }

bool ChatController::toolsBusy() const { return m_agent && m_agent->active(); }

void ChatController::initTools() {
    m_toolRegistry = new ToolRegistry;
    // The tool settings sit beside the database: the app's data folder, or a test's.
    const QString dir = m_worker ? QFileInfo(m_worker->path()).absolutePath() : QString();
    m_tools = new ToolsController(m_toolRegistry, dir);
    if (!m_store) return;
    m_agent = new AgentLoop(m_store.get(), m_toolRegistry);
    connect(m_agent, &AgentLoop::messagesAppended, this, [this](qint64 conversationId) {
        if (conversationId == m_currentId) m_messages.reload();
        m_conversations.reload();
    });
    connect(m_agent, &AgentLoop::continueRequested, this, &ChatController::continueAfterTools);
    // `generating` covers the loop's turn: Stop stops it, sending waits for it.
    connect(m_agent, &AgentLoop::callsChanged, this, &ChatController::generatingChanged);
}

void ChatController::onReplyForTools(qint64 replyId, const GenerationResult &result) {
    // A reply the user stopped, or one that failed, runs nothing.
    if (!m_agent || result.toolCalls.isEmpty() || !result.error.isEmpty() || result.stats.stopReason == "user") return;
    m_agent->onReplyFinished(replyId);
}

void ChatController::continueAfterTools(qint64 conversationId, qint64 parentId) {
    if (conversationId != m_currentId || !m_worker || m_modelState != Ready || generating()) return;
    GenerationSettings settings = m_settings;
    // The loop wrote its results on its own connection, committed before this is queued.
    queueReply([conversationId, parentId, info = generationInfo(settings)](ConversationStore &store) {
        return PreparedReply::read(store, store.beginReply(conversationId, parentId, info));
    });
}

}  // namespace Hearth
