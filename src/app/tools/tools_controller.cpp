#include "tools_controller.h"

#include <QFile>
#include <QFileInfo>
#include <QUrl>

#include "core/tool_registry.h"
#include "core/tool_settings.h"
#include "mcp/server_config.h"
#include "mcp/server_supervisor.h"
#include "tools/builtin_tools.h"

namespace Hearth {

namespace {

QString localPath(const QString & pathOrUrl) {
    const QUrl url(pathOrUrl);
    return url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
}

constexpr qint64 kLogTailBytes = 8 * 1024;

}  // namespace

ToolsController::ToolsController(ToolRegistry * registry, const QString & dataDir, QObject * parent)
    : QObject(parent), m_registry(registry), m_settings(std::make_unique<ToolSettings>(dataDir)) {
    m_configText = m_settings->mcpConfigText();
    connect(m_registry, &ToolRegistry::serversChanged, this, &ToolsController::serversChanged);
    applyBuiltins();
    validate(m_configText);
    applyServers();
}

ToolsController::~ToolsController() = default;

QString ToolsController::configPath() const {
    return m_settings->mcpConfigPath();
}

bool ToolsController::validate(const QString & text) {
    const QByteArray bytes = text.toUtf8();
    const Mcp::McpConfigParse parsed = Mcp::parseMcpConfig(std::string_view(bytes.constData(), size_t(bytes.size())));
    QStringList errors;
    for (const std::string & e : parsed.errors) errors << QString::fromStdString(e);
    setErrors(errors);
    return errors.isEmpty();
}

bool ToolsController::save(const QString & text) {
    if (!validate(text)) return false;
    if (!m_settings->setMcpConfigText(text)) {
        setErrors({QStringLiteral("%1 could not be written.").arg(configPath())});
        return false;
    }
    m_configText = text;
    emit configChanged();
    applyServers();
    return true;
}

bool ToolsController::importFile(const QString & pathOrUrl) {
    const QString path = localPath(pathOrUrl);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly) || f.size() > 4 * 1024 * 1024) {
        setErrors({QStringLiteral("%1 could not be read.").arg(QFileInfo(path).fileName())});
        return false;
    }
    return save(QString::fromUtf8(f.readAll()));
}

void ToolsController::setErrors(const QStringList & errors) {
    if (errors == m_configErrors) return;
    m_configErrors = errors;
    emit configErrorsChanged();
}

void ToolsController::applyServers() {
    const QByteArray bytes = m_configText.toUtf8();
    // The valid servers run even when another one has a mistake.
    const Mcp::McpConfigParse parsed = Mcp::parseMcpConfig(std::string_view(bytes.constData(), size_t(bytes.size())));
    m_registry->setServers(parsed.config.servers);
}

void ToolsController::applyBuiltins() {
    Tools::BuiltinToolSettings s;
    for (const QString & root : m_settings->fileRoots()) s.fileRoots.push_back(root.toStdString());
    std::vector<std::shared_ptr<const Tools::BuiltinTool>> tools;
    for (auto & t : Tools::makeBuiltinTools(s)) tools.push_back(std::move(t));
    m_registry->setBuiltins(std::move(tools));
    m_registry->setEnabledBuiltins(m_settings->enabledBuiltins());
    emit builtinsChanged();
}

QVariantList ToolsController::servers() const {
    QVariantList out;
    for (const QString & name : m_registry->serverNames()) {
        const auto server = m_registry->server(name);
        const Mcp::ServerStatus st = server->status();
        QStringList tools;
        for (const Mcp::ToolInfo & t : server->tools()) tools << QString::fromStdString(t.name);
        out << QVariantMap{{"name", name},
                           {"transport", QString::fromLatin1(Mcp::serverTransportName(server->config().transport))},
                           {"state", QString::fromLatin1(Mcp::serverStateName(st.state))},
                           {"toolCount", int(st.toolCount)},
                           {"error", QString::fromStdString(st.error)},
                           {"restarts", st.restarts},
                           {"tools", tools.join(QStringLiteral(", "))}};
    }
    return out;
}

QVariantList ToolsController::builtins() const {
    // Every built-in tool there can be, the file tools even before a folder is chosen.
    Tools::BuiltinToolSettings all;
    for (const QString & root : m_settings->fileRoots()) all.fileRoots.push_back(root.toStdString());
    const bool noRoots = all.fileRoots.empty();
    if (noRoots) all.fileRoots = {"/"};  // only to list them; their text is replaced below
    QVariantList out;
    const QSet<QString> enabled = m_settings->enabledBuiltins();
    for (const auto & t : Tools::makeBuiltinTools(all)) {
        const QString name = QString::fromStdString(t->name());
        const bool needsRoots = name == QLatin1String("read_file") || name == QLatin1String("list_directory");
        const QString description = needsRoots && noRoots
                                        ? QStringLiteral("Reads only inside the folders you choose below")
                                        : QString::fromStdString(t->description()).section(QLatin1Char('.'), 0, 0);
        out << QVariantMap{{"name", name},
                           {"description", description},
                           {"enabled", enabled.contains(name)},
                           {"confirmEveryTime", t->policy().confirmEveryTime},
                           {"needsRoots", needsRoots}};
    }
    return out;
}

QStringList ToolsController::fileRoots() const {
    return m_settings->fileRoots();
}

void ToolsController::setBuiltinEnabled(const QString & name, bool enabled) {
    m_settings->setBuiltinEnabled(name, enabled);
    applyBuiltins();
}

void ToolsController::addFileRoot(const QString & pathOrUrl) {
    const QString path = QFileInfo(localPath(pathOrUrl)).canonicalFilePath();
    if (path.isEmpty() || !QFileInfo(path).isDir()) return;
    m_settings->setFileRoots(m_settings->fileRoots() << path);
    applyBuiltins();
}

void ToolsController::removeFileRoot(const QString & path) {
    QStringList roots = m_settings->fileRoots();
    roots.removeAll(path);
    m_settings->setFileRoots(roots);
    applyBuiltins();
}

QString ToolsController::serverLog(const QString & name) const {
    const auto server = m_registry->server(name);
    if (!server) return {};
    QFile f(QString::fromStdString(server->status().logPath));
    if (!f.open(QIODevice::ReadOnly)) return {};
    if (f.size() > kLogTailBytes) f.seek(f.size() - kLogTailBytes);
    return QString::fromUtf8(f.readAll());
}

QSet<QString> ToolsController::offInNewChats() const {
    return m_settings->offInNewChats();
}

void ToolsController::setOffInNewChats(const QSet<QString> & names) {
    m_settings->setOffInNewChats(names);
}

void ToolsController::restartServer(const QString & name) {
    if (const auto server = m_registry->server(name)) {
        server->stop();
        server->start();
    }
}

}  // namespace Hearth
