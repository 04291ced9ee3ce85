// JSON-RPC 2.0 messages as MCP uses them: building them, and sorting what
// arrives into requests, notifications and responses.
//
// Ids: Hearth's own requests use integers. A server's ids may be strings or
// integers and are echoed back exactly as received.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace Hearth::Mcp::JsonRpc {

// Standard error codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;

enum class MessageKind { Request, Notification, Response, Invalid };

// A request has a method and an id; a notification a method and no id; a
// response an id and exactly one of result/error. Anything else is Invalid
// (including a batch: MCP 2025-06-18 removed batching, and Hearth never
// sends one, so none is expected back).
MessageKind classify(const nlohmann::json & message);

nlohmann::json makeRequest(long long id, const std::string & method, const nlohmann::json & params);
nlohmann::json makeNotification(const std::string & method, const nlohmann::json & params);
nlohmann::json makeResult(const nlohmann::json & id, const nlohmann::json & result);
nlohmann::json makeError(const nlohmann::json & id, int code, const std::string & message);

// A readable "code: message" for a response's error object.
std::string describeError(const nlohmann::json & error);

}  // namespace Hearth::Mcp::JsonRpc
