// CappedLog: where an MCP server's stderr goes. A file that never grows past
// its cap (at the cap it is rotated to "<path>.1", so at most twice the cap
// is on disk), plus the last few KiB in memory to explain a crash.
//
// Thread-safe: the transport's I/O thread writes, any thread reads the tail.
#pragma once

#include <cstddef>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace Hearth::Mcp {

class CappedLog {
public:
    // `path` may be empty: then only the in-memory tail is kept.
    CappedLog(std::string path, size_t maxFileBytes = 1u << 20, size_t tailBytes = 8192);
    ~CappedLog();
    CappedLog(const CappedLog &) = delete;
    CappedLog & operator=(const CappedLog &) = delete;

    void write(std::string_view bytes);
    // A line of Hearth's own ("--- started ...") so the file reads as a history.
    void note(const std::string & line);
    std::string tail() const;
    const std::string & path() const { return m_path; }

private:
    void openFile();
    void appendFile(std::string_view bytes);

    mutable std::mutex m_mutex;
    std::string m_path;
    size_t m_maxFileBytes;
    size_t m_tailBytes;
    std::FILE * m_file = nullptr;
    size_t m_fileBytes = 0;
    std::string m_tail;
};

}  // namespace Hearth::Mcp
