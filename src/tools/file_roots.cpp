#include "tools/file_roots.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace Hearth::Tools {

namespace {

std::string realPath(const std::string & path) {
    char * r = ::realpath(path.c_str(), nullptr);
    if (!r) return {};
    std::string out(r);
    std::free(r);
    return out;
}

// "/a/./b/../c" -> "/a/c" without touching the disk (for paths that do not exist).
std::string lexicalNormal(const std::string & absolute) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i < absolute.size()) {
        size_t j = absolute.find('/', i);
        if (j == std::string::npos) j = absolute.size();
        const std::string part = absolute.substr(i, j - i);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        i = j + 1;
    }
    std::string out;
    for (const std::string & p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
}

}  // namespace

FileRoots::FileRoots(const std::vector<std::string> & roots) {
    for (const std::string & root : roots) {
        const std::string real = root.empty() ? std::string() : realPath(root);
        struct stat st {};
        if (real.empty() || ::stat(real.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
            m_problems.push_back("the folder '" + root + "' does not exist");
            continue;
        }
        m_roots.push_back(real);
    }
}

bool FileRoots::contains(const std::string & real) const {
    for (const std::string & root : m_roots) {
        if (real == root) return true;
        // "/" as a root contains everything; otherwise the next character must start a component.
        if (root == "/" ||
            (real.size() > root.size() && real.compare(0, root.size(), root) == 0 && real[root.size()] == '/'))
            return true;
    }
    return false;
}

FileRoots::Resolved FileRoots::resolve(const std::string & path) const {
    Resolved r;
    if (m_roots.empty()) {
        r.error = "no folders are shared with the file tools";
        return r;
    }
    if (path.empty() || path.size() > PATH_MAX || path.find('\0') != std::string::npos) {
        r.error = "the path is empty or invalid";
        return r;
    }
    std::vector<std::string> candidates;
    if (path[0] == '/') {
        candidates.push_back(path);
    } else {
        for (const std::string & root : m_roots) candidates.push_back(root + "/" + path);
    }
    bool existsOutside = false;
    for (const std::string & candidate : candidates) {
        const std::string real = realPath(candidate);
        if (real.empty()) continue;
        if (contains(real)) {
            r.path = real;
            return r;
        }
        existsOutside = true;
    }
    if (existsOutside) {
        r.error = "'" + path + "' is outside the folders shared with the file tools";
        return r;
    }
    // Nothing found: say "outside" for a path that would be outside anyway, so nothing is learned about it.
    bool inside = false;
    for (const std::string & candidate : candidates) inside = inside || contains(lexicalNormal(candidate));
    r.error =
        inside ? "'" + path + "' does not exist" : "'" + path + "' is outside the folders shared with the file tools";
    return r;
}

int FileRoots::openConfined(const std::string & realPath, bool directory, std::string & error) const {
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    const int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | (directory ? O_DIRECTORY : 0);
    const int fd = ::open(realPath.c_str(), flags);
    if (fd < 0) {
        error = "cannot open '" + realPath + "': " + std::strerror(errno);
        return -1;
    }
    struct stat st {};
    const bool kindOk = ::fstat(fd, &st) == 0 && (directory ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
    // Where the descriptor really points, after the open: a path component swapped for a symlink since
    // resolve() shows up here.
    char where[PATH_MAX + 1];
    const std::string link = "/proc/self/fd/" + std::to_string(fd);
    const ssize_t n = ::readlink(link.c_str(), where, PATH_MAX);
    const bool placeOk = n > 0 ? contains(std::string(where, size_t(n))) : true;  // no /proc: the resolve stands
    if (!kindOk || !placeOk) {
        ::close(fd);
        error = !placeOk ? "'" + realPath + "' is outside the folders shared with the file tools"
                         : "'" + realPath + "' is not a " + (directory ? "folder" : "regular file");
        return -1;
    }
    return fd;
}

}  // namespace Hearth::Tools
