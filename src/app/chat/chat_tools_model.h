// ChatToolsModel: the per-chat tool picker (the "Tools" button by the
// composer). One row per tool the app can offer now: the enabled built-in
// tools, then the tools of the running MCP servers (ToolRegistry::tools()),
// each with whether the open chat offers it to the model and whether it runs
// there without asking. Checking a row is the chat's own choice, stored with
// the conversation (AgentLoop, core/tool_choices.h); the draft's choice
// carries over when it becomes a conversation. useForNewChats() makes this
// chat's choice the app-wide default (ToolSettings' offInNewChats).
//
// Rebuilt whole when the registry or the open chat change (a handful of
// rows); a choice changes only the checkboxes. QML shows the rows and calls the invokables; no logic.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>
#include <QList>

#include "core/tool_registry.h"

namespace Hearth {

class AgentLoop;
class ToolsController;

class ChatToolsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("made by AgentController")
    Q_PROPERTY(int count READ count NOTIFY countsChanged)
    Q_PROPERTY(int enabledCount READ enabledCount NOTIFY countsChanged)

public:
    enum Role { NameRole = Qt::UserRole + 1, DescriptionRole, SourceRole, EnabledRole, AlwaysAllowedRole };
    Q_ENUM(Role)

    ChatToolsModel(ToolRegistry * registry, AgentLoop * agent, ToolsController * settings, QObject * parent = nullptr);

    int rowCount(const QModelIndex & parent = {}) const override;
    QVariant data(const QModelIndex & index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(m_tools.size()); }
    int enabledCount() const;
    void setConversationId(qint64 conversationId);

    Q_INVOKABLE void setEnabled(int row, bool enabled);
    // "Always allow" taken back: the tool asks again in this chat.
    Q_INVOKABLE void askAgain(int row);
    // This chat's choice becomes what new chats offer.
    Q_INVOKABLE void useForNewChats();

signals:
    void countsChanged();

private:
    void refresh();

    ToolRegistry * m_registry;
    AgentLoop * m_agent;
    ToolsController * m_settings;
    qint64 m_conversationId = 0;
    QList<ToolEntry> m_tools;
};

}  // namespace Hearth
