#include "core/agent_loop.h"

#include <QJsonDocument>
#include <QVariantMap>
#include <exception>

#include "core/conversation_store.h"
#include "core/tool_json.h"

namespace Hearth {

QString callStateName(AgentLoop::CallState state) {
    switch (state) {
    case AgentLoop::CallState::AwaitingApproval: return QStringLiteral("awaiting");
    case AgentLoop::CallState::Running: return QStringLiteral("running");
    case AgentLoop::CallState::Done: return QStringLiteral("done");
    case AgentLoop::CallState::Failed: return QStringLiteral("failed");
    case AgentLoop::CallState::Denied: return QStringLiteral("denied");
    case AgentLoop::CallState::TimedOut: return QStringLiteral("timeout");
    case AgentLoop::CallState::Cancelled: return QStringLiteral("cancelled");
    case AgentLoop::CallState::NotRun: return QStringLiteral("not_run");
    }
    return QString();
}

AgentLoop::AgentLoop(ConversationStore *store, ToolRegistry *registry, QObject *parent)
    : QObject(parent), m_store(store), m_registry(registry) {
    connect(&m_runner, &ToolRunner::finished, this, &AgentLoop::onRunnerFinished);
    connect(&m_runner, &ToolRunner::progress, this, &AgentLoop::onRunnerProgress);
}

QList<ToolEntry> AgentLoop::toolsFor(qint64 conversationId) const {
    QList<ToolEntry> out;
    const QSet<QString> off = toolsOff(conversationId);
    for (const ToolEntry &t : m_registry->tools())
        if (!off.contains(t.name)) out << t;
    return out;
}

QJsonArray AgentLoop::templateToolsFor(qint64 conversationId) const {
    return ToolRegistry::templateTools(toolsFor(conversationId));
}

const ToolChoices &AgentLoop::choices(qint64 conversationId) const {
    auto it = m_choices.find(conversationId);
    if (it != m_choices.end()) return *it;
    ToolChoices loaded;
    if (conversationId != 0) {
        try {
            loaded = ToolChoiceStore::load(m_store->database(), conversationId);
        } catch (const std::exception &e) {
            qWarning("Hearth: the chat's tool choices could not be read: %s", e.what());  // the defaults apply
        }
    }
    return *m_choices.insert(conversationId, loaded);
}

void AgentLoop::saveChoices(qint64 conversationId) {
    emit toolChoicesChanged(conversationId);
    if (conversationId == 0) return;
    try {
        ToolChoiceStore::save(m_store->database(), conversationId, m_choices.value(conversationId));
    } catch (const std::exception &e) {
        setNotice(QStringLiteral("The chat's tool choices could not be saved: ") + QString::fromUtf8(e.what()));
    }
}

QSet<QString> AgentLoop::toolsOff(qint64 conversationId) const {
    const ToolChoices &c = choices(conversationId);
    QSet<QString> off = m_defaultOff;
    for (auto it = c.offered.begin(); it != c.offered.end(); ++it) {
        if (it.value()) off.remove(it.key());
        else off.insert(it.key());
    }
    return off;
}

void AgentLoop::setToolEnabled(qint64 conversationId, const QString &name, bool enabled) {
    choices(conversationId);  // loaded before it changes
    m_choices[conversationId].offered.insert(name, enabled);
    saveChoices(conversationId);
}

bool AgentLoop::toolEnabled(qint64 conversationId, const QString &name) const {
    return !toolsOff(conversationId).contains(name);
}

bool AgentLoop::alwaysAllowed(qint64 conversationId, const QString &name) const {
    return choices(conversationId).always.contains(name);
}

void AgentLoop::setAlwaysAllowed(qint64 conversationId, const QString &name, bool always) {
    choices(conversationId);
    if (always) m_choices[conversationId].always.insert(name);
    else m_choices[conversationId].always.remove(name);
    saveChoices(conversationId);
}

void AgentLoop::adoptDraftChoices(qint64 conversationId) {
    const ToolChoices draft = m_choices.take(0);
    if (conversationId == 0 || draft == ToolChoices{}) return;
    m_choices.insert(conversationId, draft);
    saveChoices(conversationId);
    emit toolChoicesChanged(0);
}

void AgentLoop::resetDraftChoices() {
    if (m_choices.remove(0)) emit toolChoicesChanged(0);
}

void AgentLoop::setDefaultOff(const QSet<QString> &names) {
    if (names == m_defaultOff) return;
    m_defaultOff = names;
    emit toolChoicesChanged(0);
}

void AgentLoop::setStepLimit(int steps) {
    m_stepLimit = qMax(1, steps);
    emit settingsChanged();
}

void AgentLoop::setTimeoutMs(int ms) {
    m_timeoutMs = qMax(100, ms);
    emit settingsChanged();
}

int AgentLoop::stepsSinceUser(qint64 replyId) const {
    int steps = 0;
    for (qint64 id = replyId; id != 0;) {
        const std::optional<Message> m = m_store->message(id);
        if (!m || m->role == MessageRole::User) break;
        if (m->role == MessageRole::Assistant && !m->toolCalls.isEmpty()) ++steps;
        id = m->parentId;
    }
    return steps;
}

bool AgentLoop::onReplyFinished(qint64 replyId) {
    if (active()) return false;  // one turn at a time
    std::optional<Message> reply;
    int steps = 0;
    try {
        reply = m_store->message(replyId);
        if (!reply || reply->toolCalls.isEmpty()) return false;
        steps = stepsSinceUser(replyId);
    } catch (const std::exception &e) {
        setNotice(QStringLiteral("The tool calls could not be read: ") + QString::fromUtf8(e.what()));
        return false;
    }
    m_conversationId = reply->conversationId;
    m_replyId = replyId;
    m_stopping = false;
    const QList<ToolEntry> offered = toolsFor(m_conversationId);
    for (int i = 0; i < reply->toolCalls.size(); ++i) {
        const QJsonObject o = reply->toolCalls.at(i).toObject();
        Call c;
        c.key = QStringLiteral("%1:%2").arg(replyId).arg(i);
        c.id = o.value("id").toString();
        c.name = o.value("name").toString();
        c.arguments = o.value("arguments").toObject();
        for (const ToolEntry &t : offered)
            if (t.name == c.name) {
                c.source = t.source;
                c.confirmEveryTime = t.confirmEveryTime;
            }
        m_calls << c;
    }
    if (steps > m_stepLimit) {
        m_stopping = true;
        const QString why = QStringLiteral("Stopped: the model asked for tools %1 times in a row, the limit is %2.")
                                .arg(steps)
                                .arg(m_stepLimit);
        for (Call &c : m_calls)
            resolve(c, CallState::NotRun, toolErrorResult(QStringLiteral("Not run: the step limit of %1 was reached.")
                                                              .arg(m_stepLimit)));
        setNotice(why);
        finishTurnIfDone();
        return true;
    }
    emit callsChanged();
    for (Call &c : m_calls) {
        if (c.source.isEmpty())  // a tool this chat does not offer: the model hears so, nothing runs
            resolve(c, CallState::Failed,
                    toolErrorResult(QStringLiteral("There is no tool named \"%1\" in this chat.").arg(c.name)));
        else if (!c.confirmEveryTime && alwaysAllowed(m_conversationId, c.name))
            start(c);
    }
    finishTurnIfDone();
    return true;
}

AgentLoop::Call *AgentLoop::find(const QString &key) {
    for (Call &c : m_calls)
        if (c.key == key) return &c;
    return nullptr;
}

void AgentLoop::start(Call &call) {
    call.state = CallState::Running;
    if (!m_runner.run(call.key, m_registry->job(call.name, call.arguments), m_timeoutMs))
        resolve(call, CallState::Failed, toolErrorResult(QStringLiteral("The call could not be started.")));
    emit callsChanged();
}

void AgentLoop::allowOnce(const QString &key) {
    Call *c = find(key);
    if (!c || c->state != CallState::AwaitingApproval) return;
    start(*c);
}

void AgentLoop::alwaysAllow(const QString &key) {
    Call *c = find(key);
    if (!c || c->state != CallState::AwaitingApproval) return;
    if (!c->confirmEveryTime) setAlwaysAllowed(m_conversationId, c->name, true);
    // Other waiting calls of the same tool in this turn are allowed with it.
    for (Call &other : m_calls)
        if (other.state == CallState::AwaitingApproval && other.name == c->name) start(other);
}

void AgentLoop::deny(const QString &key, const QString &reason) {
    Call *c = find(key);
    if (!c || c->state != CallState::AwaitingApproval) return;
    QString text = QStringLiteral("The user denied this call.");
    if (!reason.trimmed().isEmpty()) text += QStringLiteral(" Reason: ") + reason.trimmed();
    resolve(*c, CallState::Denied, toolErrorResult(text));
    finishTurnIfDone();
}

void AgentLoop::allowAll() {
    for (Call &c : m_calls)
        if (c.state == CallState::AwaitingApproval) start(c);
}

void AgentLoop::denyAll(const QString &reason) {
    QStringList keys;
    for (const Call &c : m_calls)
        if (c.state == CallState::AwaitingApproval) keys << c.key;
    for (const QString &key : keys) deny(key, reason);
}

void AgentLoop::cancel(const QString &key) { m_runner.cancel(key); }

void AgentLoop::stop() {
    if (!active()) return;
    m_stopping = true;
    for (Call &c : m_calls)
        if (c.state == CallState::AwaitingApproval)
            resolve(c, CallState::Cancelled, toolErrorResult(QStringLiteral("Not run: the user stopped the chat.")));
    m_runner.cancelAll();  // each running call finishes as cancelled, the last one ends the turn
    setNotice(QStringLiteral("Stopped."));
    finishTurnIfDone();
}

void AgentLoop::clearNotice() { setNotice(QString()); }

void AgentLoop::resolve(Call &call, CallState state, const QJsonObject &result) {
    call.state = state;
    call.result = result;
    emit callsChanged();
}

void AgentLoop::onRunnerFinished(const QString &key, const QJsonObject &result, ToolRunner::Outcome outcome) {
    Call *c = find(key);
    if (!c) return;
    CallState state = CallState::Done;
    if (outcome == ToolRunner::Outcome::Failed) state = CallState::Failed;
    if (outcome == ToolRunner::Outcome::TimedOut) state = CallState::TimedOut;
    if (outcome == ToolRunner::Outcome::Cancelled) state = CallState::Cancelled;
    resolve(*c, state, result);
    finishTurnIfDone();
}

void AgentLoop::onRunnerProgress(const QString &key, double progress, double total, const QString &message) {
    Call *c = find(key);
    if (!c || c->state != CallState::Running) return;
    c->progress = progress;
    c->total = total;
    c->progressMessage = message;
    emit callsChanged();
}

bool AgentLoop::awaitingApproval() const {
    for (const Call &c : m_calls)
        if (c.state == CallState::AwaitingApproval) return true;
    return false;
}

void AgentLoop::finishTurnIfDone() {
    for (const Call &c : m_calls)
        if (c.state == CallState::AwaitingApproval || c.state == CallState::Running) return;
    if (m_calls.isEmpty()) return;
    const qint64 conversation = m_conversationId;
    const qint64 last = storeResults();
    const bool goOn = !m_stopping && last != 0;
    m_calls.clear();
    m_replyId = 0;
    emit callsChanged();
    emit messagesAppended(conversation);
    if (goOn) emit continueRequested(conversation, last);
    else emit stopped(m_notice);
}

qint64 AgentLoop::storeResults() {
    qint64 parent = m_replyId;
    try {
        for (const Call &c : m_calls) {
            Message m;
            m.role = MessageRole::Tool;
            m.content = toolResultText(c.result);
            m.toolResults = QJsonArray{QJsonObject{{"call_id", c.id},
                                                   {"name", c.name},
                                                   {"status", callStateName(c.state)},
                                                   {"result", c.result}}};
            parent = m_store->appendMessage(m_conversationId, parent, m);
        }
    } catch (const std::exception &e) {
        setNotice(QStringLiteral("The tool results could not be saved: ") + QString::fromUtf8(e.what()));
        return 0;
    }
    return parent;
}

void AgentLoop::setNotice(const QString &notice) {
    if (notice == m_notice) return;
    m_notice = notice;
    emit noticeChanged();
}

namespace {

constexpr int kMaxCardImages = 4;
constexpr qsizetype kMaxCardImageBase64 = 4 << 20;  // a bigger picture is named in the text, not shown

// The result's images as data: URLs, for the card to show inline.
QStringList imageSources(const QJsonObject &result) {
    QStringList out;
    for (const QJsonValue &v : result.value("content").toArray()) {
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

QVariantMap AgentLoop::callMap(const Call &c) const {
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
    for (const Call &c : m_calls) out << callMap(c);
    return out;
}

}  // namespace Hearth
