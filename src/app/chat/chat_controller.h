// ChatController: the open chat (App.chat). Its messages, sending,
// streaming, stop, continue, edit and regenerate, branch switching, the
// context meter and the chat feature's error line. Glue between the UI, the
// conversation store (its own thread) and the answering engine (its own
// thread or the network).
//
// The chat feature is five controllers that ChatFeature makes and wires:
//   ChatController           the open chat (this one)
//   ConversationsController  the sidebar: list, search, rename, pin, delete
//   ChatSettingsController   the open chat's settings, presets, app defaults
//   ChatModelController      which model answers: local load, remote, sha256
//   AgentController          the tools: registry, loop, picker, tool turns
// This controller borrows the others' parts it needs (the settings, the
// answering engine, the sidebar's list, the tool loop); they act on the open
// chat through its public C++ calls (setCurrentTitle, openMessage,
// answerToolTurn, canGenerate).
//
// The GUI thread never waits on SQLite: every read and write goes through a
// StoreWorker (one thread, one connection, jobs run in the order posted) and
// its answer comes back as a queued callback (chat_controller_store.cpp).
// Opening a chat, older pages, a reply's start, its saves while it streams
// and its end, edits and branch switches all do. While a reply's rows are
// being written (`starting`) or its end recorded (`finishing`) the chat
// counts as generating. Quitting runs every queued write first, so a
// streaming reply's text is kept (ChatFeature's teardown).
//
// A reply is a message created in state `streaming` (beginReply), fed from
// the engine's batched textReceived() into a StreamSaver (written every
// 500 ms) and the message model, and closed with the stats when the engine
// reports generationFinished(). Only one reply streams at a time.
//
// The engine fits each prompt into the context by the chat's overflow policy
// (its own, or the app's default) and says what it left out; `context` shows
// that and the meter. A reply whose prompt was refused is removed again, so
// no empty reply is ever kept. A reply cut off by a full context keeps its
// text and can be continued like an interrupted one.
//
// A new chat is a draft (currentConversationId 0) until its first message is
// sent, so empty conversations never pile up in the sidebar. The chat's
// settings live in its conversation row; this controller tells
// ChatSettingsController which row is open and hands it the row's settings
// once read (sending waits for them). A tool turn holds its own chat only
// (`generating` is per chat for it): while chat A waits for an approval,
// another chat can be opened and generate.
//
// Store errors never escape: they become errorMessage (the other
// controllers' too, through ChatFeature).
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QVariantList>
#include <QVariantMap>
#include <functional>
#include <memory>
#include <optional>

#include "context_status.h"
#include "conversation_list_model.h"
#include "core/generation_types.h"
#include "message_list_model.h"

namespace Hearth {

class ConversationStore;
class ChatEngine;
class StreamSaver;
class StoreWorker;
struct PreparedReply;
class AgentLoop;
class ChatModelController;
class ChatSettingsController;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("made by ChatFeature; App.chat")
    Q_PROPERTY(Hearth::MessageListModel * messages READ messages CONSTANT)
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId WRITE setCurrentConversationId NOTIFY
                   currentConversationChanged)
    // Changes with the open chat, and while the chat's own row is unread, with
    // its sidebar row (a draft's first message adds the row after the switch).
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentTitleChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(qint64 streamingMessageId READ streamingMessageId NOTIFY generatingChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
    // The context meter and the notice of what the overflow policy left out.
    Q_PROPERTY(Hearth::ContextStatus * context READ context CONSTANT)
    Q_PROPERTY(int completedReplies READ completedReplies NOTIFY completedRepliesChanged)

public:
    // On `worker`'s store (null: the database could not be opened; nothing is
    // saved or sent), with the chat's `settings` and `model`, and the
    // sidebar's `conversations` list. All must outlive the controller (ChatFeature).
    ChatController(StoreWorker * worker, ChatSettingsController * settings, ChatModelController * model,
                   ConversationListModel * conversations, QObject * parent);
    ~ChatController() override;
    // Flushes a streaming reply's saver (it stays `streaming`, shown as
    // interrupted next time), before the worker runs its queue and stops
    // (ChatFeature's teardown). Idempotent.
    void shutdown();
    // Shows `message` on the chat's error line (errorMessage).
    void reportError(const QString & message) { setError(message); }

    MessageListModel * messages() { return &m_messages; }
    qint64 currentConversationId() const { return m_currentId; }
    void setCurrentConversationId(qint64 id);
    QString currentTitle() const;
    // The open chat was renamed (ConversationsController).
    void setCurrentTitle(const QString & title);
    // Opens `conversationId` and shows `messageId` in it, its words `highlight` marked (a search hit).
    void openMessage(qint64 conversationId, qint64 messageId, const QString & highlight);
    // A reply streams (the engine runs one at a time), or the tool loop holds
    // the open chat (approval, running calls); another chat's turn does not count.
    bool generating() const { return m_streamingId != 0 || m_starting || m_finishing || toolsBusy(); }
    qint64 streamingMessageId() const { return m_streamingId; }
    QString errorMessage() const { return m_errorMessage; }
    int completedReplies() const { return m_completedReplies; }
    ContextStatus * context() { return &m_context; }

    Q_INVOKABLE void newChat();
    // False (and nothing happens) when the text is blank, no model is ready or a reply streams.
    Q_INVOKABLE bool send(const QString & text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE bool regenerate(qint64 messageId);
    Q_INVOKABLE bool continueReply(qint64 messageId);
    // A new branch: a sibling of the user message with `text`, and a reply to it.
    Q_INVOKABLE bool editMessage(qint64 messageId, const QString & text);
    Q_INVOKABLE void selectSibling(int row, int delta);
    Q_INVOKABLE void copyText(const QString & text);
    Q_INVOKABLE void clearError();

    // Wired by ChatFeature. The chat's settings changed: the meter's policy follows.
    void onSettingsChanged();
    // `engine`'s replies and context figures come to this chat (the bridge and the remote engine).
    void listenTo(ChatEngine * engine);
    // A model is ready: the meter's size (a local model's is measured for the open chat).
    void onEngineReady(int contextSize, bool remote);
    // Stored replies got their model's hash: the open chat is read again (unless a reply streams).
    void onRepliesHashed();
    // The tool loop (AgentController's): the chat's tool choices and turns. Null: none.
    void setAgentLoop(AgentLoop * loop) { m_agent = loop; }
    // The loop wrote tool messages to `conversationId`: shown again if it is open.
    void onMessagesAppended(qint64 conversationId);
    // A model is ready, no reply streams or starts, and the open chat's settings are read.
    bool canGenerate() const;
    // Generates the answer to the tool results ending at `parentId` in
    // `conversationId`, unless that chat moved on meanwhile (checked on the store thread).
    bool answerToolTurn(qint64 conversationId, qint64 parentId);
    // `generating` may have changed without this controller knowing (the loop's turn of the open chat).
    void notifyGeneratingChanged() { emit generatingChanged(); }

signals:
    void currentConversationChanged();
    void currentTitleChanged();
    void generatingChanged();
    void errorMessageChanged();
    void replyFinished(qint64 messageId);
    // Right after replyFinished, for the tool loop: the reply's result.
    void replyCompleted(qint64 conversationId, qint64 replyId, const Hearth::GenerationResult & result);
    void completedRepliesChanged();
    void scrollToMessage(int row);

private:
    void init();
    // Store-worker glue (chat_controller_store.cpp): `job` writes a reply's
    // rows and reads its prompt on the store thread; then the reply starts
    // here (`resume`: a continued reply, its text kept).
    bool queueReply(std::function<PreparedReply(ConversationStore &)> job, bool resume = false);
    void launchReply(const PreparedReply & prepared, bool resume, bool fromDraft, GenerationSettings settings);
    void afterStore(std::function<void()> fn);  // after every job posted so far
    void postWrite(std::function<void(ConversationStore &)> job);
    void loadConversationSettings(qint64 id);
    void finishReplyBookkeeping(qint64 conversationId, qint64 requestId, const Hearth::GenerationResult & result);
    GenerationInfo generationInfo(GenerationSettings & settings) const;
    GenerationSettings effectiveSettings() const;  // the chat's, its context policy resolved, its tools
    void measureContext();
    void onContextPlanned(qint64 requestId, const Hearth::ContextUsage & usage);
    void onText(qint64 requestId, const QString & content, const QString & reasoning);
    void onFinished(qint64 requestId, const Hearth::GenerationResult & result);
    void setError(const QString & message);
    bool toolsBusy() const;

    StoreWorker * m_worker;                   // ChatFeature's; null without a store
    ChatSettingsController * m_settings;      // ChatFeature's: the open chat's settings
    ChatModelController * m_model;            // ChatFeature's: which model answers
    ConversationListModel * m_conversations;  // ConversationsController's: the sidebar's list
    MessageListModel m_messages;
    StreamSaver * m_saver = nullptr;
    qint64 m_currentId = 0;
    qint64 m_streamingId = 0;
    qint64 m_streamingConversation = 0;  // the chat m_streamingId belongs to
    bool m_starting = false;             // a reply's rows are being written
    bool m_stopPending = false;          // Stop pressed while starting: cancel it as it starts
    bool m_finishing = false;            // a finished reply is being recorded
    qint64 m_opening = 0;                // the chat whose settings are being read (sending waits for them)
    QString m_currentTitle;
    QString m_errorMessage;
    ContextStatus m_context;
    std::optional<ReplyStats> m_resumedStats;  // the stats of a reply being continued
    int m_completedReplies = 0;
    AgentLoop * m_agent = nullptr;  // AgentController's; null without a store
};

}  // namespace Hearth
