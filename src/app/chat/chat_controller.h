// ChatController: what the QML chat actions do. Glue between the UI, the
// conversation store (its own thread) and the engine bridge (its own thread).
//
// The GUI thread never waits on SQLite: every read and write goes through a
// StoreWorker (one thread, one connection, jobs run in the order posted) and
// its answer comes back as a queued callback (chat_controller_store.cpp).
// Opening a chat, older pages, the sidebar and search, a reply's start, its
// saves while it streams and its end, edits, branch switches, deletes and the
// chat's settings all do. While a reply's rows are being written (`starting`)
// or its end recorded (`finishing`) the chat counts as generating. Quitting
// runs every queued write first, so a streaming reply's text is kept.
// The tool loop (AgentLoop) uses the same worker: it reads a finished reply,
// writes its tool messages and keeps each chat's tool choices there, so
// after start-up the GUI thread runs no SQLite statement at all. Not moved:
// opening (and migrating) the database, which StoreWorker's constructor
// waits for before the window shows, so that a database that cannot be
// opened is reported at once and the models are never bound to a dead store.
//
// A tool turn holds its own chat only (`generating` is per chat for it):
// while chat A waits for an approval, another chat can be opened and
// generate; A's cards come back when it is opened again, and its answer is
// generated then, or after the engine's current reply (toolTurnWaiting).
//
// It uses the store (ChatFeature owns the worker and makes the controller),
// and owns the two list models the views show, and the bridge.
// A reply is a message created in state `streaming` (beginReply), fed from
// the bridge's batched textReceived() into a StreamSaver (written every
// 500 ms) and the message model, and closed with the stats when the bridge
// reports generationFinished(). Only one reply streams at a time.
//
// The bridge fits each prompt into the context by the chat's overflow policy
// (its own, or the app's default) and says what it left out; `context` shows
// that and the meter. A reply whose prompt was refused is removed again, so
// no empty reply is ever kept. A reply cut off by a full context keeps its
// text and can be continued like an interrupted one.
//
// A new chat is a draft (currentConversationId 0) until its first message is
// sent, so empty conversations never pile up in the sidebar. Per-conversation
// settings live in the conversation row (system prompt + sampling JSON); the
// draft's settings are copied into it when it is created.
//
// Each reply records the model's file name and sha256. The hash is computed
// once per file in the background (ModelHasher, cached beside the database);
// a reply started before it is known gets it filled in when it arrives. A
// reply whose hash never became known (the app quit first, the file could
// not be read) keeps an empty model_sha256, which means "unknown".
//
// It never reads the command line or the environment: the app calls
// loadAtStart() with the model of its StartupOptions (--model, a *.gguf
// argument or $HEARTH_MODEL), which else loads the model that last loaded
// (AppSettings::lastModel); a test's controller loads nothing by itself.
// A load that fails while another model was working loads that one again
// and says why in `loadNotice`, shown in the chat (chat_controller_load.cpp).
//
// The chat's settings and presets are ChatSettingsController's: this
// controller tells it which row is open and hands it the row's settings once
// read. Store errors never escape: they become errorMessage (the other
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

#include "chat_tools_model.h"
#include "context_status.h"
#include "conversation_list_model.h"
#include "core/generation_types.h"
#include "message_list_model.h"
#include "remote_controller.h"
#include "search_result_model.h"
#include "tools_controller.h"

namespace Hearth {

class ConversationStore;
class ChatEngine;
class EngineBridge;
class RemoteController;
class RemoteEngine;
class ModelHasher;
class StreamSaver;
class StoreWorker;
struct PreparedReply;
class AgentLoop;
class ChatSettingsController;
class ToolRegistry;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("made by ChatFeature; App.chat")
    Q_PROPERTY(Hearth::ConversationListModel * conversations READ conversations CONSTANT)
    Q_PROPERTY(Hearth::MessageListModel * messages READ messages CONSTANT)
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId WRITE setCurrentConversationId NOTIFY
                   currentConversationChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentConversationChanged)
    // ChatController.NoModel, .Loading, .Ready, .Error in QML
    Q_PROPERTY(ModelState modelState READ modelState NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString modelPath READ modelPath NOTIFY modelChanged)
    Q_PROPERTY(QString modelDescription READ modelDescription NOTIFY modelChanged)
    // Lower-case hex; "" until the background hash of the loaded file is known.
    Q_PROPERTY(QString modelSha256 READ modelSha256 NOTIFY modelChanged)
    // The database file, for work done on other threads (export, import).
    Q_PROPERTY(QString databasePath READ databasePath CONSTANT)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    Q_PROPERTY(QString loadError READ loadError NOTIFY modelChanged)
    Q_PROPERTY(QString gpuNotice READ gpuNotice NOTIFY modelChanged)
    // Why the last load failed and which model stayed, for the chat; "" when none.
    Q_PROPERTY(QString loadNotice READ loadNotice NOTIFY modelChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(qint64 streamingMessageId READ streamingMessageId NOTIFY generatingChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
    // The context meter and the notice of what the overflow policy left out.
    Q_PROPERTY(Hearth::ContextStatus * context READ context CONSTANT)
    // [{conversationId, messageId, title, snippet, role}]
    Q_PROPERTY(Hearth::SearchResultModel * searchResults READ searchResultModel CONSTANT)
    Q_PROPERTY(QString pendingDeleteTitle READ pendingDeleteTitle NOTIFY pendingDeleteChanged)
    Q_PROPERTY(int completedReplies READ completedReplies NOTIFY completedRepliesChanged)
    // Tools: the agent loop's cards and actions (Hearth::AgentLoop), and the Tools settings page.
    Q_PROPERTY(QObject * agent READ agent CONSTANT)
    Q_PROPERTY(Hearth::ToolsController * tools READ tools CONSTANT)
    // The open chat's tool picker: which tools the model sees (chat_tools_model.h).
    Q_PROPERTY(Hearth::ChatToolsModel * chatTools READ chatTools CONSTANT)
    // The open chat's tool results came in while it was not open (or the engine
    // was busy): continueToolTurn() (the "Continue" button) generates the answer.
    Q_PROPERTY(bool toolTurnWaiting READ toolTurnWaiting NOTIFY toolTurnWaitingChanged)
    // The EngineBridge, for the local server to serve the chat's loaded model.
    Q_PROPERTY(QObject * engine READ engine CONSTANT)
    // The remote endpoints and their models (chat_controller_remote.cpp).
    Q_PROPERTY(Hearth::RemoteController * remote READ remote CONSTANT)
    // A remote endpoint's model answers the chat (useRemoteModel), not a local file.
    Q_PROPERTY(bool usingRemote READ usingRemote NOTIFY modelChanged)

public:
    enum ModelState { NoModel, Loading, Ready, Error };
    Q_ENUM(ModelState)

    // On `worker`'s store (null: the database could not be opened; nothing is
    // saved or sent). The worker must outlive the controller (ChatFeature).
    ChatController(StoreWorker * worker, ChatSettingsController * settings, QObject * parent);
    ~ChatController() override;
    // Flushes a streaming reply's saver and stops the hasher, the tools and
    // the engines: all that writes to the store, before the worker runs its
    // queue and stops (ChatFeature's teardown). Idempotent.
    void shutdown();
    // Shows `message` on the chat's error line (errorMessage).
    void reportError(const QString & message) { setError(message); }

    ConversationListModel * conversations() { return &m_conversations; }
    MessageListModel * messages() { return &m_messages; }
    qint64 currentConversationId() const { return m_currentId; }
    void setCurrentConversationId(qint64 id);
    QString currentTitle() const;
    ModelState modelState() const { return m_modelState; }
    QString modelName() const;
    QString modelPath() const { return m_modelPath; }
    QString modelDescription() const { return m_modelDescription; }
    QString modelSha256() const { return m_modelSha256; }
    QString databasePath() const;
    double loadProgress() const { return m_loadProgress; }
    QString loadError() const { return m_loadError; }
    QString gpuNotice() const { return m_gpuNotice; }
    QString loadNotice() const { return m_loadNotice; }
    // A reply streams (the engine runs one at a time), or the tool loop holds
    // the open chat (approval, running calls); another chat's turn does not count.
    bool generating() const { return m_streamingId != 0 || m_starting || m_finishing || toolsBusy(); }
    qint64 streamingMessageId() const { return m_streamingId; }
    QString errorMessage() const { return m_errorMessage; }
    SearchResultModel * searchResultModel() { return &m_searchResults; }
    QVariantList searchResults() const { return m_searchResults.toVariantList(); }  // a copy of the rows
    QString pendingDeleteTitle() const { return m_pendingDeleteTitle; }
    int completedReplies() const { return m_completedReplies; }
    QObject * engine() const;
    ContextStatus * context() { return &m_context; }
    QObject * agent() const;
    AgentLoop * agentLoop() const { return m_agent; }
    ToolsController * tools() const { return m_tools; }
    RemoteController * remote() const { return m_remote; }
    bool usingRemote() const { return m_usingRemote; }
    ChatToolsModel * chatTools() const { return m_chatTools; }
    bool toolTurnWaiting() const { return m_toolTurnWaiting; }

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
    Q_INVOKABLE void rename(qint64 conversationId, const QString & title);
    Q_INVOKABLE void togglePinned(qint64 conversationId);
    Q_INVOKABLE void deleteConversation(qint64 conversationId);
    Q_INVOKABLE void undoDelete();
    Q_INVOKABLE void commitDelete();  // the undo toast timed out
    Q_INVOKABLE void search(const QString & text);
    Q_INVOKABLE void openSearchResult(qint64 conversationId, qint64 messageId);
    // A path or a file:// URL.
    Q_INVOKABLE void loadModel(const QString & pathOrUrl);
    // The chat answers with model `index` of remote.models from now on; false while a reply streams.
    Q_INVOKABLE bool useRemoteModel(int index);
    Q_INVOKABLE void dismissLoadNotice();
    Q_INVOKABLE void clearError();
    // After conversations were added behind the controller's back (an import).
    Q_INVOKABLE void reloadConversations();
    // Generates the answer of the open chat's tool turn whose results wait (toolTurnWaiting).
    Q_INVOKABLE bool continueToolTurn();

    // The app's start: `model` (a path or file:// URL), or "" for the model that last loaded.
    void loadAtStart(const QString & model);
    // Wired by ChatFeature. The chat's settings changed: the meter's policy follows.
    void onSettingsChanged();
    // The chat's context size changed: a loaded local model is loaded again with it.
    void reloadForContext(int contextSize);

signals:
    void currentConversationChanged();
    void modelChanged();
    void loadProgressChanged();
    void generatingChanged();
    void errorMessageChanged();
    void pendingDeleteChanged();
    void replyFinished(qint64 messageId);
    void completedRepliesChanged();
    void scrollToMessage(int row);
    void toolTurnWaitingChanged();

private:
    void init();
    void connectBridge();
    bool canGenerate() const;
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
    void setModelPath(const QString & path);
    void onModelLoaded(const QString & path);
    void onLoadFailed(const QString & path, const QString & message);
    void restoreLastModel();
    void onModelHashed(const QString & path, const QString & sha256);
    void recordModelHash(qint64 replyId, const Message & reply);
    void setError(const QString & message);
    template <typename Fn>
    bool guarded(Fn && fn);
    // Tools (chat_controller_tools.cpp): the registry, the loop and the settings page.
    void initTools();
    bool toolsBusy() const;
    void onReplyForTools(qint64 conversationId, qint64 replyId, const Hearth::GenerationResult & result);
    void continueAfterTools(qint64 conversationId, qint64 parentId);
    // Remote endpoints (chat_controller_remote.cpp).
    void initRemote();
    ChatEngine * activeEngine() const;
    QString answeringModel() const;  // what a reply records: the file name, or "endpoint · model"
    void onToolsConversationChanged();
    // Whether the open chat still ends with its waiting turn's results, read on the store thread.
    void refreshToolTurnWaiting();
    void setToolTurnWaiting(bool waiting);

    StoreWorker * m_worker;               // ChatFeature's; null without a store
    ChatSettingsController * m_settings;  // ChatFeature's: the open chat's settings
    ConversationListModel m_conversations;
    MessageListModel m_messages;
    EngineBridge * m_bridge = nullptr;
    RemoteEngine * m_remoteEngine = nullptr;
    RemoteController * m_remote = nullptr;
    bool m_usingRemote = false;
    QString m_remoteLabel;
    StreamSaver * m_saver = nullptr;
    ModelHasher * m_hasher = nullptr;
    qint64 m_currentId = 0;
    qint64 m_streamingId = 0;
    qint64 m_streamingConversation = 0;  // the chat m_streamingId belongs to
    bool m_starting = false;             // a reply's rows are being written
    bool m_stopPending = false;          // Stop pressed while starting: cancel it as it starts
    bool m_finishing = false;            // a finished reply is being recorded
    qint64 m_opening = 0;                // the chat whose settings are being read (sending waits for them)
    QString m_currentTitle;
    QString m_modelPath;
    ModelState m_modelState = NoModel;
    QString m_modelDescription;
    QString m_modelSha256;
    QHash<QString, QList<qint64>> m_awaitingHash;  // model path -> replies started before its hash was known
    int m_modelContext = 0;
    double m_loadProgress = 0;
    QString m_loadError;
    QString m_gpuNotice;
    QString m_loadNotice;
    QString m_workingModel;  // the last model that loaded; reloaded when another fails
    QString m_errorMessage;
    ContextStatus m_context;
    std::optional<ReplyStats> m_resumedStats;  // the stats of a reply being continued
    SearchResultModel m_searchResults;
    QString m_searchText;  // the query of m_searchResults: an opened hit marks its words
    qint64 m_pendingDeleteId = 0;
    QString m_pendingDeleteTitle;
    int m_completedReplies = 0;
    ToolRegistry * m_toolRegistry = nullptr;
    AgentLoop * m_agent = nullptr;
    ToolsController * m_tools = nullptr;
    ChatToolsModel * m_chatTools = nullptr;
    QHash<qint64, qint64> m_toolTurns;  // conversation -> its last tool message, whose answer waits
    bool m_toolTurnWaiting = false;     // the open chat's entry in m_toolTurns is still its active leaf
};

}  // namespace Hearth
