// ToolsController: the Tools settings page. Created and wired by the
// AgentController (which owns the ToolRegistry the chats use); QML only shows
// its properties and calls its invokables.
//
// - The mcpServers JSON (ToolSettings: <data>/mcp.json): edited as text,
//   validated with mcp/server_config.h on every edit (errors name the server
//   and field), saved only when valid, or imported from another app's file.
//   Saving restarts the registry's servers.
// - Each enabled server's status (stopped/starting/running/restarting/
//   failed), tool count, last error, and the tail of its stderr log.
// - Built-in tools: each off by default; the file tools need at least one
//   folder (file roots); fetch_url asks before every call.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QObject>
#include <QSet>
#include <QStringList>
#include <QVariantList>
#include <memory>

namespace Hearth {

class ToolRegistry;
class ToolSettings;

class ToolsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("made by AgentController")
    Q_PROPERTY(QString configText READ configText NOTIFY configChanged)
    Q_PROPERTY(QString configPath READ configPath CONSTANT)
    Q_PROPERTY(QStringList configErrors READ configErrors NOTIFY configErrorsChanged)
    // [{name, transport, state, toolCount, error, restarts, tools: "a, b, c"}]
    Q_PROPERTY(QVariantList servers READ servers NOTIFY serversChanged)
    // [{name, description, enabled, confirmEveryTime}]
    Q_PROPERTY(QVariantList builtins READ builtins NOTIFY builtinsChanged)
    Q_PROPERTY(QStringList fileRoots READ fileRoots NOTIFY builtinsChanged)

public:
    ToolsController(ToolRegistry * registry, const QString & dataDir, QObject * parent = nullptr);
    ~ToolsController() override;

    QString configText() const { return m_configText; }
    QString configPath() const;
    QStringList configErrors() const { return m_configErrors; }
    QVariantList servers() const;
    QVariantList builtins() const;
    QStringList fileRoots() const;

    // Checks `text`; the errors become configErrors. True when valid.
    Q_INVOKABLE bool validate(const QString & text);
    // Validates, writes <data>/mcp.json and restarts the servers. False (nothing saved) when invalid.
    Q_INVOKABLE bool save(const QString & text);
    // A path or file:// URL of another app's config: validated and saved as ours.
    Q_INVOKABLE bool importFile(const QString & pathOrUrl);
    Q_INVOKABLE void setBuiltinEnabled(const QString & name, bool enabled);
    Q_INVOKABLE void addFileRoot(const QString & pathOrUrl);
    Q_INVOKABLE void removeFileRoot(const QString & path);
    // The last lines of a stdio server's stderr log ("" when none).
    Q_INVOKABLE QString serverLog(const QString & name) const;
    Q_INVOKABLE void restartServer(const QString & name);
    // The app-wide default of the per-chat tool choice: tools new chats do not offer.
    QSet<QString> offInNewChats() const;
    void setOffInNewChats(const QSet<QString> & names);

signals:
    void configChanged();
    void configErrorsChanged();
    void serversChanged();
    void builtinsChanged();

private:
    void applyBuiltins();
    void applyServers();
    void setErrors(const QStringList & errors);

    ToolRegistry * m_registry;
    std::unique_ptr<ToolSettings> m_settings;
    QString m_configText;
    QStringList m_configErrors;
};

}  // namespace Hearth
