#include "mcp/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "mcp/mcp_error.h"

extern char ** environ;

namespace Hearth::Mcp {

namespace {

bool isExecutableFile(const std::string & path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

void setNonBlocking(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

struct Pipe {
    int read = -1;
    int write = -1;
    ~Pipe() {
        if (read >= 0) ::close(read);
        if (write >= 0) ::close(write);
    }
    void open() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            throw McpError(McpErrorKind::Start, std::string("pipe: ") + std::strerror(errno));
        read = fds[0];
        write = fds[1];
    }
    int take(int & fd) {
        const int out = fd;
        fd = -1;
        return out;
    }
};

// posix_spawn's helper structures, released on every path.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
};

}  // namespace

std::map<std::string, std::string> inheritedServerEnvironment() {
    static const char * const kNames[] = {
        "HOME",        "LOGNAME",  "PATH",           "SHELL",           "TERM",          "USER",           "LANG",
        "LC_ALL",      "LC_CTYPE", "TMPDIR",         "http_proxy",      "https_proxy",   "no_proxy",       "HTTP_PROXY",
        "HTTPS_PROXY", "NO_PROXY", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR"};
    std::map<std::string, std::string> env;
    for (const char * name : kNames) {
        const char * value = std::getenv(name);
        // A value starting with "()" is an exported shell function: never pass those on.
        if (value && std::strncmp(value, "()", 2) != 0) env[name] = value;
    }
    return env;
}

std::string findExecutable(const std::string & command, const std::string & path) {
    if (command.empty()) return {};
    if (command.find('/') != std::string::npos) return isExecutableFile(command) ? command : std::string();
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        // An empty PATH entry means the current directory, as execvp reads it.
        const std::string dir = end == start ? "." : path.substr(start, end - start);
        const std::string candidate = dir + "/" + command;
        if (isExecutableFile(candidate)) return candidate;
        start = end + 1;
    }
    return {};
}

std::unique_ptr<ChildProcess> ChildProcess::spawn(const SpawnSpec & spec) {
    const auto pathVar = spec.env.find("PATH");
    const std::string path = pathVar != spec.env.end() ? pathVar->second : "/usr/local/bin:/usr/bin:/bin";
    const std::string program = findExecutable(spec.command, path);
    if (program.empty())
        throw McpError(McpErrorKind::Start,
                       "cannot find the command '" + spec.command + "'" +
                           (spec.command.find('/') == std::string::npos ? " on PATH " + path : ""));
    if (!spec.cwd.empty()) {
        struct stat st {};
        if (::stat(spec.cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            throw McpError(McpErrorKind::Start, "the working directory '" + spec.cwd + "' does not exist");
    }

    Pipe in, out, err;
    in.open();
    out.open();
    err.open();

    SpawnSetup setup;
    posix_spawn_file_actions_adddup2(&setup.actions, in.read, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, out.write, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, err.write, STDERR_FILENO);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
    // Descriptors the host opened without O_CLOEXEC (sockets, files) must not leak into the server.
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3);
#endif
    if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&setup.actions, spec.cwd.c_str());

    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&defaults, sig);
    posix_spawnattr_setsigmask(&setup.attr, &none);
    posix_spawnattr_setsigdefault(&setup.attr, &defaults);
    posix_spawnattr_setpgroup(&setup.attr, 0);
    posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> envStrings;
    for (const auto & [k, v] : spec.env) envStrings.push_back(k + "=" + v);
    std::vector<char *> envp;
    for (std::string & s : envStrings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argStrings{spec.command};
    argStrings.insert(argStrings.end(), spec.args.begin(), spec.args.end());
    std::vector<char *> argv;
    for (std::string & s : argStrings) argv.push_back(s.data());
    argv.push_back(nullptr);

    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attr, argv.data(), envp.data());
    if (rc != 0) throw McpError(McpErrorKind::Start, "cannot start '" + program + "': " + std::strerror(rc));

    std::unique_ptr<ChildProcess> child(new ChildProcess);
    child->m_pid = pid;
    child->m_stdin = in.take(in.write);
    child->m_stdout = out.take(out.read);
    child->m_stderr = err.take(err.read);
    for (int fd : {child->m_stdin, child->m_stdout, child->m_stderr}) setNonBlocking(fd);
    return child;
}

ChildProcess::~ChildProcess() {
    if (!m_reaped) {
        signalGroup(SIGKILL);
        waitFor(std::chrono::seconds(5));
    }
    for (int fd : {m_stdin, m_stdout, m_stderr})
        if (fd >= 0) ::close(fd);
}

void ChildProcess::closeStdin() {
    if (m_stdin >= 0) ::close(m_stdin);
    m_stdin = -1;
}

bool ChildProcess::poll() {
    if (m_reaped) return true;
    // Look without reaping first: while the leader is a zombie its pid stays
    // reserved as the group id, so signalling -pid cannot hit an unrelated
    // process that was given the same number.
    siginfo_t info{};
    const int seen = ::waitid(P_PID, id_t(m_pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (seen == 0 && info.si_pid == 0) return false;
    // A host that ignores SIGCHLD has its children reaped for it: then only kill(0) tells if it still runs.
    if (seen < 0 && errno == ECHILD && ::kill(m_pid, 0) == 0) return false;
    signalGroup(SIGTERM);  // what the server started (npx -> node) goes with it
    int status = 0;
    pid_t r = -1;
    do r = ::waitpid(m_pid, &status, 0);
    while (r < 0 && errno == EINTR);
    m_reaped = true;
    if (r == m_pid && WIFEXITED(status)) m_exitCode = WEXITSTATUS(status);
    if (r == m_pid && WIFSIGNALED(status)) m_exitSignal = WTERMSIG(status);
    // r < 0 (ECHILD): a host SIGCHLD handler reaped it; it is gone either way.
    return true;
}

bool ChildProcess::waitFor(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!poll()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

void ChildProcess::signalGroup(int sig) {
    // Never after reaping: the numbers may belong to someone else by then.
    if (m_pid <= 0 || m_reaped) return;
    // The child leads its own group (setpgroup 0): -pid reaches it and what it started.
    if (::kill(-m_pid, sig) != 0) ::kill(m_pid, sig);
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
    closeStdin();  // a well-behaved stdio server exits when its input ends
    if (waitFor(grace)) return;
    signalGroup(SIGTERM);
    if (waitFor(grace)) return;
    signalGroup(SIGKILL);
    waitFor(std::chrono::seconds(5));
}

std::string ChildProcess::exitDescription() const {
    if (!m_reaped) return "running";
    if (m_exitCode) return "exited with code " + std::to_string(*m_exitCode);
    if (m_exitSignal) return "killed by signal " + std::to_string(m_exitSignal) + " (" + strsignal(m_exitSignal) + ")";
    return "exited";
}

}  // namespace Hearth::Mcp
