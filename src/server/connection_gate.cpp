#include "server/connection_gate.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "server/api_error.h"

namespace Hearth::Server {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr int kReadsPerWake = 16;
// After a refusal the rest of the request is read and dropped, so that the
// close does not reset the connection (which can discard the answer before
// the client reads it): until the client is quiet this long, or at most kLingerMax.
constexpr auto kLingerQuiet = std::chrono::milliseconds(2000);
constexpr auto kLingerMax = std::chrono::milliseconds(10000);
constexpr auto kMaxPollWait = std::chrono::milliseconds(1000);

const char * reason(int status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 408:
            return "Request Timeout";
        case 411:
            return "Length Required";
        case 413:
            return "Payload Too Large";
        case 414:
            return "URI Too Long";
        case 431:
            return "Request Header Fields Too Large";
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return "Error";
    }
}

std::string refusalResponse(int status, const std::string & message, const char * code) {
    const std::string type = status >= 500 ? "server_error" : "invalid_request_error";
    const std::string body = ApiError(status, message, type, {}, code).toJson().dump();
    std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    if (status == 503) r += "Retry-After: 1\r\n";
    return r + "Connection: close\r\n\r\n" + body;
}

}  // namespace

ConnectionGate::ConnectionGate(const ServerConfig & config, Dispatch dispatch, Logger logger)
    : m_config(config), m_dispatch(std::move(dispatch)), m_logger(std::move(logger)) {}

ConnectionGate::~ConnectionGate() {
    stop();
}

void ConnectionGate::start() {
    m_wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_wakeFd < 0) throw std::runtime_error("cannot create the server's wake-up descriptor");
    m_thread = std::thread([this] { run(); });
}

void ConnectionGate::stop() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_stopped) return;
        m_stopped = true;
    }
    if (m_thread.joinable()) {
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
        m_thread.join();
    }
    std::vector<Posted> posted;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        posted.swap(m_posted);
        m_open = 0;
    }
    for (Posted & p : posted)
        if (p.action == Action_adopt) ::close(p.fd);  // connections close as their owners go
    m_waiting.clear();
    m_perAddress.clear();
    if (m_wakeFd >= 0) ::close(m_wakeFd);
    m_wakeFd = -1;
}

int ConnectionGate::openConnections() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_open;
}

void ConnectionGate::adopt(int fd) {
    post({Action_adopt, fd, nullptr});
}

void ConnectionGate::resume(std::unique_ptr<HttpConnection> conn) {
    post({Action_resume, -1, std::move(conn)});
}

void ConnectionGate::release(std::unique_ptr<HttpConnection> conn) {
    post({Action_release, -1, std::move(conn)});
}

void ConnectionGate::post(Posted p) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_stopped) {
            if (p.action == Action_adopt) ::close(p.fd);
            return;  // a connection closes as p.conn goes
        }
        m_posted.push_back(std::move(p));
    }
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
}

void ConnectionGate::run() {
    for (;;) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_stopped) return;
        }
        handlePosted();
        pollOnce();
        expire(Clock::now());
    }
}

void ConnectionGate::handlePosted() {
    std::vector<Posted> posted;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        posted.swap(m_posted);
    }
    for (Posted & p : posted) {
        switch (p.action) {
            case Action_adopt:
                admit(p.fd);
                break;
            case Action_resume:
                wait(std::move(p.conn));
                break;
            case Action_release:
                forget(*p.conn);
                break;  // closes as p.conn goes
        }
    }
}

void ConnectionGate::admit(int fd) {
    std::string address;
    int port = 0;
    if (!peerAddress(fd, address, port)) {
        ::close(fd);
        return;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // stream tokens as they come

    const bool addressFull = m_perAddress[address] >= m_config.maxConnectionsPerAddress && !evictFor(&address);
    int open = 0;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        open = m_open;
    }
    const bool totalFull = !addressFull && open >= m_config.maxConnections && !evictFor(nullptr);
    auto conn = std::make_unique<HttpConnection>(fd, address, port, m_config.maxBodyBytes);
    ++m_perAddress[address];
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_open;
    }
    conn->deadline = Clock::now() + std::chrono::milliseconds(m_config.idleTimeoutMs);
    if (addressFull || totalFull)
        refuse(*conn, 503, "Too many connections are open; retry shortly.", "too_many_connections");
    m_waiting[fd] = std::move(conn);
}

void ConnectionGate::wait(std::unique_ptr<HttpConnection> conn) {
    conn->framer = RequestFramer(conn->maxBodyBytes);
    conn->phase = HttpConnection::Phase_idle;
    conn->since = Clock::now();
    conn->deadline = conn->since + std::chrono::milliseconds(m_config.idleTimeoutMs);
    if (!conn->in.empty()) {
        examine(conn);  // the next request was sent behind the last one
        if (!conn) return;
    }
    const int fd = conn->fd;
    m_waiting[fd] = std::move(conn);
}

void ConnectionGate::pollOnce() {
    std::vector<pollfd> fds;
    fds.reserve(m_waiting.size() + 1);
    fds.push_back({m_wakeFd, POLLIN, 0});
    auto wake = Clock::now() + kMaxPollWait;
    for (const auto & [fd, conn] : m_waiting) {
        short events = conn->inputEnded ? 0 : POLLIN;
        if (!conn->out.empty()) events |= POLLOUT;
        fds.push_back({fd, events, 0});
        wake = std::min(wake, conn->deadline);
    }
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now()).count();
    if (::poll(fds.data(), fds.size(), int(std::max<long long>(0, wait) + 1)) <= 0) return;
    if (fds[0].revents & POLLIN) {
        uint64_t count = 0;
        [[maybe_unused]] const ssize_t n = ::read(m_wakeFd, &count, sizeof count);
    }
    for (size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        auto it = m_waiting.find(fds[i].fd);
        if (it == m_waiting.end()) continue;
        if (fds[i].revents & POLLOUT) onWritable(*it->second);
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) onReadable(*it->second);
    }
}

void ConnectionGate::onWritable(HttpConnection & conn) {
    const ssize_t n = ::send(conn.fd, conn.out.data(), conn.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) conn.out.erase(0, size_t(n));
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        conn.out.clear();
        conn.deadline = Clock::now();  // the client is gone: expire() closes it (callers still hold it)
        return;
    }
    if (!conn.out.empty()) return;
    ::shutdown(conn.fd, SHUT_WR);                       // the answer is out: the client sees its end
    if (conn.inputEnded) conn.deadline = Clock::now();  // nothing left to drain
}

void ConnectionGate::onReadable(HttpConnection & conn) {
    const int fd = conn.fd;
    char buf[kReadChunk];
    // A bounded number of reads per wake-up, so one fast sender cannot keep
    // this thread from the other connections.
    for (int reads = 0; reads < kReadsPerWake; ++reads) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0) {
            conn.inputEnded = true;
            if (conn.phase == HttpConnection::Phase_reading)  // half-closed: it may still read why
                return refuse(conn, 400, "The connection was closed before the request was complete.",
                              "incomplete_request");
            if (conn.phase == HttpConnection::Phase_closing && !conn.out.empty()) return;  // finish the answer
            return close(fd);
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            return close(fd);
        }
        if (conn.phase == HttpConnection::Phase_closing) {  // drained and dropped
            conn.deadline = std::min(conn.phaseEnd, Clock::now() + kLingerQuiet);
            continue;
        }
        conn.in.append(buf, size_t(n));
        std::unique_ptr<HttpConnection> & owned = m_waiting[fd];
        examine(owned);
        if (!owned) {
            m_waiting.erase(fd);  // dispatched
            return;
        }
    }
}

void ConnectionGate::examine(std::unique_ptr<HttpConnection> & conn) {
    HttpConnection & c = *conn;
    if (c.phase == HttpConnection::Phase_idle) {
        // Blank lines between requests are allowed (RFC 9112, 2.2).
        const size_t start = c.in.find_first_not_of("\r\n");
        c.in.erase(0, start == std::string::npos ? c.in.size() : start);
        if (c.in.empty()) return;
        c.phase = HttpConnection::Phase_reading;
        c.since = c.requestStart = Clock::now();
        c.phaseEnd = c.since + std::chrono::milliseconds(m_config.headerTimeoutMs);
    }
    const RequestFramer::State before = c.framer.state();
    const RequestFramer::State state = c.framer.scan(c.in);
    if (state == RequestFramer::State_error)
        return refuse(c, c.framer.errorStatus(), c.framer.errorMessage(), c.framer.errorCode());
    const auto now = Clock::now();
    if (before == RequestFramer::State_head && state != RequestFramer::State_head)
        c.phaseEnd = now + std::chrono::milliseconds(m_config.bodyTimeoutMs);
    c.deadline = std::min(c.phaseEnd, now + std::chrono::milliseconds(m_config.readStallMs));
    if (before == RequestFramer::State_head && state != RequestFramer::State_head) {
        if (const size_t at = c.framer.expectContinueAt(); at != 0 && c.framer.bodyBytes() > 0) {
            // The client waits for this before it sends the body. httplib would
            // send its own when it reads the head; renaming the header
            // ("Xxpect") keeps it from answering twice.
            static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
            [[maybe_unused]] const ssize_t n =
                ::send(c.fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            c.in[at] = 'X';
        }
    }
    if (state == RequestFramer::State_done) m_dispatch(std::move(conn));
}

void ConnectionGate::refuse(HttpConnection & conn, int status, const std::string & message, const char * code) {
    log(conn, status);
    conn.phase = HttpConnection::Phase_closing;
    conn.since = Clock::now();
    conn.phaseEnd = conn.since + kLingerMax;
    conn.deadline = conn.since + kLingerQuiet;
    conn.in.clear();
    conn.in.shrink_to_fit();
    conn.out = refusalResponse(status, message, code);
    onWritable(conn);
}

void ConnectionGate::expire(Clock::time_point now) {
    std::vector<int> due;
    for (const auto & [fd, conn] : m_waiting)
        if (conn->deadline <= now) due.push_back(fd);
    for (int fd : due) {
        HttpConnection & conn = *m_waiting[fd];
        if (conn.phase == HttpConnection::Phase_reading)
            refuse(conn, 408, "The request did not arrive in time.", "request_timeout");
        else
            close(fd);  // idle too long, or done lingering
    }
}

bool ConnectionGate::evictFor(const std::string * address) {
    // Closing first (already answered), then idle, then reading; the oldest of each.
    HttpConnection * victim = nullptr;
    for (const auto & [fd, conn] : m_waiting) {
        if (address && conn->address != *address) continue;
        const auto rank = [](const HttpConnection & c) {
            return c.phase == HttpConnection::Phase_closing ? 0 : c.phase == HttpConnection::Phase_idle ? 1 : 2;
        };
        if (!victim || rank(*conn) < rank(*victim) || (rank(*conn) == rank(*victim) && conn->since < victim->since))
            victim = conn.get();
    }
    if (!victim) return false;
    close(victim->fd);
    return true;
}

void ConnectionGate::close(int fd) {
    auto it = m_waiting.find(fd);
    if (it == m_waiting.end()) return;
    forget(*it->second);
    m_waiting.erase(it);
}

void ConnectionGate::forget(const HttpConnection & conn) {
    auto it = m_perAddress.find(conn.address);
    if (it != m_perAddress.end() && --it->second <= 0) m_perAddress.erase(it);
    std::lock_guard<std::mutex> lock(m_mutex);
    --m_open;
}

void ConnectionGate::log(const HttpConnection & conn, int status) {
    if (!m_logger) return;
    RequestLogEntry e;
    e.method = conn.framer.method().empty() ? "-" : conn.framer.method();
    e.path = conn.framer.target().empty() ? "-" : conn.framer.target().substr(0, conn.framer.target().find('?'));
    e.remote = conn.remote();
    e.status = status;
    e.durationMs = conn.phase == HttpConnection::Phase_reading
                       ? std::chrono::duration<double, std::milli>(Clock::now() - conn.requestStart).count()
                       : 0.0;
    m_logger(e);
}

}  // namespace Hearth::Server
