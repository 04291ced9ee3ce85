#include "mcp/capped_log.h"

#include <sys/stat.h>

#include <cstdio>

namespace Hearth::Mcp {

CappedLog::CappedLog(std::string path, size_t maxFileBytes, size_t tailBytes)
    : m_path(std::move(path)), m_maxFileBytes(maxFileBytes < 1024 ? 1024 : maxFileBytes), m_tailBytes(tailBytes) {
    openFile();
}

CappedLog::~CappedLog() {
    if (m_file) std::fclose(m_file);
}

void CappedLog::openFile() {
    if (m_path.empty()) return;
    m_file = std::fopen(m_path.c_str(), "ae");  // e: close-on-exec, so servers never inherit it
    if (!m_file) return;                        // logging is best effort; the tail still works
    struct stat st {};
    m_fileBytes = ::stat(m_path.c_str(), &st) == 0 ? size_t(st.st_size) : 0;
}

void CappedLog::appendFile(std::string_view bytes) {
    if (!m_file) return;
    while (!bytes.empty()) {
        if (m_fileBytes >= m_maxFileBytes) {
            std::fclose(m_file);
            m_file = nullptr;
            std::rename(m_path.c_str(), (m_path + ".1").c_str());
            openFile();
            if (!m_file) return;
            m_fileBytes = 0;
        }
        const size_t room = m_maxFileBytes - m_fileBytes;
        const size_t n = bytes.size() < room ? bytes.size() : room;
        std::fwrite(bytes.data(), 1, n, m_file);
        m_fileBytes += n;
        bytes.remove_prefix(n);
    }
    std::fflush(m_file);
}

void CappedLog::write(std::string_view bytes) {
    std::lock_guard lock(m_mutex);
    appendFile(bytes);
    if (bytes.size() >= m_tailBytes) {
        m_tail.assign(bytes.substr(bytes.size() - m_tailBytes));
    } else {
        m_tail.append(bytes);
        if (m_tail.size() > m_tailBytes) m_tail.erase(0, m_tail.size() - m_tailBytes);
    }
}

void CappedLog::note(const std::string & line) {
    std::lock_guard lock(m_mutex);
    appendFile(line + "\n");
}

std::string CappedLog::tail() const {
    std::lock_guard lock(m_mutex);
    return m_tail;
}

}  // namespace Hearth::Mcp
