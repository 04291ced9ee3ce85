// ToolSettings: what the user chose for tools, kept in the app's data folder.
//
//   <data>/mcp.json    the `mcpServers` config, as the user wrote or imported it
//                      (the format Claude Desktop, Cursor, LM Studio and
//                      Cherry Studio share; mcp/server_config.h reads it)
//   <data>/tools.json  {"enabled": ["calculator", ...], "fileRoots": ["/home/me/notes"],
//                       "offInNewChats": ["fetch_url", ...]}
//
// offInNewChats is the app-wide default of the per-chat tool choice: the
// tools a new chat does not offer the model until the chat turns them on.
//
// Every built-in tool is off until enabled here. Reading never throws: a
// missing or broken file reads as "nothing chosen".
#pragma once

#include <QSet>
#include <QString>
#include <QStringList>

namespace Hearth {

class ToolSettings {
public:
    explicit ToolSettings(const QString & dataDir);  // "" = Hearth::dataDir()

    QString mcpConfigPath() const;
    QString mcpConfigText() const;  // the default {"mcpServers": {}} when there is none
    // Writes the text as given (after the caller validated it). False when the file cannot be written.
    bool setMcpConfigText(const QString & text);

    QSet<QString> enabledBuiltins() const { return m_enabled; }
    void setBuiltinEnabled(const QString & name, bool enabled);
    QStringList fileRoots() const { return m_roots; }
    void setFileRoots(const QStringList & roots);
    QSet<QString> offInNewChats() const { return m_offInNewChats; }
    void setOffInNewChats(const QSet<QString> & names);

private:
    void load();
    void save() const;

    QString m_dir;
    QSet<QString> m_enabled;
    QStringList m_roots;
    QSet<QString> m_offInNewChats;
};

}  // namespace Hearth
