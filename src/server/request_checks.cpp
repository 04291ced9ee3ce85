#include "server/request_checks.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "server/api_error.h"

namespace Hearth::Server {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

bool isLoopbackIp(const std::string & text) {
    in_addr v4{};
    if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
        if (IN6_IS_ADDR_V4MAPPED(&v6)) return v6.s6_addr[12] == 127;
    }
    return false;
}

bool isLocalhostName(const std::string & name) {
    const std::string n = lower(name.size() > 1 && name.back() == '.' ? name.substr(0, name.size() - 1) : name);
    const std::string suffix = ".localhost";  // RFC 6761: resolves to loopback only
    return n == "localhost" ||
           (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0);
}

bool isPort(const std::string & s) {
    return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool isLoopbackAddress(const std::string & host) {
    return isLocalhostName(host) || isLoopbackIp(host);
}

bool hostIsLoopback(const std::string & hostHeader) {
    if (hostHeader.empty()) return true;
    std::string name;
    if (hostHeader.front() == '[') {
        const size_t close = hostHeader.find(']');
        if (close == std::string::npos) return false;
        const std::string rest = hostHeader.substr(close + 1);
        if (!rest.empty() && (rest[0] != ':' || !isPort(rest.substr(1)))) return false;
        return isLoopbackIp(hostHeader.substr(1, close - 1));
    }
    const size_t colon = hostHeader.find(':');
    if (colon != std::string::npos) {
        if (!isPort(hostHeader.substr(colon + 1))) return false;  // also refuses a bare IPv6 address
        name = hostHeader.substr(0, colon);
    } else {
        name = hostHeader;
    }
    return isLocalhostName(name) || isLoopbackIp(name);
}

std::optional<std::string> bearerToken(const std::string & authorization) {
    const std::string scheme = "bearer";
    if (authorization.size() <= scheme.size() || lower(authorization.substr(0, scheme.size())) != scheme ||
        (authorization[scheme.size()] != ' ' && authorization[scheme.size()] != '\t'))
        return std::nullopt;
    const size_t start = authorization.find_first_not_of(" \t", scheme.size());
    if (start == std::string::npos) return std::nullopt;
    const size_t end = authorization.find_last_not_of(" \t");
    return authorization.substr(start, end - start + 1);
}

void requireJsonContentType(const std::string & contentType) {
    std::string type = lower(contentType.substr(0, contentType.find(';')));
    type.erase(0, type.find_first_not_of(" \t"));
    type.erase(type.find_last_not_of(" \t") + 1);
    if (type == "application/json") return;
    throw ApiError(415,
                   contentType.empty()
                       ? "The request has no Content-Type; send the JSON body as 'Content-Type: application/json'."
                       : "Content-Type must be application/json, not '" + contentType + "'.",
                   "invalid_request_error", {}, "unsupported_media_type");
}

std::string fileName(const std::string & path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace Hearth::Server
