// FileRoots: the folders the user let the file tools see, and the check
// that a path stays inside them.
//
// A path (absolute, or relative to one of the roots, tried in order) is
// resolved with realpath(), so every symlink and ".." is followed before the
// check; the real path must then be a root or lie below one. Opening goes
// through openConfined(), which opens the resolved path without following a
// final symlink and checks again, through /proc/self/fd, where the open file
// really is: a symlink swapped in between the check and the open cannot lead
// outside. Paths outside the roots that do not exist are refused as outside,
// so the answer never tells whether they exist.
#pragma once

#include <string>
#include <vector>

namespace Hearth::Tools {

class FileRoots {
public:
    // Roots that do not exist or are not folders are left out (see problems()).
    explicit FileRoots(const std::vector<std::string> & roots);

    const std::vector<std::string> & roots() const { return m_roots; }  // real paths
    const std::vector<std::string> & problems() const { return m_problems; }

    struct Resolved {
        std::string path;   // the real path, inside a root
        std::string error;  // otherwise, why not
        bool ok() const { return error.empty(); }
    };
    Resolved resolve(const std::string & path) const;
    bool contains(const std::string & realPath) const;

    // Opens a resolved path read-only (a regular file when `directory` is
    // false, a folder otherwise); returns the descriptor or -1 with `error` set.
    int openConfined(const std::string & realPath, bool directory, std::string & error) const;

private:
    std::vector<std::string> m_roots;
    std::vector<std::string> m_problems;
};

}  // namespace Hearth::Tools
