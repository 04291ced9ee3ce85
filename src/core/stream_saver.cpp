#include "core/stream_saver.h"

#include <QPointer>
#include <exception>

#include "core/conversation_store.h"
#include "core/store_worker.h"

namespace Hearth {

StreamSaver::StreamSaver(ConversationStore * store, qint64 messageId, int intervalMs, QObject * parent)
    : QObject(parent), m_store(store), m_messageId(messageId), m_intervalMs(qMax(1, intervalMs)) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &StreamSaver::flush);
    m_sinceWrite.start();
}

StreamSaver::StreamSaver(StoreWorker * worker, qint64 messageId, int intervalMs, QObject * parent)
    : StreamSaver(static_cast<ConversationStore *>(nullptr), messageId, intervalMs, parent) {
    m_worker = worker;
}

template <typename Fn>
bool StreamSaver::write(Fn && job) {
    if (m_worker) {
        // The worker is the callbacks' context: a saver may be deleted while its write runs.
        QPointer<StreamSaver> self(this);
        m_worker->request(
            m_worker, std::forward<Fn>(job), [] {},
            [self](const QString & message) {
                if (self) emit self->saveFailed(message);
            });
        return true;
    }
    try {
        job(*m_store);
        return true;
    } catch (const std::exception & e) {
        emit saveFailed(QString::fromUtf8(e.what()));
        return false;
    }
}

StreamSaver::~StreamSaver() {
    if (!m_finished) flush();
}

void StreamSaver::setInitialText(const QString & content, const QString & reasoning) {
    m_content = content;
    m_reasoning = reasoning;
}

void StreamSaver::appendContent(const QString & piece) {
    m_content += piece;
    pieceAdded();
}

void StreamSaver::appendReasoning(const QString & piece) {
    m_reasoning += piece;
    pieceAdded();
}

void StreamSaver::pieceAdded() {
    if (m_finished) return;
    m_dirty = true;
    qint64 elapsed = m_sinceWrite.elapsed();
    if (elapsed >= m_intervalMs)
        flush();
    else if (!m_timer.isActive())
        m_timer.start(int(m_intervalMs - elapsed));
}

void StreamSaver::flush() {
    m_timer.stop();
    if (!m_dirty || m_finished) return;
    // Copies: the worker writes them later while more text arrives here.
    if (write([id = m_messageId, content = m_content, reasoning = m_reasoning](ConversationStore & store) {
            store.saveStreamingText(id, content, reasoning);
        })) {
        m_dirty = false;
        ++m_writes;
    }
    // Restart the interval after a failure too, so a locked database is not
    // hammered on every token.
    m_sinceWrite.restart();
}

bool StreamSaver::finish(const ReplyStats & stats, const QJsonArray & toolCalls) {
    m_timer.stop();
    if (!write([id = m_messageId, content = m_content, reasoning = m_reasoning, toolCalls,
                stats](ConversationStore & store) { store.finishReply(id, content, reasoning, toolCalls, stats); }))
        return false;
    m_finished = true;
    m_dirty = false;
    ++m_writes;
    return true;
}

}  // namespace Hearth
