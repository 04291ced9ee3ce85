// StreamSaver: keeps a streaming reply's text in the database while it grows.
//
// Token pieces arrive far more often than is worth writing (tens per second);
// the saver accumulates them and writes the whole text at most once per
// interval: right away when a piece arrives after the interval has passed,
// otherwise from a timer, so a pause in the stream still gets saved. Each
// write is one committed UPDATE, which in WAL mode survives the process being
// killed, so a crash loses at most one interval of text.
//
// Two ways to write: straight into a ConversationStore on this thread (the
// CLI, tests), or posted to a StoreWorker (the app), so the GUI thread never
// waits on the disk; the worker runs the saves in order and its destructor
// runs the last one, so a reply is never lost on quit. Never throws: a failed
// write is reported through saveFailed() (queued, with a worker) and retried
// at the next interval.
#pragma once

#include <QElapsedTimer>
#include <QJsonArray>
#include <QObject>
#include <QTimer>

#include "core/conversation_types.h"

namespace Hearth {

class ConversationStore;
class StoreWorker;

class StreamSaver : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 500;

    // `messageId` must be a reply in state streaming (ConversationStore::beginReply).
    // `content`/`reasoning` are its current text (non-empty when continuing an
    // interrupted reply).
    StreamSaver(ConversationStore * store, qint64 messageId, int intervalMs = kDefaultIntervalMs,
                QObject * parent = nullptr);
    StreamSaver(StoreWorker * worker, qint64 messageId, int intervalMs = kDefaultIntervalMs,
                QObject * parent = nullptr);
    ~StreamSaver() override;  // saves what is pending

    qint64 messageId() const { return m_messageId; }
    QString content() const { return m_content; }
    QString reasoning() const { return m_reasoning; }
    int writeCount() const { return m_writes; }
    bool isFinished() const { return m_finished; }

    void setInitialText(const QString & content, const QString & reasoning);

public slots:
    void appendContent(const QString & piece);
    void appendReasoning(const QString & piece);
    void flush();  // write now if anything is pending
    // Final write: the text, tool calls and stats, state complete. Returns
    // false (and emits saveFailed) if the database refused it; with a worker
    // the write is queued (true), and a refusal comes later as saveFailed.
    bool finish(const Hearth::ReplyStats & stats, const QJsonArray & toolCalls = {});

signals:
    void saveFailed(const QString & message);

private:
    void pieceAdded();
    // Runs `write` on the store now, or queues it on the worker; false when it threw.
    template <typename Fn>
    bool write(Fn && job);

    ConversationStore * m_store = nullptr;
    StoreWorker * m_worker = nullptr;
    qint64 m_messageId;
    int m_intervalMs;
    QString m_content;
    QString m_reasoning;
    bool m_dirty = false;
    bool m_finished = false;
    int m_writes = 0;
    QElapsedTimer m_sinceWrite;
    QTimer m_timer;
};

}  // namespace Hearth
