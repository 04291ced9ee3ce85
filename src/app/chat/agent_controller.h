// AgentController: the chat's tools (App.agentController). It owns the
// ToolRegistry (built-in tools and MCP servers), the AgentLoop, the Tools
// settings page (ToolsController) and the open chat's tool picker
// (ChatToolsModel); it hands every finished reply to the loop and has the
// chat generate the next reply when the loop has stored a turn's results.
//
// Turns are per chat (AgentLoop): while chat A waits for an approval, or
// its calls run, only A counts as generating; the user can open chat B and
// generate there. A's results may thus be stored while another chat is open,
// or while the engine answers B: A's answer then waits, and is generated when
// the user comes back to A, when the engine's reply ends with A open, or with
// `Continue` (continueToolTurn). A turn whose chat moved on meanwhile (the
// user sent something else there) is dropped; that is checked on the store
// thread, as everything else here reads the store.
//
// Without a store there is no loop: only the registry and the Tools page.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QHash>
#include <QObject>
#include <QString>

#include "chat_tools_model.h"
#include "core/generation_types.h"
#include "tools_controller.h"

namespace Hearth {

class AgentLoop;
class ChatController;
class StoreWorker;
class ToolRegistry;

class AgentController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("made by ChatFeature; App.agentController")
    // The agent loop's cards and actions (Hearth::AgentLoop); null without a store.
    Q_PROPERTY(QObject * loop READ loop CONSTANT)
    // The Tools settings page.
    Q_PROPERTY(Hearth::ToolsController * tools READ tools CONSTANT)
    // The open chat's tool picker: which tools the model sees (chat_tools_model.h).
    Q_PROPERTY(Hearth::ChatToolsModel * chatTools READ chatTools CONSTANT)
    // The open chat's tool results came in while it was not open (or the engine
    // was busy): continueToolTurn() (the "Continue" button) generates the answer.
    Q_PROPERTY(bool toolTurnWaiting READ toolTurnWaiting NOTIFY toolTurnWaitingChanged)

public:
    // The loop works on `worker`'s store (null: no loop); the tool settings
    // sit in `dataDir`; `chat` generates the answers.
    AgentController(StoreWorker * worker, const QString & dataDir, ChatController * chat, QObject * parent);
    ~AgentController() override;
    // Cancels running tool calls and stops the MCP servers: before the
    // engines and the store go (ChatFeature). Idempotent.
    void shutdown();

    QObject * loop() const;
    AgentLoop * agentLoop() const { return m_loop; }
    ToolsController * tools() const { return m_tools; }
    ChatToolsModel * chatTools() const { return m_chatTools; }
    bool toolTurnWaiting() const { return m_toolTurnWaiting; }

    // Generates the answer of the open chat's tool turn whose results wait (toolTurnWaiting).
    Q_INVOKABLE bool continueToolTurn();

    // Wired by ChatFeature. A reply ended (replyCompleted): its tool calls go to the loop.
    void onReplyForTools(qint64 conversationId, qint64 replyId, const Hearth::GenerationResult & result);
    // The loop stored a turn's results: the answer is generated now, or waits.
    void continueAfterTools(qint64 conversationId, qint64 parentId);
    // Another chat was opened: its picker, its cards, and its waiting turn.
    void onConversationChanged();
    // The engine is free again (replyFinished): a waiting turn of the open chat goes on.
    void onReplyFinished();
    // Whether the open chat still ends with its waiting turn's results, read on the store thread.
    void refreshToolTurnWaiting();

signals:
    void toolTurnWaitingChanged();

private:
    void setToolTurnWaiting(bool waiting);

    StoreWorker * m_worker;
    ChatController * m_chat;
    ToolRegistry * m_registry = nullptr;
    AgentLoop * m_loop = nullptr;
    ToolsController * m_tools = nullptr;
    ChatToolsModel * m_chatTools = nullptr;
    QHash<qint64, qint64> m_toolTurns;  // conversation -> its last tool message, whose answer waits
    bool m_toolTurnWaiting = false;     // the open chat's entry in m_toolTurns is still its active leaf
};

}  // namespace Hearth
