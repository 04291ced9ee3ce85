#include "hostile_requests.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>

namespace server_test {

namespace {

std::string arrays(int depth) {
    return std::string(size_t(depth), '[') + std::string(size_t(depth), ']');
}

std::string objects(int depth, const std::string & quote = "\"") {
    std::string s;
    s.reserve(size_t(depth) * 8);
    for (int i = 0; i < depth; ++i) s += "{" + quote + "a" + quote + ":";
    s += "1";
    s += std::string(size_t(depth), '}');
    return s;
}

const std::string kUser = R"({"role": "user", "content": "hi"})";
const std::string kTools = R"([{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}])";

std::string chatWith(const std::string & extra) {
    return R"({"messages": [)" + kUser + "], " + extra + "}";
}

std::string assistantCall(const std::string & arguments) {
    return R"({"messages": [{"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", )"
           R"("function": {"name": "f", "arguments": )" +
           arguments + "}}]}, " + kUser + "]}";
}

}  // namespace

std::vector<HostileRequest> depthBombs(int depth) {
    const std::string chat = "/v1/chat/completions";
    const std::string a = arrays(depth);
    const std::string o = objects(depth);
    return {
        {"messages content", chat, R"({"messages": [{"role": "user", "content": )" + a + "}]}", ""},
        {"message field", chat, R"({"messages": [{"role": "user", "content": "hi", "x": )" + o + "}]}", ""},
        {"messages", chat, R"({"messages": )" + a + "}", ""},
        {"tools", chat, chatWith(R"("tools": )" + a), ""},
        {"parameters", chat,
         chatWith(R"("tools": [{"type": "function", "function": {"name": "f", "parameters": )" + o + "}}]"), ""},
        {"response_format schema", chat,
         chatWith(R"("response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": )" + o + "}}"),
         ""},
        {"tool_calls arguments object", chat, assistantCall(o), ""},
        {"tool_calls arguments string", chat, assistantCall("\"" + objects(depth, "\\\"") + "\""),
         "messages[0].tool_calls[0].function.arguments"},
        {"tool_choice", chat, chatWith(R"("tools": )" + kTools + R"(, "tool_choice": )" + o), ""},
        {"stop", chat, chatWith(R"("stop": )" + a), ""},
        {"logit_bias", chat, chatWith(R"("logit_bias": {"1": )" + a + "}"), ""},
        {"completions prompt", "/v1/completions", R"({"prompt": )" + a + "}", ""},
        {"completions field", "/v1/completions", R"({"prompt": "hi", "x": )" + o + "}", ""},
    };
}

int connectLoopback(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool sendAll(int fd, const std::string & data) {
    size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += size_t(n);
    }
    return true;
}

std::string readResponse(int fd, int timeoutMs) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    std::string out;
    char buf[16384];
    for (;;) {
        // Interim answers (100 Continue) come before the response.
        for (size_t e = out.find("\r\n\r\n"); e != std::string::npos && out.rfind("HTTP/1.1 1", 0) == 0;
             e = out.find("\r\n\r\n"))
            out.erase(0, e + 4);
        // Complete? (a head with Content-Length and that many bytes, or a chunked end)
        const size_t headEnd = out.find("\r\n\r\n");
        if (headEnd != std::string::npos) {
            const std::string head = out.substr(0, headEnd);
            const size_t cl = head.find("Content-Length: ");
            if (cl != std::string::npos && out.size() >= headEnd + 4 + std::stoul(head.substr(cl + 16))) return out;
            if (head.find("Transfer-Encoding: chunked") != std::string::npos && out.size() >= 5 &&
                out.compare(out.size() - 5, 5, "0\r\n\r\n") == 0)
                return out;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return out;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, int(left)) <= 0) return out;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return out;
        out.append(buf, size_t(n));
    }
}

int statusOf(const std::string & response) {
    if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
    return std::atoi(response.c_str() + 9);
}

std::string bodyOf(const std::string & response) {
    const size_t headEnd = response.find("\r\n\r\n");
    return headEnd == std::string::npos ? std::string() : response.substr(headEnd + 4);
}

long peakRssKb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

void resetPeakRss() {
    std::ofstream("/proc/self/clear_refs") << "5";
}

}  // namespace server_test
