#include "core/tool_registry.h"

#include <QJsonDocument>
#include <mutex>

#include "core/tool_json.h"
#include "mcp/mcp_error.h"
#include "mcp/server_supervisor.h"
#include "tools/builtin_tool.h"
#include "tools/tool_result.h"

namespace Hearth {

namespace {

ToolJob errorJob(const std::string & message) {
    return [message](Mcp::CancelToken &, std::chrono::milliseconds, const ToolProgressFn &) {
        return Tools::errorResult(message);
    };
}

ToolJob builtinJob(std::shared_ptr<const Tools::BuiltinTool> tool, nlohmann::json args) {
    return [tool = std::move(tool), args = std::move(args)](Mcp::CancelToken & cancel,
                                                            std::chrono::milliseconds timeout, const ToolProgressFn &) {
        Tools::ToolCallContext context;
        context.cancelled = [&cancel] { return cancel.cancelled(); };
        context.timeout = timeout;
        try {
            return tool->call(args, context);
        } catch (const std::exception & e) {
            return Tools::errorResult(std::string("The tool failed: ") + e.what());
        }
    };
}

ToolJob mcpJob(std::shared_ptr<Mcp::ServerSupervisor> server, std::string remoteName, nlohmann::json args) {
    return [server = std::move(server), remoteName = std::move(remoteName), args = std::move(args)](
               Mcp::CancelToken & cancel, std::chrono::milliseconds timeout, const ToolProgressFn & progress) {
        const std::string who = "The MCP server \"" + server->config().name + "\"";
        try {
            Mcp::RequestOptions options;
            options.timeout = timeout;
            options.cancel = &cancel;
            options.onProgress = [&progress](const Mcp::Progress & p) { progress(p.progress, p.total, p.message); };
            return server->client()->callTool(remoteName, args, options);
        } catch (const Mcp::McpError & e) {
            return Tools::errorResult(who + " could not run the tool: " + e.what());
        } catch (const std::exception & e) {
            return Tools::errorResult(who + " failed: " + e.what());
        }
    };
}

}  // namespace

// The status callback runs on a supervisor's thread and may outlive the
// registry (a running job holds the supervisor): it posts through this
// guard, which the registry clears when it goes.
struct ToolRegistry::StatusGuard {
    std::mutex mutex;
    ToolRegistry * target = nullptr;
};

ToolRegistry::ToolRegistry(QObject * parent) : QObject(parent) {}

ToolRegistry::~ToolRegistry() {
    for (auto & [name, server] : m_servers) server->setOnStatus({});
    if (m_guard) {
        std::lock_guard lock(m_guard->mutex);
        m_guard->target = nullptr;
    }
}

void ToolRegistry::setBuiltins(std::vector<std::shared_ptr<const Tools::BuiltinTool>> tools) {
    m_builtins = std::move(tools);
}

void ToolRegistry::setEnabledBuiltins(const QSet<QString> & names) {
    m_enabledBuiltins = names;
}

QStringList ToolRegistry::builtinNames() const {
    QStringList names;
    for (const auto & t : m_builtins) names << QString::fromStdString(t->name());
    return names;
}

void ToolRegistry::setServers(const std::vector<Mcp::ServerConfig> & servers) {
    // Supervisors go on their own (a running job may still hold one); their callbacks stop here.
    for (auto & [name, server] : m_servers) server->setOnStatus({});
    m_servers.clear();
    auto guard = std::make_shared<StatusGuard>();
    guard->target = this;
    for (const Mcp::ServerConfig & config : servers) {
        if (config.disabled) continue;
        auto server = std::make_shared<Mcp::ServerSupervisor>(config);
        server->setOnStatus([guard](const Mcp::ServerStatus &) {
            std::lock_guard lock(guard->mutex);
            if (guard->target)
                QMetaObject::invokeMethod(guard->target, &ToolRegistry::serversChanged, Qt::QueuedConnection);
        });
        m_servers[QString::fromStdString(config.name)] = server;
        server->start();
    }
    m_guard = guard;
    emit serversChanged();
}

std::shared_ptr<Mcp::ServerSupervisor> ToolRegistry::server(const QString & name) const {
    auto it = m_servers.find(name);
    return it == m_servers.end() ? nullptr : it->second;
}

QStringList ToolRegistry::serverNames() const {
    QStringList names;
    for (const auto & [name, server] : m_servers) names << name;
    return names;
}

QList<ToolRegistry::McpTool> ToolRegistry::mcpTools() const {
    QSet<QString> taken(m_enabledBuiltins);
    QList<McpTool> out;
    for (const auto & [serverName, server] : m_servers) {
        if (server->status().state != Mcp::ServerState::Running) continue;
        for (const Mcp::ToolInfo & info : server->tools()) {
            McpTool t;
            t.remoteName = info.name;
            t.server = server;
            t.entry.name = QString::fromStdString(info.name);
            if (taken.contains(t.entry.name)) t.entry.name = serverName + QStringLiteral("__") + t.entry.name;
            if (taken.contains(t.entry.name)) continue;
            taken.insert(t.entry.name);
            t.entry.description = QString::fromStdString(info.description);
            t.entry.schema = toQJson(info.inputSchema).toObject();
            t.entry.source = serverName;
            out << t;
        }
    }
    return out;
}

QList<ToolEntry> ToolRegistry::tools() const {
    QList<ToolEntry> out;
    for (const auto & t : m_builtins) {
        const QString name = QString::fromStdString(t->name());
        if (!m_enabledBuiltins.contains(name)) continue;
        out << ToolEntry{name, QString::fromStdString(t->description()), toQJson(t->inputSchema()).toObject(),
                         QStringLiteral("builtin"), t->policy().confirmEveryTime};
    }
    for (const McpTool & t : mcpTools()) out << t.entry;
    return out;
}

std::optional<ToolEntry> ToolRegistry::find(const QString & name) const {
    for (const ToolEntry & t : tools())
        if (t.name == name) return t;
    return std::nullopt;
}

QJsonArray ToolRegistry::templateTools(const QList<ToolEntry> & tools) {
    QJsonArray out;
    for (const ToolEntry & t : tools) {
        const QJsonObject function{{"name", t.name}, {"description", t.description}, {"parameters", t.schema}};
        out.append(QJsonObject{{"type", "function"}, {"function", function}});
    }
    return out;
}

ToolJob ToolRegistry::job(const QString & name, const QJsonObject & arguments) const {
    const nlohmann::json args = toNlohmann(arguments);
    for (const auto & t : m_builtins)
        if (m_enabledBuiltins.contains(name) && QString::fromStdString(t->name()) == name) return builtinJob(t, args);
    for (const McpTool & t : mcpTools())
        if (t.entry.name == name) return mcpJob(t.server, t.remoteName, args);
    return errorJob("There is no tool named \"" + name.toStdString() + "\" in this chat.");
}

}  // namespace Hearth
