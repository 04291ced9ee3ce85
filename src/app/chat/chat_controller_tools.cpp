// ChatController's part in the tool loop: it owns the ToolRegistry (built-in
// tools and MCP servers), the AgentLoop, the Tools settings page and the open
// chat's tool picker, hands every finished reply to the loop, and generates
// the next reply when the loop has stored a turn's results.
//
// Turns are per chat (AgentLoop): while chat A waits for an approval, or
// its calls run, only A counts as generating; the user can open chat B and
// generate there. A's results may thus be stored while another chat is open,
// or while the engine answers B: A's answer then waits, and is generated when
// the user comes back to A, when the engine's reply ends with A open, or with
// `Continue` (continueToolTurn). A turn whose chat moved on meanwhile (the
// user sent something else there) is dropped; that is checked on the store
// thread, as everything else here reads the store.
#include <QFileInfo>
#include <optional>

#include "chat_controller.h"
#include "chat_model_controller.h"
#include "chat_settings_controller.h"
#include "chat_tools_model.h"
#include "core/agent_loop.h"
#include "core/conversation_store.h"
#include "core/store_worker.h"
#include "core/tool_registry.h"
#include "prepared_reply.h"
#include "tools_controller.h"

namespace Hearth {

QObject * ChatController::agent() const {
    return m_agent;
}

bool ChatController::toolsBusy() const {
    return m_agent && m_agent->busy(m_currentId);
}

void ChatController::initTools() {
    m_toolRegistry = new ToolRegistry;
    // The tool settings sit beside the database: the app's data folder, or a test's.
    const QString dir = m_worker ? QFileInfo(m_worker->path()).absolutePath() : QString();
    m_tools = new ToolsController(m_toolRegistry, dir);
    if (!m_worker) return;
    m_agent = new AgentLoop(m_worker, m_toolRegistry);
    m_agent->setDefaultOff(m_tools->offInNewChats());
    m_chatTools = new ChatToolsModel(m_toolRegistry, m_agent, m_tools, this);
    connect(m_agent, &AgentLoop::messagesAppended, this, [this](qint64 conversationId) {
        if (conversationId == m_currentId) m_messages.reload();
        m_conversations->reload();
    });
    connect(m_agent, &AgentLoop::continueRequested, this, &ChatController::continueAfterTools);
    // `generating` covers the loop's turn: Stop stops it, sending waits for it.
    connect(m_agent, &AgentLoop::callsChanged, this, &ChatController::generatingChanged);
    connect(this, &ChatController::currentConversationChanged, this, &ChatController::onToolsConversationChanged);
    connect(this, &ChatController::generatingChanged, this, &ChatController::refreshToolTurnWaiting);
    // The engine is free again: a waiting turn of the open chat goes on (or
    // is dropped, when the user moved that chat on meanwhile).
    connect(this, &ChatController::replyFinished, this, [this] {
        if (m_toolTurns.contains(m_currentId)) continueToolTurn();
    });
}

void ChatController::onReplyForTools(qint64 conversationId, qint64 replyId, const GenerationResult & result) {
    // A reply the user stopped, or one that failed, runs nothing.
    if (!m_agent || result.toolCalls.isEmpty() || !result.error.isEmpty() || result.stats.stopReason == "user") return;
    m_agent->onReplyFinished(conversationId, replyId);
}

void ChatController::continueAfterTools(qint64 conversationId, qint64 parentId) {
    m_toolTurns.insert(conversationId, parentId);
    if (conversationId == m_currentId) continueToolTurn();
    refreshToolTurnWaiting();
}

void ChatController::setToolTurnWaiting(bool waiting) {
    if (waiting == m_toolTurnWaiting) return;
    m_toolTurnWaiting = waiting;
    emit toolTurnWaitingChanged();
}

// Only while the chat still ends with that turn's results: a message sent
// there since, or another turn, has moved it on.
void ChatController::refreshToolTurnWaiting() {
    const auto it = m_toolTurns.constFind(m_currentId);
    if (it == m_toolTurns.cend() || !m_worker) return setToolTurnWaiting(false);
    m_worker->request(
        this,
        [id = m_currentId](ConversationStore & store) {
            const std::optional<Conversation> c = store.conversation(id);
            return c ? c->activeLeafId : qint64(-1);
        },
        [this, id = m_currentId](qint64 leaf) {
            if (id != m_currentId) return;  // another chat was opened meanwhile: it asked for itself
            const auto turn = m_toolTurns.constFind(id);
            setToolTurnWaiting(turn != m_toolTurns.cend() && turn.value() == leaf);
        },
        [this](const QString &) { setToolTurnWaiting(false); });
}

bool ChatController::continueToolTurn() {
    const auto it = m_toolTurns.constFind(m_currentId);
    // m_opening: the chat's own settings are still on their way (they call this again).
    if (it == m_toolTurns.cend() || !m_worker || !m_model->isReady() || generating() || m_opening != 0) return false;
    const qint64 conversationId = it.key(), parentId = it.value();
    m_toolTurns.remove(conversationId);
    setToolTurnWaiting(false);
    GenerationSettings settings = m_settings->generationSettings();
    // The loop's results were posted to the worker before this (continueRequested follows their write).
    return queueReply([conversationId, parentId, info = generationInfo(settings)](ConversationStore & store) {
        const std::optional<Conversation> c = store.conversation(conversationId);
        if (!c || c->activeLeafId != parentId) return PreparedReply{};  // the chat moved on: nothing to answer
        return PreparedReply::read(store, store.beginReply(conversationId, parentId, info));
    });
}

void ChatController::onToolsConversationChanged() {
    if (m_chatTools) m_chatTools->setConversationId(m_currentId);
    if (m_agent) m_agent->showConversation(m_currentId);  // its cards, if it has a turn
    // Back in a chat whose tool results came in meanwhile: its answer goes on.
    if (m_toolTurns.contains(m_currentId)) continueToolTurn();
    emit generatingChanged();  // `generating` follows the open chat's turn; toolTurnWaiting is read again
}

}  // namespace Hearth
