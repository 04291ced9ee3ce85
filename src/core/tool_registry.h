// ToolRegistry: every tool the app can offer a model, built-in or from an
// enabled MCP server, and how to run each one.
//
// The registry lives on the GUI thread; what it hands out for a call (a
// ToolJob) holds shared pointers only, so it runs on a worker thread even if
// the registry changes meanwhile. Built-in tools are all off until the user
// turns them on (setEnabledBuiltins). MCP servers run under a
// Mcp::ServerSupervisor each (restart with backoff); their tools are listed
// from the supervisor's cache, so a server that is down simply offers none.
//
// A tool name the model sees is unique: a later MCP tool whose name is taken
// gets "<server>__<name>" (the call still sends the server its own name).
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace Hearth::Mcp {
class CancelToken;
class ServerSupervisor;
struct ServerConfig;
struct ServerStatus;
}  // namespace Hearth::Mcp
namespace Hearth::Tools {
class BuiltinTool;
}

namespace Hearth {

// A tool's progress as a server reports it: progress of total (total unknown: nullopt).
using ToolProgressFn = std::function<void(double progress, std::optional<double> total, const std::string & message)>;
// Runs one call on a worker thread and returns an MCP CallToolResult; never throws.
using ToolJob = std::function<nlohmann::json(Mcp::CancelToken & cancel, std::chrono::milliseconds timeout,
                                             const ToolProgressFn & progress)>;

struct ToolEntry {
    QString name;  // as the model sees it
    QString description;
    QJsonObject schema;             // JSON Schema of the arguments
    QString source;                 // "builtin" or the MCP server's name
    bool confirmEveryTime = false;  // "Always allow" does not apply (fetch_url)
};

class ToolRegistry : public QObject {
    Q_OBJECT
public:
    explicit ToolRegistry(QObject * parent = nullptr);
    ~ToolRegistry() override;

    // The built-in tools there are, each offered only when its name is enabled.
    void setBuiltins(std::vector<std::shared_ptr<const Tools::BuiltinTool>> tools);
    void setEnabledBuiltins(const QSet<QString> & names);
    QSet<QString> enabledBuiltins() const { return m_enabledBuiltins; }
    QStringList builtinNames() const;

    // Replaces the MCP servers: stops those that went, starts the enabled ones.
    void setServers(const std::vector<Mcp::ServerConfig> & servers);
    std::shared_ptr<Mcp::ServerSupervisor> server(const QString & name) const;
    QStringList serverNames() const;

    // Everything offered now, built-ins first, then servers by name.
    QList<ToolEntry> tools() const;
    std::optional<ToolEntry> find(const QString & name) const;
    // The template's `tools`: [{"type":"function","function":{"name","description","parameters"}}].
    static QJsonArray templateTools(const QList<ToolEntry> & tools);

    // The job for one call; an unknown tool's job returns an error result.
    ToolJob job(const QString & name, const QJsonObject & arguments) const;

signals:
    // A server's state or tool list changed (queued onto the registry's thread).
    void serversChanged();

private:
    struct McpTool {
        ToolEntry entry;
        std::string remoteName;
        std::shared_ptr<Mcp::ServerSupervisor> server;
    };
    struct StatusGuard;
    QList<McpTool> mcpTools() const;

    std::vector<std::shared_ptr<const Tools::BuiltinTool>> m_builtins;
    QSet<QString> m_enabledBuiltins;
    std::map<QString, std::shared_ptr<Mcp::ServerSupervisor>> m_servers;
    std::shared_ptr<StatusGuard> m_guard;
};

}  // namespace Hearth
