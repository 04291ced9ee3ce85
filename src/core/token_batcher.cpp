#include "core/token_batcher.h"

#include <utility>

namespace Hearth {

TokenBatcher::TokenBatcher(QObject * parent) : QObject(parent) {
    m_timer.setSingleShot(true);
    m_timer.setInterval(kIntervalMs);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &TokenBatcher::flush);
}

void TokenBatcher::append(const QString & content, const QString & reasoning) {
    m_content += content;
    m_reasoning += reasoning;
    if (hasPending() && !m_timer.isActive()) m_timer.start();
}

void TokenBatcher::flush() {
    m_timer.stop();
    if (!hasPending()) return;
    QString content = std::exchange(m_content, QString());
    QString reasoning = std::exchange(m_reasoning, QString());
    ++m_flushes;
    emit flushed(content, reasoning);
}

}  // namespace Hearth
