#include "core/tool_settings.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <algorithm>

#include "core/app_paths.h"

namespace Hearth {

namespace {

constexpr qint64 kMaxFileBytes = 4 << 20;  // a config is a few KiB; refuse to slurp anything huge

QByteArray readSmall(const QString & path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly) || f.size() > kMaxFileBytes) return {};
    return f.readAll();
}

bool writeAtomically(const QString & path, const QByteArray & bytes) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    f.write(bytes);
    return f.commit();
}

}  // namespace

ToolSettings::ToolSettings(const QString & dataDir) : m_dir(dataDir.isEmpty() ? Hearth::dataDir() : dataDir) {
    QDir().mkpath(m_dir);
    load();
}

QString ToolSettings::mcpConfigPath() const {
    return QDir(m_dir).filePath(QStringLiteral("mcp.json"));
}

QString ToolSettings::mcpConfigText() const {
    const QByteArray bytes = readSmall(mcpConfigPath());
    return bytes.isEmpty() ? QStringLiteral("{\n  \"mcpServers\": {}\n}\n") : QString::fromUtf8(bytes);
}

bool ToolSettings::setMcpConfigText(const QString & text) {
    return writeAtomically(mcpConfigPath(), text.toUtf8());
}

void ToolSettings::setBuiltinEnabled(const QString & name, bool enabled) {
    if (enabled)
        m_enabled.insert(name);
    else
        m_enabled.remove(name);
    save();
}

void ToolSettings::setFileRoots(const QStringList & roots) {
    m_roots = roots;
    m_roots.removeDuplicates();
    save();
}

void ToolSettings::setOffInNewChats(const QSet<QString> & names) {
    m_offInNewChats = names;
    save();
}

namespace {

QStringList sorted(const QSet<QString> & names) {
    QStringList out(names.begin(), names.end());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

void ToolSettings::load() {
    const QByteArray bytes = readSmall(QDir(m_dir).filePath(QStringLiteral("tools.json")));
    const QJsonObject o = QJsonDocument::fromJson(bytes).object();
    for (const QJsonValue & v : o.value("enabled").toArray()) m_enabled.insert(v.toString());
    for (const QJsonValue & v : o.value("fileRoots").toArray())
        if (!v.toString().isEmpty()) m_roots << v.toString();
    for (const QJsonValue & v : o.value("offInNewChats").toArray()) m_offInNewChats.insert(v.toString());
}

void ToolSettings::save() const {
    const QJsonObject o{{"enabled", QJsonArray::fromStringList(sorted(m_enabled))},
                        {"fileRoots", QJsonArray::fromStringList(m_roots)},
                        {"offInNewChats", QJsonArray::fromStringList(sorted(m_offInNewChats))}};
    writeAtomically(QDir(m_dir).filePath(QStringLiteral("tools.json")), QJsonDocument(o).toJson());
}

}  // namespace Hearth
