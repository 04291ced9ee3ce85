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
// Turns are per chat: chat A can wait for an approval while chat B
// generates, and B's reply can start its own turn. `calls`, `active`,
// `awaitingApproval` and stop() are those of the shown chat (showConversation:
// the open one), so A's cards come back when A is opened again.
//
// The store is reached only through the StoreWorker (its thread, its
// connection, jobs in the order posted): a finished reply is read there (a
// turn is `reading` until it is back), the results are written there in one
// job posted after the reply's own end and before the continuation's start,
// and a chat's choices are read there (loadChoices, on opening the chat) and
// changed there (read, change, write in one job; the cache here changes at
// once, so the picker's checkbox follows the click). The GUI thread never
// waits on SQLite.
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
#include <functional>
#include <optional>

#include "core/conversation_types.h"
#include "core/tool_choices.h"
#include "core/tool_registry.h"
#include "core/tool_runner.h"

namespace Hearth {

class ConversationStore;
class StoreWorker;

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

    AgentLoop(StoreWorker * store, ToolRegistry * registry, QObject * parent = nullptr);

    // The tools a chat offers the model: the registry's, less those the chat
    // turned off (or, where the chat did not choose, the app-wide default left off).
    QList<ToolEntry> toolsFor(qint64 conversationId) const;
    QJsonArray templateToolsFor(qint64 conversationId) const;
    // A chat's choices are kept in its conversation's rows (core/tool_choices.h);
    // those of the draft (id 0) until it becomes a conversation (adoptDraftChoices).
    // Until a chat's choices are read (loadChoices), the defaults answer.
    void loadChoices(qint64 conversationId);
    Q_INVOKABLE void setToolEnabled(qint64 conversationId, const QString & name, bool enabled);
    Q_INVOKABLE bool toolEnabled(qint64 conversationId, const QString & name) const;
    bool alwaysAllowed(qint64 conversationId, const QString & name) const;
    Q_INVOKABLE void setAlwaysAllowed(qint64 conversationId, const QString & name, bool always);
    // The draft's choices become the new conversation's; the draft starts from the default again.
    void adoptDraftChoices(qint64 conversationId);
    void resetDraftChoices();
    // The tools new chats do not offer (the app-wide default; ToolSettings keeps it).
    void setDefaultOff(const QSet<QString> & names);
    QSet<QString> defaultOff() const { return m_defaultOff; }
    // The tools `conversationId` turned off, its own choices and the default together.
    QSet<QString> toolsOff(qint64 conversationId) const;

    // After a reply of `conversationId` was stored complete (its end is posted
    // to the store before this). The reply is read on the store thread; until
    // then the chat's turn is `reading` (busy). False when the chat has a turn already.
    bool onReplyFinished(qint64 conversationId, qint64 replyId);
    // The chat whose turn `calls`, `active`, `awaitingApproval` and stop() are about.
    void showConversation(qint64 conversationId);
    // A turn holds `conversationId`: its reply is read, calls wait or run, or its results are being stored.
    bool busy(qint64 conversationId) const { return m_turns.contains(conversationId); }
    bool reading(qint64 conversationId) const;

    Q_INVOKABLE void allowOnce(const QString & key);
    Q_INVOKABLE void alwaysAllow(const QString & key);
    Q_INVOKABLE void deny(const QString & key, const QString & reason = {});
    Q_INVOKABLE void allowAll();
    Q_INVOKABLE void denyAll(const QString & reason = {});
    Q_INVOKABLE void cancel(const QString & key);
    // Cancels the shown chat's running calls, answers its waiting ones, and does not continue.
    Q_INVOKABLE void stop();
    Q_INVOKABLE void clearNotice();

    QVariantList calls() const;
    bool active() const { return busy(m_shown); }
    bool awaitingApproval() const;
    qint64 conversationId() const { return m_shown; }
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
    void stopped(const QString & why);
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

    // One chat's turn: the reply being read, then its calls, then its results being stored.
    struct Turn {
        qint64 conversationId = 0;
        qint64 replyId = 0;
        QList<Call> calls;     // in the model's order
        bool reading = true;   // the reply is being read on the store thread
        bool storing = false;  // the results are being written (the turn goes on after)
        bool stopping = false;
    };
    // What the store thread reads for a finished reply.
    struct ReadTurn {
        std::optional<Message> reply;
        int steps = 0;                       // rounds of calls since the last user message, this one included
        std::optional<ToolChoices> choices;  // when not cached here yet
    };
    static ReadTurn readTurn(ConversationStore & store, qint64 conversationId, qint64 replyId, bool withChoices);

    void beginTurn(qint64 conversationId, qint64 replyId, const ReadTurn & read);
    Turn * turnOf(const QString & key);
    Call * find(const QString & key);
    void start(Call & call);
    void resolve(Call & call, CallState state, const QJsonObject & result);
    void onRunnerFinished(const QString & key, const QJsonObject & result, ToolRunner::Outcome outcome);
    void onRunnerProgress(const QString & key, double progress, double total, const QString & message);
    void stopTurn(Turn & turn);
    void finishTurnIfDone(qint64 conversationId);
    void storeResults(Turn & turn);
    void endTurn(qint64 conversationId, qint64 lastToolMessage);
    void setNotice(const QString & notice);
    QVariantMap callMap(const Call & call) const;
    const ToolChoices & choices(qint64 conversationId) const;
    // Changes a chat's choices here at once, and in the store (read, change, write) on its thread.
    void changeChoices(qint64 conversationId, std::function<void(ToolChoices &)> change);
    void cacheChoices(qint64 conversationId, const ToolChoices & choices);

    StoreWorker * m_store;
    ToolRegistry * m_registry;
    ToolRunner m_runner;
    QHash<qint64, Turn> m_turns;  // conversation -> its turn
    qint64 m_shown = 0;
    QString m_notice;
    int m_stepLimit = 10;
    int m_timeoutMs = 60000;
    QHash<qint64, ToolChoices> m_choices;  // conversation -> its choices, as read from the store and changed since
    QSet<qint64> m_loadingChoices;         // read requests in flight
    QSet<QString> m_defaultOff;
};

QString callStateName(AgentLoop::CallState state);

}  // namespace Hearth
