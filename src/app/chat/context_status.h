// ContextStatus: what the chat shows about the model's context, the
// ChatController's `context` property: the meter (tokens used / context
// size, warning when nearly full) and the notice of what the overflow policy
// left out of the last prompt, shown above the reply it applies to.
//
// The figures come from the engine bridge (contextPlanned before a reply,
// the reply's stats after it); this object only keeps and words them.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QObject>
#include <QString>

#include "core/generation_types.h"

namespace Hearth {

class ContextStatus : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ChatController.context")
    Q_PROPERTY(int used READ used NOTIFY changed)
    Q_PROPERTY(int size READ size NOTIFY changed)
    Q_PROPERTY(double fraction READ fraction NOTIFY changed)  // used / size, 0..1
    Q_PROPERTY(bool nearlyFull READ nearlyFull NOTIFY changed)
    Q_PROPERTY(QString text READ text NOTIFY changed)        // "1,234 / 2,048 tokens"; "" when unknown
    Q_PROPERTY(QString warning READ warning NOTIFY changed)  // what happens next when nearly full; else ""
    Q_PROPERTY(QString notice READ notice NOTIFY changed)    // what the last prompt left out; "" for nothing
    Q_PROPERTY(qint64 noticeMessageId READ noticeMessageId NOTIFY changed)  // the reply it applies to

public:
    static constexpr double kNearlyFull = 0.8;

    using QObject::QObject;

    int used() const { return m_used; }
    int size() const { return m_size; }
    double fraction() const;
    bool nearlyFull() const { return m_size > 0 && fraction() >= kNearlyFull; }
    QString text() const;
    QString warning() const;
    QString notice() const { return m_notice; }
    qint64 noticeMessageId() const { return m_noticeMessageId; }

    void setContextSize(int size);
    // The chat's policy, for the warning's wording: "rolling_window", "truncate_middle", "stop".
    void setPolicy(const QString & policy);
    // A reply's prompt was fitted: the meter shows it, the notice says what went.
    void planned(qint64 replyId, const ContextUsage & usage);
    // A chat measured without a reply: only the meter.
    void measured(const ContextUsage & usage);
    // A reply finished: its prompt and what it generated now fill the context.
    void finished(const ReplyStats & stats);
    void clear();  // another chat: nothing known yet

signals:
    void changed();

private:
    int m_used = 0;
    int m_size = 0;
    QString m_policy;
    QString m_notice;
    qint64 m_noticeMessageId = 0;
};

// "3 earlier messages were left out …" for what the policy dropped; "" for nothing.
QString contextNoticeText(const ContextUsage & usage);

}  // namespace Hearth
