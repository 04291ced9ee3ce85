#include "mcp/json_rpc.h"

namespace Hearth::Mcp::JsonRpc {

using nlohmann::json;

namespace {
bool validId(const json & id) {
    return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}
}  // namespace

MessageKind classify(const json & m) {
    if (!m.is_object()) return MessageKind::Invalid;
    const auto version = m.find("jsonrpc");
    if (version == m.end() || *version != "2.0") return MessageKind::Invalid;
    const auto method = m.find("method");
    const auto id = m.find("id");
    if (method != m.end()) {
        if (!method->is_string()) return MessageKind::Invalid;
        const auto params = m.find("params");
        if (params != m.end() && !params->is_object() && !params->is_array()) return MessageKind::Invalid;
        if (id == m.end()) return MessageKind::Notification;
        return validId(*id) ? MessageKind::Request : MessageKind::Invalid;
    }
    if (id == m.end()) return MessageKind::Invalid;
    const bool hasResult = m.contains("result");
    const auto error = m.find("error");
    if (hasResult == (error != m.end())) return MessageKind::Invalid;
    if (error != m.end() && !error->is_object()) return MessageKind::Invalid;
    // A parse error's response may carry id null; it answers nothing we can match.
    return validId(*id) || id->is_null() ? MessageKind::Response : MessageKind::Invalid;
}

json makeRequest(long long id, const std::string & method, const json & params) {
    json m = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.is_null()) m["params"] = params;
    return m;
}

json makeNotification(const std::string & method, const json & params) {
    json m = {{"jsonrpc", "2.0"}, {"method", method}};
    if (!params.is_null()) m["params"] = params;
    return m;
}

json makeResult(const json & id, const json & result) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"result", result}};
}

json makeError(const json & id, int code, const std::string & message) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

std::string describeError(const json & error) {
    std::string text;
    const auto code = error.find("code");
    if (code != error.end() && code->is_number_integer()) text = std::to_string(code->get<long long>()) + ": ";
    const auto message = error.find("message");
    text += message != error.end() && message->is_string() ? message->get<std::string>() : "(no message)";
    return text;
}

}  // namespace Hearth::Mcp::JsonRpc
