// ChildProcess: a program started without a shell, with pipes for stdin,
// stdout and stderr, in a process group of its own.
//
// The program is found on the PATH of the environment it is given (not the
// caller's), and started with posix_spawn: arguments go to it verbatim, so
// nothing in them is ever interpreted by a shell. All three pipe ends on
// Hearth's side are non-blocking and close-on-exec. The child leads its own
// process group, so stopping it also stops what it started (npx -> node).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace Hearth::Mcp {

struct SpawnSpec {
    std::string command;                     // a name looked up on PATH, or a path
    std::vector<std::string> args;           // argv[1..]
    std::map<std::string, std::string> env;  // the complete environment of the child
    std::string cwd;                         // empty: the caller's working directory
};

// The environment an MCP server gets from Hearth before its config's `env`
// is laid over it: only variables that programs need to run (HOME, PATH,
// USER, LANG, TMPDIR, proxies, XDG folders), as the official SDK does, so API
// keys in Hearth's environment do not leak to every server.
std::map<std::string, std::string> inheritedServerEnvironment();

// Resolves `command` the way execvp would, but on `path` (a PATH value).
// Returns "" when nothing executable is found.
std::string findExecutable(const std::string & command, const std::string & path);

class ChildProcess {
public:
    // Throws McpError(Start) naming the command when it cannot be found or started.
    static std::unique_ptr<ChildProcess> spawn(const SpawnSpec & spec);
    ~ChildProcess();  // kills and reaps the process if it still runs
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess & operator=(const ChildProcess &) = delete;

    pid_t pid() const { return m_pid; }
    int stdinFd() const { return m_stdin; }  // -1 once closed
    int stdoutFd() const { return m_stdout; }
    int stderrFd() const { return m_stderr; }
    void closeStdin();

    // Reaps the child if it has exited (never blocks); true once it has.
    bool poll();
    // Waits up to `timeout` for the child to exit.
    bool waitFor(std::chrono::milliseconds timeout);
    // Closes stdin, waits `grace`, sends SIGTERM to the group, waits `grace`
    // again, then SIGKILL. Returns when the child is reaped.
    void stop(std::chrono::milliseconds grace);
    // "exited with code 1", "killed by signal 9", or "running".
    std::string exitDescription() const;
    std::optional<int> exitCode() const { return m_exitCode; }

private:
    ChildProcess() = default;
    void signalGroup(int sig);

    pid_t m_pid = -1;
    int m_stdin = -1;
    int m_stdout = -1;
    int m_stderr = -1;
    bool m_reaped = false;
    std::optional<int> m_exitCode;
    int m_exitSignal = 0;
};

}  // namespace Hearth::Mcp
