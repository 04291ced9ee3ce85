#include "chat_tools_model.h"

#include "core/agent_loop.h"
#include "tools_controller.h"

namespace Hearth {

namespace {

// The description's first sentence: a row has room for one line.
QString firstSentence(const QString & text) {
    const int end = text.indexOf(QLatin1String(". "));
    return (end < 0 ? text : text.left(end + 1)).simplified();
}

}  // namespace

ChatToolsModel::ChatToolsModel(ToolRegistry * registry, AgentLoop * agent, ToolsController * settings, QObject * parent)
    : QAbstractListModel(parent), m_registry(registry), m_agent(agent), m_settings(settings) {
    connect(m_registry, &ToolRegistry::serversChanged, this, &ChatToolsModel::refresh);
    connect(m_settings, &ToolsController::builtinsChanged, this, &ChatToolsModel::refresh);
    // A choice changes the checkboxes only: the rows (and an open list's scroll) stay.
    connect(m_agent, &AgentLoop::toolChoicesChanged, this, [this](qint64 conversationId) {
        if (conversationId != 0 && conversationId != m_conversationId) return;
        if (!m_tools.isEmpty()) emit dataChanged(index(0), index(count() - 1), {EnabledRole, AlwaysAllowedRole});
        emit countsChanged();
    });
    refresh();
}

int ChatToolsModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant ChatToolsModel::data(const QModelIndex & index, int role) const {
    if (!index.isValid() || index.row() >= m_tools.size()) return {};
    const ToolEntry & t = m_tools.at(index.row());
    switch (role) {
        case NameRole:
            return t.name;
        case DescriptionRole:
            return firstSentence(t.description);
        case SourceRole:
            return t.source == QLatin1String("builtin") ? QStringLiteral("Built-in") : t.source;
        case EnabledRole:
            return m_agent->toolEnabled(m_conversationId, t.name);
        case AlwaysAllowedRole:
            return !t.confirmEveryTime && m_agent->alwaysAllowed(m_conversationId, t.name);
        default:
            return {};
    }
}

QHash<int, QByteArray> ChatToolsModel::roleNames() const {
    return {{NameRole, "name"},
            {DescriptionRole, "description"},
            {SourceRole, "source"},
            {EnabledRole, "toolEnabled"},
            {AlwaysAllowedRole, "alwaysAllowed"}};
}

int ChatToolsModel::enabledCount() const {
    int n = 0;
    for (const ToolEntry & t : m_tools) n += m_agent->toolEnabled(m_conversationId, t.name) ? 1 : 0;
    return n;
}

void ChatToolsModel::setConversationId(qint64 conversationId) {
    if (conversationId == m_conversationId) return;
    m_conversationId = conversationId;
    refresh();
}

void ChatToolsModel::setEnabled(int row, bool enabled) {
    if (row >= 0 && row < m_tools.size()) m_agent->setToolEnabled(m_conversationId, m_tools.at(row).name, enabled);
}

void ChatToolsModel::askAgain(int row) {
    if (row >= 0 && row < m_tools.size()) m_agent->setAlwaysAllowed(m_conversationId, m_tools.at(row).name, false);
}

void ChatToolsModel::useForNewChats() {
    // Tools not listed now (a server that is down) keep their default.
    QSet<QString> off = m_settings->offInNewChats();
    for (const ToolEntry & t : m_tools) {
        if (m_agent->toolEnabled(m_conversationId, t.name))
            off.remove(t.name);
        else
            off.insert(t.name);
    }
    m_settings->setOffInNewChats(off);
    m_agent->setDefaultOff(off);
}

void ChatToolsModel::refresh() {
    beginResetModel();
    m_tools = m_registry->tools();
    endResetModel();
    emit countsChanged();
}

}  // namespace Hearth
