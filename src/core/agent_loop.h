// AgentLoop: what happens after a reply ends with tool calls.
//
//   reply with calls -> cards (name, pretty-printed arguments) awaiting
//   approval -> Allow once / Always allow this tool in this chat / Deny
//   (optional reason) -> allowed calls run on the ToolRunner (progress,
//   Cancel, timeout) -> one `tool` message per call, linked by call id, in
//   the conversation tree under the reply -> continueRequested(), on which
//   the chat generates the next reply under the last tool message -> ...
//
// until a reply has no calls, or the step limit (default 10 rounds of calls
// since the last user message) is reached: then the calls are answered with
// a "not run" error, nothing more is generated and `notice` says so. The
// steps are counted from the stored tree, so a reloaded chat counts the same.
//
// Every outcome is a result the model reads: a denial (with its reason), a
// failure, a timeout, a crashed MCP server, a cancel. stop() cancels what
// runs and answers what waits, and does not continue. Parallel calls of one
// reply are shown together, approved one by one or all at once, and the
// turn continues when the last of them has its result.
//
// Each chat's choices (which tools the model sees, which run without asking)
// are stored with the conversation (core/tool_choices.h), so they hold after
// reopening the chat or restarting the app.
//
// Lives on the GUI thread; tools run on the runner's pool. QML reads
// `calls` (a list of maps, see callMap(): a running call's progress, a
// finished one's result text and its images as data: URLs) and calls the
// invokables.
#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QVariantList>

#include "core/tool_choices.h"
#include "core/tool_registry.h"
#include "core/tool_runner.h"

namespace Hearth {

class ConversationStore;
struct Message;

class AgentLoop : public QObject {
    Q_OBJECT
    Q_PROPERTY(QVariantList calls READ calls NOTIFY callsChanged)
    Q_PROPERTY(bool active READ active NOTIFY callsChanged)
    Q_PROPERTY(bool awaitingApproval READ awaitingApproval NOTIFY callsChanged)
    Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY callsChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    Q_PROPERTY(int stepLimit READ stepLimit WRITE setStepLimit NOTIFY settingsChanged)
    Q_PROPERTY(int timeoutMs READ timeoutMs WRITE setTimeoutMs NOTIFY settingsChanged)

public:
    enum class CallState { AwaitingApproval, Running, Done, Failed, Denied, TimedOut, Cancelled, NotRun };
    Q_ENUM(CallState)

    AgentLoop(ConversationStore *store, ToolRegistry *registry, QObject *parent = nullptr);

    // The tools a chat offers the model: the registry's, less those the chat
    // turned off (or, where the chat did not choose, the app-wide default left off).
    QList<ToolEntry> toolsFor(qint64 conversationId) const;
    QJsonArray templateToolsFor(qint64 conversationId) const;
    // A chat's choices are kept in its conversation's rows (core/tool_choices.h);
    // those of the draft (id 0) until it becomes a conversation (adoptDraftChoices).
    Q_INVOKABLE void setToolEnabled(qint64 conversationId, const QString &name, bool enabled);
    Q_INVOKABLE bool toolEnabled(qint64 conversationId, const QString &name) const;
    bool alwaysAllowed(qint64 conversationId, const QString &name) const;
    Q_INVOKABLE void setAlwaysAllowed(qint64 conversationId, const QString &name, bool always);
    // The draft's choices become the new conversation's; the draft starts from the default again.
    void adoptDraftChoices(qint64 conversationId);
    void resetDraftChoices();
    // The tools new chats do not offer (the app-wide default; ToolSettings keeps it).
    void setDefaultOff(const QSet<QString> &names);
    QSet<QString> defaultOff() const { return m_defaultOff; }
    // The tools `conversationId` turned off, its own choices and the default together.
    QSet<QString> toolsOff(qint64 conversationId) const;

    // After a reply was stored complete. True when it had tool calls the loop now handles.
    bool onReplyFinished(qint64 replyId);

    Q_INVOKABLE void allowOnce(const QString &key);
    Q_INVOKABLE void alwaysAllow(const QString &key);
    Q_INVOKABLE void deny(const QString &key, const QString &reason = {});
    Q_INVOKABLE void allowAll();
    Q_INVOKABLE void denyAll(const QString &reason = {});
    Q_INVOKABLE void cancel(const QString &key);
    // Cancels running calls, answers waiting ones, and does not continue.
    Q_INVOKABLE void stop();
    Q_INVOKABLE void clearNotice();

    QVariantList calls() const;
    bool active() const { return !m_calls.isEmpty(); }
    bool awaitingApproval() const;
    qint64 conversationId() const { return m_conversationId; }
    QString notice() const { return m_notice; }
    int stepLimit() const { return m_stepLimit; }
    void setStepLimit(int steps);
    int timeoutMs() const { return m_timeoutMs; }
    void setTimeoutMs(int ms);

signals:
    void callsChanged();
    void noticeChanged();
    void settingsChanged();
    // The tool messages of a turn were stored (the chat's view should reload).
    void messagesAppended(qint64 conversationId);
    // Generate the next reply in `conversationId` under `parentId` (the last tool message).
    void continueRequested(qint64 conversationId, qint64 parentId);
    void stopped(const QString &why);
    // A chat's tool choices (offered, always allowed) changed; 0: the draft's, or the default (any chat).
    void toolChoicesChanged(qint64 conversationId);

private:
    struct Call {
        QString key;  // unique in the turn: "<replyId>:<index>"
        QString id;   // the model's call id (may be empty)
        QString name;
        QJsonObject arguments;
        QString source;  // "builtin", a server name, "" for an unknown tool
        bool confirmEveryTime = false;
        CallState state = CallState::AwaitingApproval;
        QJsonObject result;
        double progress = 0;
        double total = 0;
        QString progressMessage;
    };

    int stepsSinceUser(qint64 replyId) const;
    Call *find(const QString &key);
    void start(Call &call);
    void resolve(Call &call, CallState state, const QJsonObject &result);
    void onRunnerFinished(const QString &key, const QJsonObject &result, ToolRunner::Outcome outcome);
    void onRunnerProgress(const QString &key, double progress, double total, const QString &message);
    void finishTurnIfDone();
    qint64 storeResults();
    void setNotice(const QString &notice);
    QVariantMap callMap(const Call &call) const;
    const ToolChoices &choices(qint64 conversationId) const;
    void saveChoices(qint64 conversationId);

    ConversationStore *m_store;
    ToolRegistry *m_registry;
    ToolRunner m_runner;
    QList<Call> m_calls;  // the current turn's calls, in the model's order
    qint64 m_conversationId = 0;
    qint64 m_replyId = 0;
    bool m_stopping = false;
    QString m_notice;
    int m_stepLimit = 10;
    int m_timeoutMs = 60000;
    mutable QHash<qint64, ToolChoices> m_choices;  // conversation -> its choices, read once from the store
    QSet<QString> m_defaultOff;
};

QString callStateName(AgentLoop::CallState state);

}  // namespace Hearth
