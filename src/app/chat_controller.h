// ChatController: what the QML chat actions do. Glue between the UI, the
// conversation store (GUI thread) and the engine bridge (its own thread).
//
// It owns the store, the two list models the views show, and the bridge.
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
// The model to load at start comes from `--model PATH` / a trailing `*.gguf`
// argument, or the HEARTH_MODEL environment variable. Store errors never
// escape: they become errorMessage.
#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>
#include <memory>
#include <optional>

#include "context_status.h"
#include "conversation_list_model.h"
#include "core/generation_types.h"
#include "message_list_model.h"

namespace Hearth {

class ConversationStore;
class EngineBridge;
class ModelHasher;
class StreamSaver;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(Hearth::ConversationListModel *conversations READ conversations CONSTANT)
    Q_PROPERTY(Hearth::MessageListModel *messages READ messages CONSTANT)
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId WRITE setCurrentConversationId NOTIFY
                   currentConversationChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentConversationChanged)
    // ChatController.NoModel, .Loading, .Ready, .Error in QML
    Q_PROPERTY(ModelState modelState READ modelState NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString modelDescription READ modelDescription NOTIFY modelChanged)
    // Lower-case hex; "" until the background hash of the loaded file is known.
    Q_PROPERTY(QString modelSha256 READ modelSha256 NOTIFY modelChanged)
    // The database file, for work done on other threads (export, import).
    Q_PROPERTY(QString databasePath READ databasePath CONSTANT)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    Q_PROPERTY(QString loadError READ loadError NOTIFY modelChanged)
    Q_PROPERTY(QString gpuNotice READ gpuNotice NOTIFY modelChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(qint64 streamingMessageId READ streamingMessageId NOTIFY generatingChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
    // systemPrompt, temperature, topP, topK, minP, maxTokens, contextSize, seed,
    // contextOverflow ("" = the app's default, "rolling_window", "truncate_middle", "stop"),
    // defaultContextOverflow (the app-wide default; never "")
    Q_PROPERTY(QVariantMap settings READ settings NOTIFY settingsChanged)
    // The context meter and the notice of what the overflow policy left out.
    Q_PROPERTY(Hearth::ContextStatus *context READ context CONSTANT)
    // [{conversationId, messageId, title, snippet, role}]
    Q_PROPERTY(QVariantList searchResults READ searchResults NOTIFY searchResultsChanged)
    Q_PROPERTY(QString pendingDeleteTitle READ pendingDeleteTitle NOTIFY pendingDeleteChanged)
    Q_PROPERTY(int completedReplies READ completedReplies NOTIFY completedRepliesChanged)

public:
    enum ModelState { NoModel, Loading, Ready, Error };
    Q_ENUM(ModelState)

    explicit ChatController(QObject *parent = nullptr);
    // For tests: a store at `databasePath` ("" = Hearth::databasePath()).
    ChatController(const QString &databasePath, QObject *parent);
    ~ChatController() override;

    ConversationListModel *conversations() { return &m_conversations; }
    MessageListModel *messages() { return &m_messages; }
    qint64 currentConversationId() const { return m_currentId; }
    void setCurrentConversationId(qint64 id);
    QString currentTitle() const;
    ModelState modelState() const { return m_modelState; }
    QString modelName() const;
    QString modelDescription() const { return m_modelDescription; }
    QString modelSha256() const { return m_modelSha256; }
    QString databasePath() const;
    double loadProgress() const { return m_loadProgress; }
    QString loadError() const { return m_loadError; }
    QString gpuNotice() const { return m_gpuNotice; }
    bool generating() const { return m_streamingId != 0; }
    qint64 streamingMessageId() const { return m_streamingId; }
    QString errorMessage() const { return m_errorMessage; }
    QVariantMap settings() const;
    QVariantList searchResults() const { return m_searchResults; }
    QString pendingDeleteTitle() const { return m_pendingDeleteTitle; }
    int completedReplies() const { return m_completedReplies; }
    GenerationSettings generationSettings() const { return m_settings; }
    ContextStatus *context() { return &m_context; }

    Q_INVOKABLE void newChat();
    // False (and nothing happens) when the text is blank, no model is ready or a reply streams.
    Q_INVOKABLE bool send(const QString &text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE bool regenerate(qint64 messageId);
    Q_INVOKABLE bool continueReply(qint64 messageId);
    // A new branch: a sibling of the user message with `text`, and a reply to it.
    Q_INVOKABLE bool editMessage(qint64 messageId, const QString &text);
    Q_INVOKABLE void selectSibling(int row, int delta);
    Q_INVOKABLE void copyText(const QString &text);
    Q_INVOKABLE void rename(qint64 conversationId, const QString &title);
    Q_INVOKABLE void togglePinned(qint64 conversationId);
    Q_INVOKABLE void deleteConversation(qint64 conversationId);
    Q_INVOKABLE void undoDelete();
    Q_INVOKABLE void commitDelete();  // the undo toast timed out
    Q_INVOKABLE void search(const QString &text);
    Q_INVOKABLE void openSearchResult(qint64 conversationId, qint64 messageId);
    // A path or a file:// URL.
    Q_INVOKABLE void loadModel(const QString &pathOrUrl);
    Q_INVOKABLE void setSetting(const QString &key, const QVariant &value);
    Q_INVOKABLE void resetSettings();
    Q_INVOKABLE void clearError();
    // After conversations were added behind the controller's back (an import).
    Q_INVOKABLE void reloadConversations();

signals:
    void currentConversationChanged();
    void modelChanged();
    void loadProgressChanged();
    void generatingChanged();
    void errorMessageChanged();
    void settingsChanged();
    void searchResultsChanged();
    void pendingDeleteChanged();
    void replyFinished(qint64 messageId);
    void completedRepliesChanged();
    void scrollToMessage(int row);

private:
    void init(const QString &databasePath);
    void connectBridge();
    bool canGenerate() const;
    qint64 ensureConversation(const QString &firstMessage);
    bool startReply(qint64 replyId, const QString &partialRaw = {}, const QString &content = {},
                    const QString &reasoning = {});
    GenerationInfo generationInfo(GenerationSettings &settings) const;
    GenerationSettings effectiveSettings() const;  // the chat's, its context policy resolved
    void measureContext();
    void onContextPlanned(qint64 requestId, const Hearth::ContextUsage &usage);
    void onText(qint64 requestId, const QString &content, const QString &reasoning);
    void onFinished(qint64 requestId, const Hearth::GenerationResult &result);
    void setModelPath(const QString &path);
    void onModelHashed(const QString &path, const QString &sha256);
    void recordModelHash(qint64 replyId, const Message &reply);
    void setError(const QString &message);
    void saveSettings();
    void setDefaultOverflow(const QString &policy);
    template <typename Fn>
    bool guarded(Fn &&fn);

    std::unique_ptr<ConversationStore> m_store;
    ConversationListModel m_conversations;
    MessageListModel m_messages;
    EngineBridge *m_bridge = nullptr;
    StreamSaver *m_saver = nullptr;
    ModelHasher *m_hasher = nullptr;
    qint64 m_currentId = 0;
    qint64 m_streamingId = 0;
    QString m_modelPath;
    ModelState m_modelState = NoModel;
    QString m_modelDescription;
    QString m_modelSha256;
    QHash<QString, QList<qint64>> m_awaitingHash;  // model path -> replies started before its hash was known
    int m_modelContext = 0;
    double m_loadProgress = 0;
    QString m_loadError;
    QString m_gpuNotice;
    QString m_errorMessage;
    GenerationSettings m_settings;
    QString m_defaultOverflow;  // AppSettings::contextOverflow(), for chats without their own
    ContextStatus m_context;
    std::optional<ReplyStats> m_resumedStats;  // the stats of a reply being continued
    QVariantList m_searchResults;
    QString m_searchText;  // the query of m_searchResults: an opened hit marks its words
    qint64 m_pendingDeleteId = 0;
    QString m_pendingDeleteTitle;
    int m_completedReplies = 0;
};

}  // namespace Hearth
