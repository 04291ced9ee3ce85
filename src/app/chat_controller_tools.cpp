// ChatController's part in the tool loop: it owns the ToolRegistry (built-in
// tools and MCP servers), the AgentLoop, the Tools settings page and the open
// chat's tool picker, hands every finished reply to the loop, and generates
// the next reply when the loop has stored a turn's results.
//
// A turn's results may be stored while another chat is open (the user left
// while a call waited or ran): that chat's answer then waits, and is
// generated when the user comes back to it, or with `Continue`
// (continueToolTurn) when the engine was busy then. A turn whose chat moved
// on meanwhile (the user sent something else there) is dropped.
#include <QFileInfo>
#include <exception>

#include "chat_controller.h"
#include "chat_tools_model.h"
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
    m_agent->setDefaultOff(m_tools->offInNewChats());
    m_chatTools = new ChatToolsModel(m_toolRegistry, m_agent, m_tools, this);
    connect(m_agent, &AgentLoop::messagesAppended, this, [this](qint64 conversationId) {
        if (conversationId == m_currentId) m_messages.reload();
        m_conversations.reload();
    });
    connect(m_agent, &AgentLoop::continueRequested, this, &ChatController::continueAfterTools);
    // `generating` covers the loop's turn: Stop stops it, sending waits for it.
    connect(m_agent, &AgentLoop::callsChanged, this, &ChatController::generatingChanged);
    connect(this, &ChatController::currentConversationChanged, this, &ChatController::onToolsConversationChanged);
    connect(this, &ChatController::generatingChanged, this, &ChatController::toolTurnWaitingChanged);
    // The engine is free again: a waiting turn of the open chat goes on (or
    // is dropped, when the user moved that chat on meanwhile).
    connect(this, &ChatController::replyFinished, this, [this] {
        if (m_toolTurns.contains(m_currentId)) continueToolTurn();
    });
}

void ChatController::onReplyForTools(qint64 replyId, const GenerationResult &result) {
    // A reply the user stopped, or one that failed, runs nothing.
    if (!m_agent || result.toolCalls.isEmpty() || !result.error.isEmpty() || result.stats.stopReason == "user") return;
    m_agent->onReplyFinished(replyId);
}

void ChatController::continueAfterTools(qint64 conversationId, qint64 parentId) {
    m_toolTurns.insert(conversationId, parentId);
    if (conversationId == m_currentId) continueToolTurn();
    emit toolTurnWaitingChanged();
}

// Only while the chat still ends with that turn's results: a message sent
// there since, or another turn, has moved it on.
bool ChatController::toolTurnWaiting() const {
    const auto it = m_toolTurns.constFind(m_currentId);
    if (it == m_toolTurns.cend() || !m_store) return false;
    try {
        const std::optional<Conversation> c = m_store->conversation(m_currentId);
        return c && c->activeLeafId == it.value();
    } catch (const std::exception &) {
        return false;
    }
}

bool ChatController::continueToolTurn() {
    const auto it = m_toolTurns.constFind(m_currentId);
    // m_opening: the chat's own settings are still on their way (they call this again).
    if (it == m_toolTurns.cend() || !m_worker || m_modelState != Ready || generating() || m_opening != 0) return false;
    const bool moved = !toolTurnWaiting();
    const qint64 conversationId = it.key(), parentId = it.value();
    m_toolTurns.remove(conversationId);
    emit toolTurnWaitingChanged();
    if (moved) return false;
    GenerationSettings settings = m_settings;
    // The loop wrote its results on its own connection, committed before this is queued.
    return queueReply([conversationId, parentId, info = generationInfo(settings)](ConversationStore &store) {
        return PreparedReply::read(store, store.beginReply(conversationId, parentId, info));
    });
}

void ChatController::onToolsConversationChanged() {
    if (m_chatTools) m_chatTools->setConversationId(m_currentId);
    // Back in a chat whose tool results came in meanwhile: its answer goes on.
    if (m_toolTurns.contains(m_currentId)) continueToolTurn();
    emit toolTurnWaitingChanged();
}

}  // namespace Hearth
