// RequestFramer: finds where one HTTP/1.x request ends in the bytes received
// so far, without a thread waiting on the socket, and refuses a request as
// soon as it cannot be served (too large, malformed, no length).
//
// The connection gate reads sockets without blocking and calls scan() after
// each read; only a request that has arrived whole (head and body) goes to an
// HTTP thread. So a client that sends slowly, or not at all, holds no thread,
// and a body is never read past the limit, whatever its framing:
//   - Content-Length: refused at once (413) when larger than the limit;
//   - chunked: counted while the chunks arrive, refused as the count passes;
//   - neither, on POST/PUT/PATCH: 411 at once (httplib would read until the
//     client closes, holding a thread and memory).
// The head is checked only as far as framing and safety need (request line,
// header syntax, no NUL or control bytes, one Host, agreeing lengths);
// httplib parses it again for routing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace Hearth::Server {

class RequestFramer {
public:
    enum State {
        State_head,   // waiting for the end of the head
        State_body,   // head done; waiting for the rest of the body
        State_done,   // the whole request is in the buffer: requestSize() bytes
        State_error,  // refused: errorStatus(), errorMessage()
    };

    static constexpr size_t kMaxHeadBytes = 32 * 1024;
    static constexpr size_t kMaxLineBytes = 8192;  // httplib's limit for the request line and each header

    explicit RequestFramer(size_t maxBodyBytes) : m_maxBody(maxBodyBytes) {}

    // `buffer` holds the request from its first byte on (and maybe the start
    // of the next one); it only ever grows between calls. Resumes where the
    // last call stopped.
    State scan(std::string_view buffer);
    State state() const { return m_state; }

    size_t requestSize() const { return m_end; }      // State_done: head and body
    size_t bodyBytes() const { return m_bodyBytes; }  // the body as the handler will see it (decoded)
    int errorStatus() const { return m_errorStatus; }
    const std::string & errorMessage() const { return m_errorMessage; }
    const char * errorCode() const { return m_errorCode; }
    // From the request line, once the head is done ("" before).
    const std::string & method() const { return m_method; }
    const std::string & target() const { return m_target; }
    bool http10() const { return m_http10; }
    // The head asked for "Expect: 100-continue": the offset of that header's
    // name in the buffer (0: none), so the gate can answer it and defuse it.
    size_t expectContinueAt() const { return m_expectAt; }

private:
    enum Chunk {
        Chunk_size,     // reading a chunk-size line
        Chunk_data,     // inside a chunk's data
        Chunk_dataEnd,  // the CRLF after the data
        Chunk_trailer,  // trailer lines after the last chunk, until an empty one
    };

    State fail(int status, std::string message, const char * code = "invalid_request");
    State scanHead(std::string_view buffer);
    bool parseRequestLine(std::string_view line);
    bool parseHeader(std::string_view line, size_t offset);
    State startBody();
    State scanChunked(std::string_view buffer);
    bool chunkSizeLine(std::string_view line);

    size_t m_maxBody;
    State m_state = State_head;
    size_t m_pos = 0;  // next byte to examine
    size_t m_end = 0;
    size_t m_headEnd = 0;
    size_t m_bodyBytes = 0;
    int m_errorStatus = 0;
    std::string m_errorMessage;
    const char * m_errorCode = "";

    std::string m_method;
    std::string m_target;
    bool m_http10 = false;
    int m_hosts = 0;
    bool m_hasLength = false;
    uint64_t m_contentLength = 0;
    bool m_chunked = false;
    size_t m_expectAt = 0;

    Chunk m_chunk = Chunk_size;
    uint64_t m_chunkLeft = 0;
};

}  // namespace Hearth::Server
