#include "mcp/stdio_transport.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mcp/line_reader.h"
#include "mcp/mcp_error.h"

namespace Hearth::Mcp {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
// Per poll round, so a flood on stdout cannot starve stderr, writes or a stop request.
constexpr size_t kMaxReadPerRound = 1u << 20;
// Dropped lines logged one by one before only every 1000th is.
constexpr size_t kDroppedLoggedInFull = 20;

std::string quoteCommand(const SpawnSpec & spec) {
    std::string text = spec.command;
    for (const std::string & a : spec.args) text += " " + a;
    return text;
}

std::string nowText() {
    char buf[32];
    const time_t t = time(nullptr);
    struct tm tm {};
    localtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

}  // namespace

StdioTransport::StdioTransport(StdioOptions options)
    : m_options(std::move(options)),
      m_log(m_options.logPath, m_options.logMaxBytes),
      m_reader(m_options.limits.maxBytes) {}

StdioTransport::~StdioTransport() {
    close();
    if (m_thread.joinable()) m_thread.join();  // close() from a handler left the join to us
    for (int fd : m_wake)
        if (fd >= 0) ::close(fd);
}

std::string StdioTransport::describe() const {
    return "stdio: " + quoteCommand(m_options.spawn);
}

void StdioTransport::start(Handlers handlers) {
    m_handlers = std::move(handlers);
    m_log.note("--- " + nowText() + " starting: " + quoteCommand(m_options.spawn));
    m_child = ChildProcess::spawn(m_options.spawn);
    if (::pipe2(m_wake, O_CLOEXEC | O_NONBLOCK) != 0)
        throw McpError(McpErrorKind::Start, std::string("pipe: ") + std::strerror(errno));
    {
        std::lock_guard lock(m_mutex);
        m_connected = true;
    }
    m_thread = std::thread([this] { run(); });
}

void StdioTransport::send(const nlohmann::json & message) {
    std::string line = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line += '\n';
    {
        std::lock_guard lock(m_mutex);
        if (!m_connected)
            throw McpError(McpErrorKind::Closed, m_closedWhy.empty() ? "the server is not running" : m_closedWhy);
        if (m_queuedBytes + line.size() > m_options.maxQueuedBytes)
            throw McpError(McpErrorKind::Protocol,
                           "the server is not reading its input (" + std::to_string(m_queuedBytes) + " bytes waiting)");
        m_queuedBytes += line.size();
        m_queue.push_back(std::move(line));
    }
    wake();
}

void StdioTransport::wake() {
    if (m_wake[1] < 0) return;
    const char byte = 1;
    [[maybe_unused]] ssize_t n = ::write(m_wake[1], &byte, 1);  // a full pipe already wakes the loop
}

void StdioTransport::close() {
    m_stopping = true;
    wake();
    if (m_thread.joinable() && m_thread.get_id() == std::this_thread::get_id()) return;  // from a handler
    if (m_thread.joinable()) m_thread.join();
    {
        std::lock_guard lock(m_mutex);
        m_connected = false;
        if (m_closedWhy.empty()) m_closedWhy = "the connection was closed";
    }
    if (m_child && !m_child->poll()) {
        m_child->stop(m_options.shutdownGrace);
        m_log.note("--- " + nowText() + " stopped: " + m_child->exitDescription());
    }
}

void StdioTransport::run() {
    // Writing to a server that died raises SIGPIPE; this thread takes EPIPE instead.
    sigset_t pipeOnly;
    sigemptyset(&pipeOnly);
    sigaddset(&pipeOnly, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeOnly, nullptr);

    auto stopDeadline = std::chrono::steady_clock::time_point::max();
    for (;;) {
        if (m_writing.empty()) {
            std::lock_guard lock(m_mutex);
            if (!m_queue.empty()) {
                m_writing = std::move(m_queue.front());
                m_queue.pop_front();
                m_queuedBytes -= m_writing.size();
                m_written = 0;
            }
        }
        if (m_stopping) {
            // Flush what was queued (a last notification) for a moment, then leave.
            if (stopDeadline == std::chrono::steady_clock::time_point::max())
                stopDeadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
            if (m_writing.empty() || std::chrono::steady_clock::now() >= stopDeadline) return;
        }
        pollfd fds[4];
        nfds_t n = 0;
        fds[n++] = {m_wake[0], POLLIN, 0};
        int outAt = -1, errAt = -1, inAt = -1;
        if (m_stdoutOpen) fds[outAt = int(n++)] = {m_child->stdoutFd(), POLLIN, 0};
        if (m_stderrOpen) fds[errAt = int(n++)] = {m_child->stderrFd(), POLLIN, 0};
        if (!m_writing.empty() && m_child->stdinFd() >= 0) fds[inAt = int(n++)] = {m_child->stdinFd(), POLLOUT, 0};

        const int ready = ::poll(fds, n, 100);
        if (ready < 0 && errno != EINTR) return finish(std::string("poll: ") + std::strerror(errno));
        if (fds[0].revents) {
            char buf[256];
            while (::read(m_wake[0], buf, sizeof buf) > 0) {
            }
        }
        if (outAt >= 0 && fds[outAt].revents && !pumpStdout()) m_stdoutOpen = false;
        if (errAt >= 0 && fds[errAt].revents) pumpStderr();
        if (inAt >= 0 && fds[inAt].revents && !pumpStdin()) return finish("the server closed its input");
        if (!m_stdoutOpen) return finish("the server closed its output");
        if (m_child->poll()) return finish("the server exited");
    }
}

bool StdioTransport::pumpStdout() {
    char buf[kReadChunk];
    size_t total = 0;
    while (total < kMaxReadPerRound && !m_stopping) {
        const ssize_t got = ::read(m_child->stdoutFd(), buf, sizeof buf);
        if (got == 0) return false;
        if (got < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        total += size_t(got);
        m_reader.feed(
            std::string_view(buf, size_t(got)), [this](std::string_view line) { deliverLine(line); },
            [this](size_t bytes) {
                dropped("a line of " + std::to_string(bytes) + " bytes is over the limit of " +
                        std::to_string(m_options.limits.maxBytes));
            });
    }
    return true;
}

void StdioTransport::pumpStderr() {
    char buf[kReadChunk];
    for (size_t total = 0; total < kMaxReadPerRound;) {
        const ssize_t got = ::read(m_child->stderrFd(), buf, sizeof buf);
        if (got == 0) {
            m_stderrOpen = false;
            return;
        }
        if (got < 0) return;
        m_log.write(std::string_view(buf, size_t(got)));
        total += size_t(got);
    }
}

bool StdioTransport::pumpStdin() {
    while (m_written < m_writing.size()) {
        const ssize_t put = ::write(m_child->stdinFd(), m_writing.data() + m_written, m_writing.size() - m_written);
        if (put < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        m_written += size_t(put);
    }
    m_writing.clear();
    m_written = 0;
    return true;
}

void StdioTransport::deliverLine(std::string_view line) {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
    BoundedParse parsed = parseBoundedJson(line, m_options.limits);
    if (!parsed.value) {
        const size_t shown = line.size() < 200 ? line.size() : 200;
        return dropped(parsed.error + ": " + std::string(line.substr(0, shown)));
    }
    if (m_handlers.onMessage) m_handlers.onMessage(std::move(*parsed.value));
}

void StdioTransport::dropped(const std::string & what) {
    ++m_droppedCount;
    if (m_droppedCount <= kDroppedLoggedInFull || m_droppedCount % 1000 == 0)
        m_log.note("hearth: dropped output from the server (" + std::to_string(m_droppedCount) + " so far): " + what);
    if (m_handlers.onError) m_handlers.onError(what);
}

void StdioTransport::finish(const std::string & why) {
    // Take what the server said last (its answer, or the error on stderr) before reporting.
    if (m_stdoutOpen) pumpStdout();
    m_child->waitFor(std::chrono::milliseconds(500));
    if (m_stderrOpen) pumpStderr();
    std::string reason = why;
    if (m_child->poll()) reason = "the server " + m_child->exitDescription();
    std::string tail = m_log.tail();
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
    if (tail.size() > 1000) tail = "..." + tail.substr(tail.size() - 1000);
    if (!tail.empty()) reason += "; its last output on stderr:\n" + tail;
    m_log.note("--- " + nowText() + " ended: " + reason.substr(0, reason.find(';')));
    {
        std::lock_guard lock(m_mutex);
        m_connected = false;
        m_closedWhy = reason;
    }
    if (!m_stopping && m_handlers.onClosed) m_handlers.onClosed(reason);
}

}  // namespace Hearth::Mcp
