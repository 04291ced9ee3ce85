// SseDecoder: splits a server-sent-events byte stream (text/event-stream, as
// OpenAI-compatible servers stream chat completions) into events.
//
// Bytes arrive in arbitrary pieces (a line may be cut anywhere, even inside a
// UTF-8 sequence); feed() keeps the unfinished line and returns the events
// that completed. An event is its `data:` lines joined with "\n"; comment
// lines (":" first) and other fields (event:, id:, retry:) are skipped. Lines
// end with "\n" or "\r\n".
//
// Outside input: one line longer than maxLineBytes, or an event whose data
// grows beyond it, stops the decoder with error() set; nothing after that is
// decoded. Memory stays bounded by about twice maxLineBytes.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace Hearth {

class SseDecoder {
public:
    static constexpr qsizetype kDefaultMaxLineBytes = 1 << 20;  // 1 MiB

    explicit SseDecoder(qsizetype maxLineBytes = kDefaultMaxLineBytes) : m_maxLine(maxLineBytes) {}

    // The events completed by `size` more bytes (their data payloads).
    QList<QByteArray> feed(const char * data, size_t size);
    // End of stream: an event not closed by a blank line is still delivered
    // (servers that end with "data: [DONE]\n" and no blank line exist).
    QList<QByteArray> finish();

    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }

private:
    void takeLine(QByteArray line, QList<QByteArray> & out);

    qsizetype m_maxLine;
    QByteArray m_line;  // the unfinished line
    QByteArray m_data;  // the data of the event being read
    bool m_hasData = false;
    QString m_error;
};

}  // namespace Hearth
