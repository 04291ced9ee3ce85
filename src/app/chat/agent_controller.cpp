#include "agent_controller.h"

#include <optional>
#include <utility>

#include "chat_controller.h"
#include "core/agent_loop.h"
#include "core/conversation_store.h"
#include "core/store_worker.h"
#include "core/tool_registry.h"

namespace Hearth {

AgentController::AgentController(StoreWorker * worker, const QString & dataDir, ChatController * chat, QObject * parent)
    : QObject(parent), m_worker(worker), m_chat(chat) {
    m_registry = new ToolRegistry;
    // The tool settings sit beside the database: the app's data folder, or a test's.
    m_tools = new ToolsController(m_registry, dataDir);
    if (!m_worker) return;
    m_loop = new AgentLoop(m_worker, m_registry);
    m_loop->setDefaultOff(m_tools->offInNewChats());
    m_chatTools = new ChatToolsModel(m_registry, m_loop, m_tools, this);
}

AgentController::~AgentController() {
    shutdown();
}

void AgentController::shutdown() {
    delete std::exchange(m_loop, nullptr);  // cancels running tool calls
    delete std::exchange(m_tools, nullptr);
    delete std::exchange(m_registry, nullptr);  // stops the MCP servers
}

QObject * AgentController::loop() const {
    return m_loop;
}

void AgentController::onReplyForTools(qint64 conversationId, qint64 replyId, const GenerationResult & result) {
    // A reply the user stopped, or one that failed, runs nothing.
    if (!m_loop || result.toolCalls.isEmpty() || !result.error.isEmpty() || result.stats.stopReason == "user") return;
    m_loop->onReplyFinished(conversationId, replyId);
}

void AgentController::continueAfterTools(qint64 conversationId, qint64 parentId) {
    m_toolTurns.insert(conversationId, parentId);
    if (conversationId == m_chat->currentConversationId()) continueToolTurn();
    refreshToolTurnWaiting();
}

void AgentController::setToolTurnWaiting(bool waiting) {
    if (waiting == m_toolTurnWaiting) return;
    m_toolTurnWaiting = waiting;
    emit toolTurnWaitingChanged();
}

// Only while the chat still ends with that turn's results: a message sent
// there since, or another turn, has moved it on.
void AgentController::refreshToolTurnWaiting() {
    const qint64 current = m_chat->currentConversationId();
    const auto it = m_toolTurns.constFind(current);
    if (it == m_toolTurns.cend() || !m_worker) return setToolTurnWaiting(false);
    m_worker->request(
        this,
        [id = current](ConversationStore & store) {
            const std::optional<Conversation> c = store.conversation(id);
            return c ? c->activeLeafId : qint64(-1);
        },
        [this, id = current](qint64 leaf) {
            if (id != m_chat->currentConversationId())
                return;  // another chat was opened meanwhile: it asked for itself
            const auto turn = m_toolTurns.constFind(id);
            setToolTurnWaiting(turn != m_toolTurns.cend() && turn.value() == leaf);
        },
        [this](const QString &) { setToolTurnWaiting(false); });
}

bool AgentController::continueToolTurn() {
    const auto it = m_toolTurns.constFind(m_chat->currentConversationId());
    // canGenerate: a model, no reply, and the chat's own settings read (their arrival calls this again).
    if (it == m_toolTurns.cend() || !m_chat->canGenerate()) return false;
    const qint64 conversationId = it.key(), parentId = it.value();
    m_toolTurns.remove(conversationId);
    setToolTurnWaiting(false);
    // The loop's results were posted to the worker before this (continueRequested follows their write).
    return m_chat->answerToolTurn(conversationId, parentId);
}

void AgentController::onConversationChanged() {
    const qint64 current = m_chat->currentConversationId();
    if (m_chatTools) m_chatTools->setConversationId(current);
    if (m_loop) m_loop->showConversation(current);  // its cards, if it has a turn
    // Back in a chat whose tool results came in meanwhile: its answer goes on.
    if (m_toolTurns.contains(current)) continueToolTurn();
    // `generating` follows the open chat's turn; toolTurnWaiting is read again.
    m_chat->notifyGeneratingChanged();
}

void AgentController::onReplyFinished() {
    // The engine is free again: a waiting turn of the open chat goes on (or
    // is dropped, when the user moved that chat on meanwhile).
    if (m_toolTurns.contains(m_chat->currentConversationId())) continueToolTurn();
}

}  // namespace Hearth
