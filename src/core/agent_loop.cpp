#include "core/agent_loop.h"

#include <QJsonDocument>
#include <QVariantMap>
#include <exception>

#include "core/conversation_store.h"
#include "core/store_worker.h"
#include "core/tool_json.h"

namespace Hearth {

QString callStateName(AgentLoop::CallState state) {
    switch (state) {
        case AgentLoop::CallState::AwaitingApproval:
            return QStringLiteral("awaiting");
        case AgentLoop::CallState::Running:
            return QStringLiteral("running");
        case AgentLoop::CallState::Done:
            return QStringLiteral("done");
        case AgentLoop::CallState::Failed:
            return QStringLiteral("failed");
        case AgentLoop::CallState::Denied:
            return QStringLiteral("denied");
        case AgentLoop::CallState::TimedOut:
            return QStringLiteral("timeout");
        case AgentLoop::CallState::Cancelled:
            return QStringLiteral("cancelled");
        case AgentLoop::CallState::NotRun:
            return QStringLiteral("not_run");
    }
    return QString();
}

AgentLoop::AgentLoop(StoreWorker * store, ToolRegistry * registry, QObject * parent)
    : QObject(parent), m_store(store), m_registry(registry) {
    connect(&m_runner, &ToolRunner::finished, this, &AgentLoop::onRunnerFinished);
    connect(&m_runner, &ToolRunner::progress, this, &AgentLoop::onRunnerProgress);
}

void AgentLoop::setStepLimit(int steps) {
    m_stepLimit = qMax(1, steps);
    emit settingsChanged();
}

void AgentLoop::setTimeoutMs(int ms) {
    m_timeoutMs = qMax(100, ms);
    emit settingsChanged();
}

void AgentLoop::showConversation(qint64 conversationId) {
    if (conversationId == m_shown) return;
    m_shown = conversationId;
    emit callsChanged();
}

bool AgentLoop::reading(qint64 conversationId) const {
    const auto it = m_turns.constFind(conversationId);
    return it != m_turns.cend() && it->reading;
}

// Runs on the store thread.
AgentLoop::ReadTurn AgentLoop::readTurn(ConversationStore & store, qint64 conversationId, qint64 replyId,
                                        bool withChoices) {
    ReadTurn out;
    out.reply = store.message(replyId);
    for (qint64 id = replyId; id != 0;) {
        const std::optional<Message> m = id == replyId ? out.reply : store.message(id);
        if (!m || m->role == MessageRole::User) break;
        if (m->role == MessageRole::Assistant && !m->toolCalls.isEmpty()) ++out.steps;
        id = m->parentId;
    }
    if (withChoices) out.choices = ToolChoiceStore::load(store.database(), conversationId);
    return out;
}

bool AgentLoop::onReplyFinished(qint64 conversationId, qint64 replyId) {
    if (busy(conversationId) || !m_store) return false;  // one turn per chat at a time
    Turn turn;
    turn.conversationId = conversationId;
    turn.replyId = replyId;
    m_turns.insert(conversationId, turn);
    emit callsChanged();
    const bool withChoices = conversationId != 0 && !m_choices.contains(conversationId);
    m_store->request(
        this,
        [conversationId, replyId, withChoices](ConversationStore & store) {
            return readTurn(store, conversationId, replyId, withChoices);
        },
        [this, conversationId, replyId](const ReadTurn & read) { beginTurn(conversationId, replyId, read); },
        [this, conversationId, replyId](const QString & message) {
            const auto it = m_turns.constFind(conversationId);
            if (it == m_turns.cend() || it->replyId != replyId || !it->reading) return;
            m_turns.remove(conversationId);
            setNotice(QStringLiteral("The tool calls could not be read: ") + message);
            emit callsChanged();
        });
    return true;
}

void AgentLoop::beginTurn(qint64 conversationId, qint64 replyId, const ReadTurn & read) {
    if (read.choices) cacheChoices(conversationId, *read.choices);
    const auto it = m_turns.find(conversationId);
    if (it == m_turns.end() || it->replyId != replyId || !it->reading) return;  // stopped while it was read
    if (!read.reply || read.reply->toolCalls.isEmpty()) {
        m_turns.erase(it);
        emit callsChanged();
        return;
    }
    Turn & turn = *it;
    turn.reading = false;
    const QList<ToolEntry> offered = toolsFor(conversationId);
    for (int i = 0; i < read.reply->toolCalls.size(); ++i) {
        const QJsonObject o = read.reply->toolCalls.at(i).toObject();
        Call c;
        c.key = QStringLiteral("%1:%2").arg(replyId).arg(i);
        c.id = o.value("id").toString();
        c.name = o.value("name").toString();
        c.arguments = o.value("arguments").toObject();
        for (const ToolEntry & t : offered)
            if (t.name == c.name) {
                c.source = t.source;
                c.confirmEveryTime = t.confirmEveryTime;
            }
        turn.calls << c;
    }
    if (read.steps > m_stepLimit) {
        turn.stopping = true;
        const QString why = QStringLiteral("Stopped: the model asked for tools %1 times in a row, the limit is %2.")
                                .arg(read.steps)
                                .arg(m_stepLimit);
        for (Call & c : turn.calls)
            resolve(c, CallState::NotRun,
                    toolErrorResult(QStringLiteral("Not run: the step limit of %1 was reached.").arg(m_stepLimit)));
        setNotice(why);
        finishTurnIfDone(conversationId);
        return;
    }
    emit callsChanged();
    for (Call & c : turn.calls) {
        if (c.source.isEmpty())  // a tool this chat does not offer: the model hears so, nothing runs
            resolve(c, CallState::Failed,
                    toolErrorResult(QStringLiteral("There is no tool named \"%1\" in this chat.").arg(c.name)));
        else if (!c.confirmEveryTime && alwaysAllowed(conversationId, c.name))
            start(c);
    }
    finishTurnIfDone(conversationId);
}

AgentLoop::Turn * AgentLoop::turnOf(const QString & key) {
    for (Turn & t : m_turns)
        for (const Call & c : t.calls)
            if (c.key == key) return &t;
    return nullptr;
}

AgentLoop::Call * AgentLoop::find(const QString & key) {
    Turn * t = turnOf(key);
    if (!t) return nullptr;
    for (Call & c : t->calls)
        if (c.key == key) return &c;
    return nullptr;
}

void AgentLoop::start(Call & call) {
    call.state = CallState::Running;
    if (!m_runner.run(call.key, m_registry->job(call.name, call.arguments), m_timeoutMs))
        resolve(call, CallState::Failed, toolErrorResult(QStringLiteral("The call could not be started.")));
    emit callsChanged();
}

void AgentLoop::allowOnce(const QString & key) {
    Call * c = find(key);
    if (!c || c->state != CallState::AwaitingApproval) return;
    start(*c);
}

void AgentLoop::alwaysAllow(const QString & key) {
    Turn * t = turnOf(key);
    Call * c = find(key);
    if (!t || !c || c->state != CallState::AwaitingApproval) return;
    if (!c->confirmEveryTime) setAlwaysAllowed(t->conversationId, c->name, true);
    // Other waiting calls of the same tool in this turn are allowed with it.
    const QString name = c->name;
    for (Call & other : t->calls)
        if (other.state == CallState::AwaitingApproval && other.name == name) start(other);
}

void AgentLoop::deny(const QString & key, const QString & reason) {
    Turn * t = turnOf(key);
    Call * c = find(key);
    if (!t || !c || c->state != CallState::AwaitingApproval) return;
    QString text = QStringLiteral("The user denied this call.");
    if (!reason.trimmed().isEmpty()) text += QStringLiteral(" Reason: ") + reason.trimmed();
    resolve(*c, CallState::Denied, toolErrorResult(text));
    finishTurnIfDone(t->conversationId);
}

void AgentLoop::allowAll() {
    const auto it = m_turns.find(m_shown);
    if (it == m_turns.end()) return;
    for (Call & c : it->calls)
        if (c.state == CallState::AwaitingApproval) start(c);
}

void AgentLoop::denyAll(const QString & reason) {
    const auto it = m_turns.constFind(m_shown);
    if (it == m_turns.cend()) return;
    QStringList keys;
    for (const Call & c : it->calls)
        if (c.state == CallState::AwaitingApproval) keys << c.key;
    for (const QString & key : keys) deny(key, reason);
}

void AgentLoop::cancel(const QString & key) {
    m_runner.cancel(key);
}

void AgentLoop::stop() {
    const auto it = m_turns.find(m_shown);
    if (it != m_turns.end()) stopTurn(*it);
}

void AgentLoop::stopTurn(Turn & turn) {
    const qint64 conversationId = turn.conversationId;
    if (turn.storing) return;  // its results are on their way; the chat goes on after them
    turn.stopping = true;
    setNotice(QStringLiteral("Stopped."));
    if (turn.reading) {  // nothing shown or run yet: the reply stays as it is
        m_turns.remove(conversationId);
        emit callsChanged();
        emit stopped(m_notice);
        return;
    }
    QStringList running;
    for (Call & c : turn.calls) {
        if (c.state == CallState::AwaitingApproval)
            resolve(c, CallState::Cancelled, toolErrorResult(QStringLiteral("Not run: the user stopped the chat.")));
        if (c.state == CallState::Running) running << c.key;
    }
    // Each running call finishes as cancelled (at once), the last one ends the turn.
    for (const QString & key : running) m_runner.cancel(key);
    finishTurnIfDone(conversationId);
}

void AgentLoop::clearNotice() {
    setNotice(QString());
}

void AgentLoop::resolve(Call & call, CallState state, const QJsonObject & result) {
    call.state = state;
    call.result = result;
    emit callsChanged();
}

void AgentLoop::onRunnerFinished(const QString & key, const QJsonObject & result, ToolRunner::Outcome outcome) {
    Turn * t = turnOf(key);
    Call * c = find(key);
    if (!t || !c) return;
    CallState state = CallState::Done;
    if (outcome == ToolRunner::Outcome::Failed) state = CallState::Failed;
    if (outcome == ToolRunner::Outcome::TimedOut) state = CallState::TimedOut;
    if (outcome == ToolRunner::Outcome::Cancelled) state = CallState::Cancelled;
    resolve(*c, state, result);
    finishTurnIfDone(t->conversationId);
}

void AgentLoop::onRunnerProgress(const QString & key, double progress, double total, const QString & message) {
    Call * c = find(key);
    if (!c || c->state != CallState::Running) return;
    c->progress = progress;
    c->total = total;
    c->progressMessage = message;
    emit callsChanged();
}

bool AgentLoop::awaitingApproval() const {
    const auto it = m_turns.constFind(m_shown);
    if (it == m_turns.cend()) return false;
    for (const Call & c : it->calls)
        if (c.state == CallState::AwaitingApproval) return true;
    return false;
}

void AgentLoop::finishTurnIfDone(qint64 conversationId) {
    const auto it = m_turns.find(conversationId);
    if (it == m_turns.end() || it->reading || it->storing || it->calls.isEmpty()) return;
    for (const Call & c : it->calls)
        if (c.state == CallState::AwaitingApproval || c.state == CallState::Running) return;
    storeResults(*it);
}

// One tool message per call, chained under the reply in the model's order,
// written in one store job: it is posted after the reply's end was written
// and before anything generated from it can be (the continuation is posted
// when this job has answered), so the order in the tree is call, results, answer.
void AgentLoop::storeResults(Turn & turn) {
    QList<Message> results;
    for (const Call & c : turn.calls) {
        Message m;
        m.role = MessageRole::Tool;
        m.content = toolResultText(c.result);
        m.toolResults = QJsonArray{
            QJsonObject{{"call_id", c.id}, {"name", c.name}, {"status", callStateName(c.state)}, {"result", c.result}}};
        results << m;
    }
    const qint64 conversationId = turn.conversationId;
    auto write = [conversationId, parent = turn.replyId, results](ConversationStore & store) {
        qint64 last = parent;
        for (const Message & m : results) last = store.appendMessage(conversationId, last, m);
        return last;
    };
    auto failed = [this](const QString & message) {
        setNotice(QStringLiteral("The tool results could not be saved: ") + message);
    };
    if (turn.stopping) {
        // Nothing follows: the chat is free at once. What the user does next
        // there is posted after this write, so it lands under the results.
        m_store->request(
            this, std::move(write), [](qint64) {}, failed);
        m_turns.remove(conversationId);
        emit callsChanged();
        emit messagesAppended(conversationId);  // its reload is read behind the write
        emit stopped(m_notice);
        return;
    }
    turn.storing = true;
    m_store->request(
        this, std::move(write), [this, conversationId](qint64 last) { endTurn(conversationId, last); },
        [this, conversationId, failed](const QString & message) {
            failed(message);
            endTurn(conversationId, 0);
        });
}

void AgentLoop::endTurn(qint64 conversationId, qint64 lastToolMessage) {
    const auto it = m_turns.find(conversationId);
    if (it == m_turns.end() || !it->storing) return;  // a stopped turn's late failure: only its notice
    m_turns.erase(it);
    emit callsChanged();
    emit messagesAppended(conversationId);
    if (lastToolMessage != 0)
        emit continueRequested(conversationId, lastToolMessage);
    else
        emit stopped(m_notice);
}

void AgentLoop::setNotice(const QString & notice) {
    if (notice == m_notice) return;
    m_notice = notice;
    emit noticeChanged();
}

namespace {

constexpr int kMaxCardImages = 4;
constexpr qsizetype kMaxCardImageBase64 = 4 << 20;  // a bigger picture is named in the text, not shown

// The result's images as data: URLs, for the card to show inline.
QStringList imageSources(const QJsonObject & result) {
    QStringList out;
    for (const QJsonValue & v : result.value("content").toArray()) {
        const QString mime = v["mimeType"].toString();
        const QString data = v["data"].toString();
        if (v["type"].toString() != QLatin1String("image") || !mime.startsWith(QLatin1String("image/")) ||
            data.isEmpty() || data.size() > kMaxCardImageBase64)
            continue;
        out << QStringLiteral("data:%1;base64,%2").arg(mime, data);
        if (out.size() == kMaxCardImages) break;
    }
    return out;
}

}  // namespace

QVariantMap AgentLoop::callMap(const Call & c) const {
    return QVariantMap{
        {"key", c.key},
        {"id", c.id},
        {"name", c.name},
        {"source", c.source},
        {"arguments", QString::fromUtf8(QJsonDocument(c.arguments).toJson(QJsonDocument::Indented)).trimmed()},
        {"state", callStateName(c.state)},
        {"confirmEveryTime", c.confirmEveryTime},
        {"progress", c.progress},
        {"total", c.total},
        {"progressMessage", c.progressMessage},
        {"resultText", c.result.isEmpty() ? QString() : toolResultText(c.result)},
        {"isError", c.result.value("isError").toBool()},
        {"images", imageSources(c.result)},
    };
}

QVariantList AgentLoop::calls() const {
    QVariantList out;
    const auto it = m_turns.constFind(m_shown);
    if (it != m_turns.cend())
        for (const Call & c : it->calls) out << callMap(c);
    return out;
}

}  // namespace Hearth
