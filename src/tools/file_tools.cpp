#include "tools/file_tools.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "tools/tool_result.h"

namespace Hearth::Tools {

using nlohmann::json;

namespace {

struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::string ConfinedFileTool::rootsText() const {
    std::string text;
    for (const std::string & r : m_roots->roots()) text += (text.empty() ? "" : ", ") + r;
    return text.empty() ? "(none)" : text;
}

std::string ReadFileTool::description() const {
    return "Reads a UTF-8 text file from the folders the user shared (" + rootsText() +
           ") and returns its content. The path is absolute, or relative to a shared folder. Files larger than " +
           std::to_string(m_options.maxBytes / 1024) + " KiB and binary files are refused.";
}

json ReadFileTool::inputSchema() const {
    return {{"type", "object"},
            {"properties", {{"path", {{"type", "string"}, {"description", "The file to read"}}}}},
            {"required", json::array({"path"})},
            {"additionalProperties", false}};
}

json ReadFileTool::call(const json & arguments, const ToolCallContext &) const {
    std::string error;
    const auto path = stringArgument(arguments, "path", error);
    if (!path) return errorResult(error);
    const FileRoots::Resolved resolved = m_roots->resolve(*path);
    if (!resolved.ok()) return errorResult(resolved.error);
    const FdCloser file{m_roots->openConfined(resolved.path, false, error)};
    if (file.fd < 0) return errorResult(error);

    std::string content;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(file.fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errorResult("cannot read '" + *path + "': " + std::strerror(errno));
        if (n == 0) break;
        content.append(buf, size_t(n));
        if (content.size() > m_options.maxBytes)
            return errorResult("'" + *path + "' is larger than the limit of " + std::to_string(m_options.maxBytes) +
                               " bytes");
    }
    if (!isText(content)) return errorResult("'" + *path + "' is not a UTF-8 text file");
    return textResult(content);
}

std::string ListDirectoryTool::description() const {
    return "Lists a folder inside the folders the user shared (" + rootsText() +
           "): one entry per line, folders ending in '/', files with their size in bytes. Without a path, lists "
           "the shared folders themselves.";
}

json ListDirectoryTool::inputSchema() const {
    return {{"type", "object"},
            {"properties", {{"path", {{"type", "string"}, {"description", "The folder to list"}}}}},
            {"additionalProperties", false}};
}

json ListDirectoryTool::call(const json & arguments, const ToolCallContext &) const {
    if (!arguments.is_object() || !arguments.contains("path") || arguments["path"].is_null()) {
        std::string text;
        for (const std::string & r : m_roots->roots()) text += r + "/\n";
        return text.empty() ? errorResult("no folders are shared with the file tools") : textResult(text);
    }
    std::string error;
    const auto path = stringArgument(arguments, "path", error);
    if (!path) return errorResult(error);
    const FileRoots::Resolved resolved = m_roots->resolve(*path);
    if (!resolved.ok()) return errorResult(resolved.error);
    const int fd = m_roots->openConfined(resolved.path, true, error);
    if (fd < 0) return errorResult(error);
    DIR * dir = ::fdopendir(fd);  // owns fd from here
    if (!dir) {
        ::close(fd);
        return errorResult("cannot list '" + *path + "': " + std::strerror(errno));
    }
    std::vector<std::string> lines;
    bool more = false;
    while (dirent * e = ::readdir(dir)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        if (lines.size() >= m_options.maxEntries) {
            more = true;
            break;
        }
        struct stat st {};
        // Not following symlinks: a link is shown as a link, and where it points is checked when it is read.
        if (::fstatat(::dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (S_ISDIR(st.st_mode))
            lines.push_back(name + "/");
        else if (S_ISLNK(st.st_mode))
            lines.push_back(name + " (symlink)");
        else if (S_ISREG(st.st_mode))
            lines.push_back(name + " (" + std::to_string(st.st_size) + " bytes)");
    }
    ::closedir(dir);
    std::sort(lines.begin(), lines.end());
    std::string text = resolved.path + ":\n";
    for (const std::string & l : lines) text += l + "\n";
    if (lines.empty()) text += "(empty)\n";
    if (more) text += "(more than " + std::to_string(m_options.maxEntries) + " entries; the rest are not shown)\n";
    return textResult(sanitizeUtf8(text));
}

}  // namespace Hearth::Tools
