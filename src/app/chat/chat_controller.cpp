#include "chat_controller.h"

#include <QClipboard>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QRandomGenerator>
#include <exception>
#include <utility>

#include "chat_model_controller.h"
#include "chat_settings_controller.h"
#include "core/agent_loop.h"
#include "core/chat_engine.h"
#include "core/conversation_store.h"
#include "core/store_worker.h"
#include "core/stream_saver.h"
#include "prepared_reply.h"

namespace Hearth {

namespace {

constexpr int kTitleLength = 48;

QString titleFrom(const QString & text) {
    QString t = text.simplified();
    if (t.size() > kTitleLength) t = t.left(kTitleLength - 1).trimmed() + QChar(0x2026);
    return t.isEmpty() ? QStringLiteral("New chat") : t;
}

}  // namespace

ChatController::ChatController(StoreWorker * worker, ChatSettingsController * settings, ChatModelController * model,
                               ConversationListModel * conversations, QObject * parent)
    : QObject(parent), m_worker(worker), m_settings(settings), m_model(model), m_conversations(conversations) {
    init();
}

ChatController::~ChatController() {
    shutdown();
}

void ChatController::shutdown() {
    if (m_saver) m_saver->flush();  // the reply stays `streaming`, shown as interrupted next time
    delete std::exchange(m_saver, nullptr);
}

void ChatController::init() {
    // The store is open (ChatFeature waited for it): everything here is queued.
    if (m_worker) m_messages.setWorker(m_worker);
    connect(&m_messages, &MessageListModel::errorOccurred, this, &ChatController::setError);
    m_context.setPolicy(m_settings->effective().contextOverflow);
    connect(this, &ChatController::currentConversationChanged, this, &ChatController::currentTitleChanged);
    // currentTitle() falls back to the sidebar's row: when those rows come in
    // or change, a title that reads them may have changed too.
    if (m_conversations) {
        const auto rowsChanged = [this] {
            if (m_currentId != 0 && m_currentTitle.isEmpty()) emit currentTitleChanged();
        };
        connect(m_conversations, &QAbstractItemModel::modelReset, this, rowsChanged);
        connect(m_conversations, &QAbstractItemModel::dataChanged, this, rowsChanged);
    }
}

void ChatController::setError(const QString & message) {
    m_errorMessage = message;
    emit errorMessageChanged();
}

void ChatController::clearError() {
    setError(QString());
}

void ChatController::listenTo(ChatEngine * engine) {
    connect(engine, &ChatEngine::contextPlanned, this, &ChatController::onContextPlanned);
    connect(engine, &ChatEngine::textReceived, this, &ChatController::onText);
    connect(engine, &ChatEngine::generationFinished, this, &ChatController::onFinished);
}

void ChatController::onEngineReady(int contextSize, bool remote) {
    if (remote) m_context.clear();  // an endpoint measures nothing before a reply
    m_context.setContextSize(contextSize);
    if (!remote) measureContext();
}

bool ChatController::toolsBusy() const {
    return m_agent && m_agent->busy(m_currentId);
}

void ChatController::onMessagesAppended(qint64 conversationId) {
    if (conversationId == m_currentId) m_messages.reload();
    m_conversations->reload();
}

void ChatController::onRepliesHashed() {
    // A streaming reply is reloaded when it finishes; reloading now would reset the view mid-stream.
    if (!generating()) m_messages.reload();
}

QString ChatController::currentTitle() const {
    if (m_currentId == 0) return QStringLiteral("New chat");
    if (!m_currentTitle.isEmpty()) return m_currentTitle;
    // Until the chat's row is read: its title in the sidebar.
    const int row = m_conversations->rowOf(m_currentId);
    return row >= 0 ? m_conversations->data(m_conversations->index(row), ConversationListModel::TitleRole).toString()
                    : QStringLiteral("New chat");
}

void ChatController::setCurrentTitle(const QString & title) {
    m_currentTitle = title;
    emit currentTitleChanged();  // the same chat: not currentConversationChanged
}

void ChatController::setCurrentConversationId(qint64 id) {
    if (id == m_currentId) return;
    m_currentId = id;
    m_currentTitle.clear();
    m_opening = 0;
    m_settings->setConversation(id);  // a setting changed while the row is read is saved to it
    m_context.clear();
    // Its settings first, then its messages: both come back in that order.
    if (id != 0 && m_worker) loadConversationSettings(id);
    m_messages.setConversationId(id);
    m_context.setPolicy(effectiveSettings().contextOverflow);
    emit currentConversationChanged();
}

GenerationSettings ChatController::effectiveSettings() const {
    GenerationSettings s = m_settings->effective();
    if (m_agent) s.tools = m_agent->templateToolsFor(m_currentId);
    return s;
}

void ChatController::onContextPlanned(qint64 requestId, const ContextUsage & usage) {
    if (sender() && sender() != m_model->activeEngine()) return;  // a late answer of the engine the chat left
    if (requestId == -m_currentId && !generating())
        m_context.measured(usage);
    else if (requestId == m_streamingId && requestId != 0)
        m_context.planned(requestId, usage);
}

void ChatController::newChat() {
    setCurrentConversationId(0);
    m_messages.setConversationId(0);
    if (m_agent) m_agent->resetDraftChoices();  // the app-wide default tool choice
    m_settings->showDraft();                    // and the app-wide default settings
}

void ChatController::onSettingsChanged() {
    m_context.setPolicy(effectiveSettings().contextOverflow);
}

bool ChatController::canGenerate() const {
    return m_worker && m_model->isReady() && !generating() && m_opening == 0;
}

GenerationInfo ChatController::generationInfo(GenerationSettings & settings) const {
    // The seed is fixed here so the stored reply can be reproduced.
    if (settings.seed < 0) settings.seed = qint64(QRandomGenerator::global()->bounded(1u << 30));
    GenerationInfo info;
    info.modelFile = m_model->answeringModel();
    info.modelSha256 = m_model->usingRemote() ? QString() : m_model->modelSha256();
    info.sampling = settings.samplingJson();
    info.sampling.remove(QStringLiteral("seed"));
    info.seed = settings.seed;
    return info;
}

bool ChatController::send(const QString & text) {
    if (text.trimmed().isEmpty() || !canGenerate()) return false;
    GenerationSettings settings = m_settings->generationSettings();
    const GenerationInfo info = generationInfo(settings);
    // A draft becomes a conversation with its first message.
    Conversation draft;
    draft.title = titleFrom(text);
    draft.model = m_model->answeringModel();
    draft.systemPrompt = settings.systemPrompt;
    draft.sampling = m_settings->generationSettings().samplingJson();
    return queueReply([conv = m_currentId, draft, content = text.trimmed(), info](ConversationStore & store) {
        const qint64 id = conv != 0 ? conv : store.createConversation(draft);
        const std::optional<Conversation> c = store.conversation(id);
        Message user;
        user.role = MessageRole::User;
        user.content = content;
        const qint64 userId = store.appendMessage(id, c ? c->activeLeafId : 0, user);
        return PreparedReply::read(store, store.beginReply(id, userId, info));
    });
}

void ChatController::onText(qint64 requestId, const QString & content, const QString & reasoning) {
    if (requestId != m_streamingId || !m_saver) return;
    if (!reasoning.isEmpty()) m_saver->appendReasoning(reasoning);
    if (!content.isEmpty()) m_saver->appendContent(content);
    m_messages.setStreamingText(requestId, m_saver->content(), m_saver->reasoning());
}

void ChatController::stop() {
    // The open chat's tool turn; a reply streaming in another chat goes on.
    if (m_agent && m_agent->active()) return m_agent->stop();
    if (m_streamingId)
        m_model->activeEngine()->cancel(m_streamingId);
    else if (m_starting)
        m_stopPending = true;
}

bool ChatController::regenerate(qint64 messageId) {
    if (!canGenerate()) return false;
    GenerationSettings settings = m_settings->generationSettings();
    return queueReply([messageId, info = generationInfo(settings)](ConversationStore & store) {
        return PreparedReply::read(store, store.regenerate(messageId, info));
    });
}

bool ChatController::continueReply(qint64 messageId) {
    if (!canGenerate()) return false;
    return queueReply(
        [messageId](ConversationStore & store) {
            // Its text and stats as they were, then back to streaming.
            const std::optional<Message> m = store.message(messageId);
            if (m) store.resumeReply(messageId);
            return PreparedReply::read(store, messageId, m);
        },
        true);
}

bool ChatController::editMessage(qint64 messageId, const QString & text) {
    if (text.trimmed().isEmpty() || !canGenerate()) return false;
    GenerationSettings settings = m_settings->generationSettings();
    return queueReply([messageId, conv = m_currentId, content = text.trimmed(),
                       info = generationInfo(settings)](ConversationStore & store) {
        const qint64 edited = store.editMessage(messageId, content);
        return PreparedReply::read(store, store.beginReply(conv, edited, info));
    });
}

void ChatController::selectSibling(int row, int delta) {
    if (!generating()) m_messages.selectSibling(row, delta);
}

void ChatController::copyText(const QString & text) {
    if (QClipboard * c = QGuiApplication::clipboard()) c->setText(text);
}

}  // namespace Hearth
