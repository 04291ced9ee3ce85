// Hostile inputs for the local server's tests, shared by the in-process
// tests, the `hearth-cli serve` tests and the app's server test: JSON nested
// thousands of levels deep in every field a request carries, and raw-socket
// helpers for requests no well-behaved client library would send (slow,
// idle, chunked past the limit, with no length, with a foreign Host).
#pragma once

#include <string>
#include <vector>

namespace server_test {

struct HostileRequest {
    std::string name;  // the field that carries the bomb
    std::string path;
    std::string body;
    std::string param;  // the param its 400 names ("" when the body is refused whole)
};

// One request per field, each nested `depth` levels in that field.
std::vector<HostileRequest> depthBombs(int depth);

// A blocking TCP connection to 127.0.0.1:port; -1 when refused.
int connectLoopback(int port);
bool sendAll(int fd, const std::string & data);
// What the server sends until it closes, a response is complete
// (Content-Length, chunked end, or close), or `timeoutMs` pass.
std::string readResponse(int fd, int timeoutMs);
// The status code of a raw response ("HTTP/1.1 413 ..."); 0 when there is none.
int statusOf(const std::string & response);
// The body of a raw response (after the head; chunked encoding not decoded).
std::string bodyOf(const std::string & response);
// Peak resident memory of this process in KiB (VmHWM), and a reset of it.
long peakRssKb();
void resetPeakRss();

}  // namespace server_test
