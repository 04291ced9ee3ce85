#include "context_status.h"

#include <QLocale>
#include <algorithm>

namespace Hearth {

QString contextNoticeText(const ContextUsage & usage) {
    const int n = usage.droppedMessages;
    if (n <= 0) return QString();
    const QString messages = n == 1 ? QStringLiteral("1 message") : QStringLiteral("%1 messages").arg(n);
    if (usage.policy == QLatin1String("truncate_middle"))
        return QStringLiteral(
                   "%1 from the middle of this chat %2 left out to fit the context (truncate middle)."
                   " The first and the latest turns are kept.")
            .arg(messages, n == 1 ? QStringLiteral("was") : QStringLiteral("were"));
    return QStringLiteral("The oldest %1 of this chat %2 left out to fit the context (rolling window).%3")
        .arg(messages, n == 1 ? QStringLiteral("was") : QStringLiteral("were"),
             usage.systemPrompt ? QStringLiteral(" The system prompt is kept.") : QString());
}

double ContextStatus::fraction() const {
    return m_size > 0 ? std::clamp(double(m_used) / double(m_size), 0.0, 1.0) : 0.0;
}

QString ContextStatus::text() const {
    if (m_size <= 0) return QString();
    QLocale c = QLocale::c();
    c.setNumberOptions(QLocale::DefaultNumberOptions);  // "2,048": the C locale omits the separator
    return QStringLiteral("%1 / %2 tokens").arg(c.toString(m_used), c.toString(m_size));
}

QString ContextStatus::warning() const {
    if (!nearlyFull()) return QString();
    // At 100% nothing more fits: "full", not "nearly full".
    const bool full = m_used >= m_size;
    if (m_policy == QLatin1String("stop"))
        return full ? QStringLiteral("Context full: new messages are refused.")
                    : QStringLiteral("Context nearly full: replies will stop, then new messages are refused.");
    return full ? QStringLiteral("Context full: older messages will be left out.")
                : QStringLiteral("Context nearly full: older messages will be left out.");
}

void ContextStatus::setContextSize(int size) {
    if (size == m_size) return;
    m_size = size;
    emit changed();
}

void ContextStatus::setPolicy(const QString & policy) {
    if (policy == m_policy) return;
    m_policy = policy;
    emit changed();
}

void ContextStatus::planned(qint64 replyId, const ContextUsage & usage) {
    m_used = usage.promptTokens;
    if (usage.contextSize > 0) m_size = usage.contextSize;
    m_notice = contextNoticeText(usage);
    m_noticeMessageId = m_notice.isEmpty() ? 0 : replyId;
    emit changed();
}

void ContextStatus::measured(const ContextUsage & usage) {
    m_used = usage.promptTokens;
    if (usage.contextSize > 0) m_size = usage.contextSize;
    emit changed();
}

void ContextStatus::finished(const ReplyStats & stats) {
    // A reply cut by a full context sampled one token more than the context holds.
    m_used = stats.promptTokens + stats.generatedTokens;
    if (m_size > 0) m_used = std::min(m_used, m_size);
    emit changed();
}

void ContextStatus::clear() {
    m_used = 0;
    m_notice.clear();
    m_noticeMessageId = 0;
    emit changed();
}

}  // namespace Hearth
