// TokenBatcher: coalesces streamed text pieces so the UI repaints at about
// 60 Hz instead of once per token.
//
// The first piece after a flush starts a 16 ms single-shot timer; everything
// appended until it fires goes out as one flushed() signal. flush() sends
// what is pending at once (the bridge calls it when a reply is done, so the
// tail is never held back). Lives on the bridge thread.
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

namespace Hearth {

class TokenBatcher : public QObject {
    Q_OBJECT
public:
    static constexpr int kIntervalMs = 16;

    explicit TokenBatcher(QObject * parent = nullptr);

    void append(const QString & content, const QString & reasoning);
    bool hasPending() const { return !m_content.isEmpty() || !m_reasoning.isEmpty(); }
    int flushCount() const { return m_flushes; }

public slots:
    void flush();

signals:
    void flushed(const QString & content, const QString & reasoning);

private:
    QTimer m_timer;
    QString m_content;
    QString m_reasoning;
    int m_flushes = 0;
};

}  // namespace Hearth
