// ChatController's side of the store worker: a reply's start and end, the
// open chat's settings and context, search, and writes, each queued on the
// store thread with its answer applied here (see chat_controller.h).
#include <QFileInfo>
#include <exception>
#include <utility>

#include "chat_controller.h"
#include "chat_model_controller.h"
#include "chat_settings_controller.h"
#include "core/agent_loop.h"
#include "core/chat_engine.h"
#include "core/conversation_store.h"
#include "core/store_worker.h"
#include "core/stream_saver.h"
#include "hearth/error.h"
#include "prepared_reply.h"

namespace Hearth {

namespace {

// The raw model output an interrupted reply stood for, so the parser and the
// prompt pick up where it stopped.
QString rawOutput(const Message & m) {
    if (m.reasoning.isEmpty()) return m.content;
    QString raw = QStringLiteral("<think>\n") + m.reasoning;
    if (!m.content.isEmpty()) raw += QStringLiteral("\n</think>\n\n") + m.content;
    return raw;
}

}  // namespace

PreparedReply PreparedReply::read(ConversationStore & store, qint64 replyId, std::optional<Message> reply) {
    if (!reply) reply = store.message(replyId);
    if (!reply)
        throw hearth::Error(hearth::ErrorCode_invalid_argument,
                            QStringLiteral("no message %1").arg(replyId).toStdString());
    PreparedReply p;
    p.conversationId = reply->conversationId;
    p.replyId = replyId;
    p.reply = reply;
    p.history = store.activePath(p.conversationId);
    // The prompt ends before the reply (a continued one may have later messages).
    for (qsizetype i = 0; i < p.history.size(); ++i)
        if (p.history[i].id == replyId) {
            p.history.resize(i);
            break;
        }
    return p;
}

bool ChatController::queueReply(std::function<PreparedReply(ConversationStore &)> job, bool resume) {
    // Sending again, opening a tool turn or stopping wait until the rows exist.
    m_starting = true;
    m_stopPending = false;
    // The chat and its settings (tools included) as they are now: the user may
    // open another chat before the rows are written.
    const bool fromDraft = m_currentId == 0;
    GenerationSettings settings = effectiveSettings();
    emit generatingChanged();
    m_worker->request(
        this, std::move(job),
        [this, resume, fromDraft, settings](const PreparedReply & prepared) {
            m_starting = false;
            if (prepared.replyId == 0) {  // nothing to start (a tool turn whose chat moved on)
                m_stopPending = false;
                emit generatingChanged();
                return;
            }
            launchReply(prepared, resume, fromDraft, settings);
        },
        [this](const QString & message) {
            m_starting = false;
            setError(message);
            emit generatingChanged();
        });
    return true;
}

bool ChatController::answerToolTurn(qint64 conversationId, qint64 parentId) {
    GenerationSettings settings = m_settings->generationSettings();
    // The loop's results were posted to the worker before this (continueRequested follows their write).
    return queueReply([conversationId, parentId, info = generationInfo(settings)](ConversationStore & store) {
        const std::optional<Conversation> c = store.conversation(conversationId);
        if (!c || c->activeLeafId != parentId) return PreparedReply{};  // the chat moved on: nothing to answer
        return PreparedReply::read(store, store.beginReply(conversationId, parentId, info));
    });
}

void ChatController::launchReply(const PreparedReply & p, bool resume, bool fromDraft, GenerationSettings settings) {
    // The draft's first message created its conversation: it keeps the tools
    // picked in the draft, and becomes the open chat unless another was opened meanwhile.
    if (fromDraft && m_agent) m_agent->adoptDraftChoices(p.conversationId);
    if (fromDraft && m_currentId == 0) {
        m_currentId = p.conversationId;
        m_settings->setConversation(p.conversationId);
        m_currentTitle.clear();
        m_messages.setConversationId(p.conversationId);
        emit currentConversationChanged();
    }
    if (p.reply && p.reply->generation.seed >= 0) settings.seed = p.reply->generation.seed;
    if (p.reply) m_model->recordModelHash(p.replyId, *p.reply);
    m_conversations->reload();
    m_messages.reload();
    m_saver = new StreamSaver(m_worker, p.replyId, StreamSaver::kDefaultIntervalMs, this);
    QString partialRaw;
    if (resume && p.reply) {
        m_resumedStats = p.reply->stats;
        partialRaw = rawOutput(*p.reply);
        m_saver->setInitialText(p.reply->content, p.reply->reasoning);
    }
    connect(m_saver, &StreamSaver::saveFailed, this, &ChatController::setError);
    m_streamingId = p.replyId;
    m_streamingConversation = p.conversationId;
    emit generatingChanged();
    m_model->activeEngine()->continueReply(p.replyId, p.history, partialRaw, settings);
    if (std::exchange(m_stopPending, false)) m_model->activeEngine()->cancel(p.replyId);
}

void ChatController::onFinished(qint64 requestId, const GenerationResult & result) {
    if (requestId != m_streamingId || !m_saver) return;
    const bool empty = m_saver->content().isEmpty() && m_saver->reasoning().isEmpty() && result.toolCalls.isEmpty();
    if (!result.error.isEmpty() && empty && !m_resumedStats) {
        // A refused or failed prompt leaves no empty reply behind.
        delete m_saver;
        m_saver = nullptr;
        postWrite([requestId](ConversationStore & store) { store.discardReply(requestId); });
    } else {
        ReplyStats stats = result.stats;
        if (m_resumedStats && result.refused)
            stats = *m_resumedStats;  // nothing was added: as it was
        else if (m_resumedStats)
            stats.generatedTokens += m_resumedStats->generatedTokens;
        m_saver->finish(stats, result.toolCalls);  // queued
        m_saver->deleteLater();
        m_saver = nullptr;
        if (!result.refused) m_context.finished(result.stats);
    }
    m_resumedStats.reset();
    m_streamingId = 0;
    m_finishing = true;
    if (!result.error.isEmpty()) setError(result.error);
    // Read back behind the final write; the reply counts as done once they are shown.
    m_messages.reload();
    m_conversations->reload();
    afterStore([this, conversationId = m_streamingConversation, requestId, result] {
        finishReplyBookkeeping(conversationId, requestId, result);
    });
}

void ChatController::finishReplyBookkeeping(qint64 conversationId, qint64 requestId, const GenerationResult & result) {
    m_finishing = false;
    ++m_completedReplies;
    emit completedRepliesChanged();
    emit generatingChanged();
    emit replyFinished(requestId);
    emit replyCompleted(conversationId, requestId, result);  // the loop's read is queued behind the reply's end
}

void ChatController::afterStore(std::function<void()> fn) {
    if (!m_worker) return fn();
    m_worker->request(
        this, [](ConversationStore &) {}, std::move(fn), [](const QString &) {});
}

void ChatController::postWrite(std::function<void(ConversationStore &)> job) {
    if (!m_worker) return;
    m_worker->request(
        this, std::move(job), [] {}, [this](const QString & message) { setError(message); });
}

// The chat's settings and title come from its row; sending waits for them.
void ChatController::loadConversationSettings(qint64 id) {
    m_opening = id;
    // Its tool choices too, read before the settings: a send (which waits for
    // the settings) offers the chat's own tools.
    if (m_agent) m_agent->loadChoices(id);
    m_worker->request(
        this, [id](ConversationStore & store) { return store.conversation(id); },
        [this, id](const std::optional<Conversation> & c) {
            if (id != m_currentId) return;
            if (c) m_currentTitle = c->title;
            // Sending is possible again before settingsChanged goes out: a listener may send at once.
            m_opening = 0;
            // Shown, not saved again; settingsChanged sets the meter's policy (onSettingsChanged).
            m_settings->adopt(c ? GenerationSettings::fromJson(c->sampling, c->systemPrompt)
                                : m_settings->generationSettings());
            emit currentConversationChanged();
            measureContext();
        },
        [this, id](const QString & message) {
            if (id == m_currentId) m_opening = 0;
            setError(message);
        });
}

// The meter's figure for the open chat, measured on the bridge thread; the
// request id is the conversation's negated so a late answer for another chat is ignored.
void ChatController::measureContext() {
    if (m_currentId == 0 || !m_worker || !m_model->isReady() || generating()) return;
    const qint64 id = m_currentId;
    m_worker->request(
        this, [id](ConversationStore & store) { return store.activePath(id); },
        [this, id](const QList<Message> & history) {
            if (id == m_currentId && !history.isEmpty() && m_model->isReady() && !generating())
                m_model->activeEngine()->measureContext(-id, history, effectiveSettings());
        },
        [this](const QString & message) { setError(message); });
}

void ChatController::openMessage(qint64 conversationId, qint64 messageId, const QString & highlight) {
    setCurrentConversationId(conversationId);
    // Long chats show their newest page: the store thread reads the pages
    // down from the message, making its branch active first when it is on another.
    m_messages.showMessage(messageId, true, [this, conversationId, messageId, highlight](int row) {
        if (conversationId != m_currentId) return;
        m_messages.setHighlight(messageId, highlight);
        if (row >= 0) emit scrollToMessage(row);
    });
}

}  // namespace Hearth
