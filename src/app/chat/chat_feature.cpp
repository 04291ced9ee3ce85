#include "chat_feature.h"

#include <QFileInfo>

#include "agent_controller.h"
#include "chat_controller.h"
#include "chat_model_controller.h"
#include "chat_settings_controller.h"
#include "conversations_controller.h"
#include "core/agent_loop.h"
#include "core/engine_bridge.h"
#include "core/remote_engine.h"
#include "core/store_worker.h"

namespace Hearth {

ChatFeature::ChatFeature(const QString & databasePath, QObject * parent)
    : m_worker(std::make_unique<StoreWorker>(databasePath)) {
    QString openError;
    if (!m_worker->isOpen()) {
        openError = m_worker->openError();
        m_worker.reset();
    }
    // The model hashes' cache and the tool settings sit beside the database: the app's data directory, or a test's.
    const QString dataDir = m_worker ? QFileInfo(m_worker->path()).absolutePath() : QString();
    m_settings = new ChatSettingsController(m_worker.get(), parent);
    m_model = new ChatModelController(m_worker.get(), m_settings, dataDir, parent);
    m_conversations = new ConversationsController(m_worker.get(), parent);
    m_chat = new ChatController(m_worker.get(), m_settings, m_model, m_conversations->list(), parent);
    m_conversations->setChat(m_chat);
    m_agent = new AgentController(m_worker.get(), dataDir, m_chat, parent);
    m_chat->setAgentLoop(m_agent->agentLoop());
    wire();
    if (!openError.isEmpty()) m_chat->reportError(openError);
}

// The only place the chat's controllers are connected to one another. The
// chat's own handlers are connected first, before QML's or a test's.
void ChatFeature::wire() {
    QObject::connect(m_settings, &ChatSettingsController::settingsChanged, m_chat, &ChatController::onSettingsChanged);
    QObject::connect(m_settings, &ChatSettingsController::contextSizeChanged, m_model,
                     &ChatModelController::reloadForContext);
    m_chat->listenTo(m_model->bridge());
    m_chat->listenTo(m_model->remoteEngine());
    QObject::connect(m_model, &ChatModelController::engineReady, m_chat, &ChatController::onEngineReady);
    QObject::connect(m_model, &ChatModelController::repliesHashed, m_chat, &ChatController::onRepliesHashed);
    // A model never changes under a streaming reply: exactly what `generating` reads, asked each time.
    m_model->setBusyCheck([chat = m_chat] { return chat->generating(); });
    QObject::connect(m_settings, &ChatSettingsController::errorOccurred, m_chat, &ChatController::reportError);
    QObject::connect(m_model, &ChatModelController::errorOccurred, m_chat, &ChatController::reportError);
    QObject::connect(m_conversations, &ConversationsController::errorOccurred, m_chat, &ChatController::reportError);
    wireTools();
}

// The tool loop and the chat (without a store there is no loop, and nothing to wire).
void ChatFeature::wireTools() {
    AgentLoop * loop = m_agent->agentLoop();
    if (!loop) return;
    QObject::connect(loop, &AgentLoop::messagesAppended, m_chat, &ChatController::onMessagesAppended);
    // `generating` covers the loop's turn: Stop stops it, sending waits for it.
    QObject::connect(loop, &AgentLoop::callsChanged, m_chat, &ChatController::generatingChanged);
    QObject::connect(loop, &AgentLoop::continueRequested, m_agent, &AgentController::continueAfterTools);
    QObject::connect(m_chat, &ChatController::currentConversationChanged, m_agent,
                     &AgentController::onConversationChanged);
    QObject::connect(m_chat, &ChatController::generatingChanged, m_agent, &AgentController::refreshToolTurnWaiting);
    // In this order: a waiting turn of the open chat goes on before the new reply is handed to the loop.
    QObject::connect(m_chat, &ChatController::replyFinished, m_agent, &AgentController::onReplyFinished);
    QObject::connect(m_chat, &ChatController::replyCompleted, m_agent, &AgentController::onReplyForTools);
}

ChatFeature::~ChatFeature() {
    m_chat->shutdown();  // the reply's saver flushed
    m_chat->setAgentLoop(nullptr);
    m_agent->shutdown();  // tool calls cancelled, MCP servers stopped
    m_model->shutdown();  // the hasher, then the engines stopped
    // Runs every queued write (the reply's last save) before the models its answers go to.
    m_worker.reset();
    delete m_chat;  // before the list it shows titles from
    delete m_conversations;
    delete m_agent;
    delete m_model;
    delete m_settings;
}

QString ChatFeature::databasePath() const {
    return m_worker ? m_worker->path() : QString();
}

}  // namespace Hearth
