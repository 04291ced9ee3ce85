// The file tools: read_file (a text file's content) and list_directory (a
// folder's entries), both confined to the folders the user chose
// (tools/file_roots.h). Read only; nothing is ever written, moved or run.
// Files must be UTF-8 text without NUL bytes and at most `maxBytes` long;
// anything else is a clear error result.
#pragma once

#include <memory>

#include "tools/builtin_tool.h"
#include "tools/file_roots.h"

namespace Hearth::Tools {

struct FileToolOptions {
    size_t maxBytes = 256 * 1024;  // a file larger than this is refused, not cut
    size_t maxEntries = 1000;      // list_directory shows at most this many
};

// What both file tools share: the roots they are confined to, and their limits.
class ConfinedFileTool : public BuiltinTool {
public:
    ConfinedFileTool(std::shared_ptr<const FileRoots> roots, FileToolOptions options)
        : m_roots(std::move(roots)), m_options(options) {}

protected:
    std::string rootsText() const;

    std::shared_ptr<const FileRoots> m_roots;
    FileToolOptions m_options;
};

class ReadFileTool : public ConfinedFileTool {
public:
    explicit ReadFileTool(std::shared_ptr<const FileRoots> roots, FileToolOptions options = {})
        : ConfinedFileTool(std::move(roots), options) {}
    std::string name() const override { return "read_file"; }
    std::string description() const override;
    nlohmann::json inputSchema() const override;
    nlohmann::json call(const nlohmann::json & arguments, const ToolCallContext & context) const override;
};

class ListDirectoryTool : public ConfinedFileTool {
public:
    explicit ListDirectoryTool(std::shared_ptr<const FileRoots> roots, FileToolOptions options = {})
        : ConfinedFileTool(std::move(roots), options) {}
    std::string name() const override { return "list_directory"; }
    std::string description() const override;
    nlohmann::json inputSchema() const override;
    nlohmann::json call(const nlohmann::json & arguments, const ToolCallContext & context) const override;
};

}  // namespace Hearth::Tools
