#include "server/http_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace Hearth::Server {

namespace {

bool formatAddress(const sockaddr_storage & ss, std::string & address, int & port) {
    char text[INET6_ADDRSTRLEN] = {};
    if (ss.ss_family == AF_INET) {
        const auto & a = reinterpret_cast<const sockaddr_in &>(ss);
        if (!inet_ntop(AF_INET, &a.sin_addr, text, sizeof text)) return false;
        port = ntohs(a.sin_port);
    } else if (ss.ss_family == AF_INET6) {
        const auto & a = reinterpret_cast<const sockaddr_in6 &>(ss);
        if (IN6_IS_ADDR_V4MAPPED(&a.sin6_addr)) {
            in_addr v4{};
            std::memcpy(&v4, a.sin6_addr.s6_addr + 12, 4);
            if (!inet_ntop(AF_INET, &v4, text, sizeof text)) return false;
        } else if (!inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text)) {
            return false;
        }
        port = ntohs(a.sin6_port);
    } else {
        return false;
    }
    address = text;
    return true;
}

}  // namespace

HttpConnection::HttpConnection(int fd_, std::string address_, int port_, size_t maxBodyBytes_)
    : fd(fd_), address(std::move(address_)), port(port_), maxBodyBytes(maxBodyBytes_), framer(maxBodyBytes_) {}

HttpConnection::~HttpConnection() {
    ::close(fd);
}

std::string HttpConnection::remote() const {
    const bool v6 = address.find(':') != std::string::npos;
    return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

bool peerAddress(int fd, std::string & address, int & port) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0) return false;
    return formatAddress(ss, address, port);
}

bool RequestStream::is_writable() const {
    pollfd p{m_conn.fd, POLLOUT, 0};
    const int r = ::poll(&p, 1, int(m_writeTimeout.count()));
    return r > 0 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)) == 0;
}

ssize_t RequestStream::read(char * ptr, size_t size) {
    const size_t n = std::min(size, m_size - m_pos);
    std::memcpy(ptr, m_conn.in.data() + m_pos, n);
    m_pos += n;
    return ssize_t(n);
}

ssize_t RequestStream::write(const char * ptr, size_t size) {
    const auto deadline = Clock::now() + m_writeTimeout;
    for (;;) {
        const ssize_t n = ::send(m_conn.fd, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;  // the client is gone
        // The client does not read: wait for room, but not forever.
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return -1;
        pollfd p{m_conn.fd, POLLOUT, 0};
        if (::poll(&p, 1, int(left.count())) <= 0 || (p.revents & (POLLERR | POLLHUP | POLLNVAL))) return -1;
    }
}

void RequestStream::get_remote_ip_and_port(std::string & ip, int & port) const {
    ip = m_conn.address;
    port = m_conn.port;
}

void RequestStream::get_local_ip_and_port(std::string & ip, int & port) const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(m_conn.fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0 || !formatAddress(ss, ip, port)) {
        ip.clear();
        port = 0;
    }
}

socket_t RequestStream::socket() const {
    // httplib answers 500 for a descriptor past FD_SETSIZE (it assumes select());
    // every wait on this socket here uses poll(), so such a descriptor is no
    // reason to refuse, and httplib never touches the socket through this.
    return m_conn.fd < FD_SETSIZE ? m_conn.fd : INVALID_SOCKET;
}

}  // namespace Hearth::Server
