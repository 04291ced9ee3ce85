// StreamSaver: keeps a streaming reply's text in the database while it grows.
//
// Token pieces arrive far more often than is worth writing (tens per second);
// the saver accumulates them and writes the whole text at most once per
// interval: right away when a piece arrives after the interval has passed,
// otherwise from a timer, so a pause in the stream still gets saved. Each
// write is one committed UPDATE, which in WAL mode survives the process being
// killed, so a crash loses at most one interval of text.
//
// Lives on the store's thread. Never throws: a failed write is reported
// through saveFailed() and retried at the next interval.
#pragma once

#include <QElapsedTimer>
#include <QJsonArray>
#include <QObject>
#include <QTimer>

#include "core/conversation_types.h"

namespace Hearth {

class ConversationStore;

class StreamSaver : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 500;

    // `messageId` must be a reply in state streaming (ConversationStore::beginReply).
    // `content`/`reasoning` are its current text (non-empty when continuing an
    // interrupted reply).
    StreamSaver(ConversationStore *store, qint64 messageId, int intervalMs = kDefaultIntervalMs,
                QObject *parent = nullptr);
    ~StreamSaver() override;  // saves what is pending

    qint64 messageId() const { return m_messageId; }
    QString content() const { return m_content; }
    QString reasoning() const { return m_reasoning; }
    int writeCount() const { return m_writes; }
    bool isFinished() const { return m_finished; }

    void setInitialText(const QString &content, const QString &reasoning);

public slots:
    void appendContent(const QString &piece);
    void appendReasoning(const QString &piece);
    void flush();  // write now if anything is pending
    // Final write: the text, tool calls and stats, state complete. Returns
    // false (and emits saveFailed) if the database refused it.
    bool finish(const Hearth::ReplyStats &stats, const QJsonArray &toolCalls = {});

signals:
    void saveFailed(const QString &message);

private:
    void pieceAdded();

    ConversationStore *m_store;
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
