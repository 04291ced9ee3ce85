// Checks on who may talk to the local server and how a request is labelled:
// loopback addresses and Host headers (DNS rebinding), the Bearer scheme,
// the JSON media type.
#pragma once

#include <optional>
#include <string>

namespace Hearth::Server {

// A bind address that only this machine can reach: 127.0.0.0/8, ::1 or
// localhost. Not "" or a wildcard (0.0.0.0, ::), which listen everywhere.
bool isLoopbackAddress(const std::string & host);

// A Host header naming this machine's loopback: localhost (any case, or a
// name under .localhost), 127.x.y.z or [::1], each with an optional port.
// An absent header (HTTP/1.0) passes: browsers always send one.
bool hostIsLoopback(const std::string & hostHeader);

// The token of "Authorization: Bearer <token>"; the scheme in any case
// (RFC 9110 11.1), any spaces after it. nullopt for another scheme or none.
std::optional<std::string> bearerToken(const std::string & authorization);

// Throws ApiError(415) unless the media type is application/json (any case,
// any parameters such as charset).
void requireJsonContentType(const std::string & contentType);

// "/home/u/models/x.gguf" -> "x.gguf": what the server may say about a path.
std::string fileName(const std::string & path);

}  // namespace Hearth::Server
