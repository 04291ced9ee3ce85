// HttpConnection: one client socket of the local server, passed between the
// connection gate (which waits for a whole request without a thread) and an
// HTTP thread (which serves that request through httplib).
//
// RequestStream is the httplib::Stream an HTTP thread hands to httplib: reads
// come from the request already buffered by the gate (never from the
// socket, so a handler can never block on a slow client), writes go to the
// non-blocking socket, each waiting at most the write timeout.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "server/request_framer.h"

namespace Hearth::Server {

using Clock = std::chrono::steady_clock;

struct HttpConnection {
    enum Phase {
        Phase_idle,     // between requests (or before the first): no byte of the next yet
        Phase_reading,  // part of a request has arrived
        Phase_closing,  // refused: the answer is being sent, then input drained until close
    };

    HttpConnection(int fd, std::string address, int port, size_t maxBodyBytes);
    ~HttpConnection();  // closes the socket
    HttpConnection(const HttpConnection &) = delete;
    HttpConnection & operator=(const HttpConnection &) = delete;

    // "127.0.0.1:53412", "[::1]:53412"
    std::string remote() const;

    const int fd;
    const std::string address;  // the peer's address, IPv4-mapped IPv6 shown as IPv4
    const int port;
    const size_t maxBodyBytes;

    std::string in;  // received, not yet served: the current request first
    RequestFramer framer;
    Phase phase = Phase_idle;
    Clock::time_point since = Clock::now();         // when this phase began
    Clock::time_point requestStart = Clock::now();  // the first byte of the current request
    Clock::time_point phaseEnd;  // the end of the head's or the body's allowance, or of the lingering close
    Clock::time_point deadline;  // when the gate acts: the phase's end, or a stall
    std::string out;             // Phase_closing: what is still to be sent
    bool inputEnded = false;     // the client shut down its side (it may still read)
    int served = 0;              // requests answered on this connection
};

// The peer's address and port of a connected socket; false when it has none.
bool peerAddress(int fd, std::string & address, int & port);

class RequestStream : public httplib::Stream {
public:
    RequestStream(HttpConnection & conn, size_t requestBytes, std::chrono::milliseconds writeTimeout)
        : m_conn(conn), m_size(requestBytes), m_writeTimeout(writeTimeout) {}

    bool is_readable() const override { return m_pos < m_size; }
    bool is_writable() const override;
    ssize_t read(char * ptr, size_t size) override;
    ssize_t write(const char * ptr, size_t size) override;
    void get_remote_ip_and_port(std::string & ip, int & port) const override;
    void get_local_ip_and_port(std::string & ip, int & port) const override;
    socket_t socket() const override;

private:
    HttpConnection & m_conn;
    size_t m_size;
    size_t m_pos = 0;
    std::chrono::milliseconds m_writeTimeout;
};

}  // namespace Hearth::Server
