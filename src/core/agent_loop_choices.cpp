// AgentLoop's per-chat tool choices (which tools the model sees, which run
// without asking; core/tool_choices.h): cached here, read and written on the
// store thread. A change is applied to the cache at once (the picker follows
// the click) and posted as one job that reads the chat's rows, applies the
// same change and writes them back, so a change made before the chat's rows
// were read keeps the stored choices it did not touch; the job's answer (the
// rows as written) then replaces the cached entry.
#include "core/agent_loop.h"
#include "core/conversation_store.h"
#include "core/store_worker.h"

namespace Hearth {

QList<ToolEntry> AgentLoop::toolsFor(qint64 conversationId) const {
    QList<ToolEntry> out;
    const QSet<QString> off = toolsOff(conversationId);
    for (const ToolEntry & t : m_registry->tools())
        if (!off.contains(t.name)) out << t;
    return out;
}

QJsonArray AgentLoop::templateToolsFor(qint64 conversationId) const {
    return ToolRegistry::templateTools(toolsFor(conversationId));
}

const ToolChoices & AgentLoop::choices(qint64 conversationId) const {
    static const ToolChoices kNone;  // not read yet, or nothing chosen: the defaults apply
    const auto it = m_choices.constFind(conversationId);
    return it == m_choices.cend() ? kNone : *it;
}

void AgentLoop::loadChoices(qint64 conversationId) {
    if (conversationId == 0 || !m_store || m_choices.contains(conversationId) ||
        m_loadingChoices.contains(conversationId))
        return;
    m_loadingChoices.insert(conversationId);
    m_store->request(
        this,
        [conversationId](ConversationStore & store) { return ToolChoiceStore::load(store.database(), conversationId); },
        [this, conversationId](const ToolChoices & loaded) {
            m_loadingChoices.remove(conversationId);
            cacheChoices(conversationId, loaded);
        },
        [this, conversationId](const QString & message) {
            m_loadingChoices.remove(conversationId);  // the defaults apply
            qWarning("Hearth: the chat's tool choices could not be read: %s", qPrintable(message));
        });
}

// Read from the store: kept unless the chat changed its choices meanwhile
// (that change's own answer brings the stored rows).
void AgentLoop::cacheChoices(qint64 conversationId, const ToolChoices & loaded) {
    if (m_choices.contains(conversationId)) return;
    m_choices.insert(conversationId, loaded);
    emit toolChoicesChanged(conversationId);
}

void AgentLoop::changeChoices(qint64 conversationId, std::function<void(ToolChoices &)> change) {
    ToolChoices cached = choices(conversationId);
    change(cached);
    m_choices.insert(conversationId, cached);
    emit toolChoicesChanged(conversationId);
    if (conversationId == 0 || !m_store) return;  // the draft's live here until it is adopted
    m_store->request(
        this,
        [conversationId, change](ConversationStore & store) {
            ToolChoices stored = ToolChoiceStore::load(store.database(), conversationId);
            change(stored);
            ToolChoiceStore::save(store.database(), conversationId, stored);
            return stored;
        },
        [this, conversationId](const ToolChoices & stored) {
            if (m_choices.value(conversationId) == stored) return;
            m_choices.insert(conversationId, stored);
            emit toolChoicesChanged(conversationId);
        },
        [this](const QString & message) {
            setNotice(QStringLiteral("The chat's tool choices could not be saved: ") + message);
        });
}

QSet<QString> AgentLoop::toolsOff(qint64 conversationId) const {
    const ToolChoices & c = choices(conversationId);
    QSet<QString> off = m_defaultOff;
    for (auto it = c.offered.begin(); it != c.offered.end(); ++it) {
        if (it.value())
            off.remove(it.key());
        else
            off.insert(it.key());
    }
    return off;
}

void AgentLoop::setToolEnabled(qint64 conversationId, const QString & name, bool enabled) {
    changeChoices(conversationId, [name, enabled](ToolChoices & c) { c.offered.insert(name, enabled); });
}

bool AgentLoop::toolEnabled(qint64 conversationId, const QString & name) const {
    return !toolsOff(conversationId).contains(name);
}

bool AgentLoop::alwaysAllowed(qint64 conversationId, const QString & name) const {
    return choices(conversationId).always.contains(name);
}

void AgentLoop::setAlwaysAllowed(qint64 conversationId, const QString & name, bool always) {
    changeChoices(conversationId, [name, always](ToolChoices & c) {
        if (always)
            c.always.insert(name);
        else
            c.always.remove(name);
    });
}

void AgentLoop::adoptDraftChoices(qint64 conversationId) {
    const ToolChoices draft = m_choices.take(0);
    if (conversationId == 0 || draft == ToolChoices{}) return;
    changeChoices(conversationId, [draft](ToolChoices & c) { c = draft; });  // a new chat: nothing stored yet
    emit toolChoicesChanged(0);
}

void AgentLoop::resetDraftChoices() {
    if (m_choices.remove(0)) emit toolChoicesChanged(0);
}

void AgentLoop::setDefaultOff(const QSet<QString> & names) {
    if (names == m_defaultOff) return;
    m_defaultOff = names;
    emit toolChoicesChanged(0);
}

}  // namespace Hearth
