#include "mcp/mcp_client.h"

#include <algorithm>
#include <set>

#include "mcp/json_rpc.h"

namespace Hearth::Mcp {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct McpClient::Pending {
    std::condition_variable cv;
    std::string method;
    bool done = false;
    std::optional<json> result;
    std::optional<McpError> error;
    std::function<void(const Progress &)> onProgress;
    Clock::time_point lastProgress{};
};

namespace {

std::string seconds(std::chrono::milliseconds ms) {
    const long long s = ms.count() / 1000;
    return s * 1000 == ms.count() ? std::to_string(s) + " s" : std::to_string(ms.count()) + " ms";
}

std::string stringField(const json & obj, const char * key) {
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const std::vector<std::string> & supportedProtocolVersions() {
    // 2025-06-18 is asked for: Hearth implements all of it a tool-calling client
    // needs. 2025-11-25 is accepted too: what it adds for clients is opt-in.
    static const std::vector<std::string> versions{"2025-06-18", "2025-11-25", "2025-03-26", "2024-11-05"};
    return versions;
}

McpClient::McpClient(std::unique_ptr<Transport> transport, ClientOptions options)
    : m_transport(std::move(transport)), m_options(std::move(options)) {}

McpClient::~McpClient() {
    close();
}

bool McpClient::connected() const {
    std::lock_guard lock(m_mutex);
    return m_open;
}

void McpClient::connect() {
    {
        std::lock_guard lock(m_mutex);
        if (m_started) throw McpError(McpErrorKind::Usage, "connect() was already called");
        m_started = true;
    }
    Transport::Handlers handlers;
    handlers.onMessage = [this](json m) { onMessage(std::move(m)); };
    handlers.onError = [this](const std::string &) { ++m_dropped; };
    handlers.onRequestFailed = [this](const json & id, const std::string & why) { onRequestFailed(id, why); };
    handlers.onClosed = [this](const std::string & why) { onTransportClosed(why); };
    m_transport->start(std::move(handlers));
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
    }

    RequestOptions init;
    init.timeout = m_options.initializeTimeout;
    const json params = {{"protocolVersion", supportedProtocolVersions().front()},
                         {"capabilities", json::object()},
                         {"clientInfo", {{"name", m_options.clientName}, {"version", m_options.clientVersion}}}};
    json result;
    try {
        result = request("initialize", params, init);
    } catch (...) {
        close();
        throw;
    }
    const std::string version = result.is_object() ? stringField(result, "protocolVersion") : std::string();
    const auto & known = supportedProtocolVersions();
    if (std::find(known.begin(), known.end(), version) == known.end()) {
        close();
        std::string list;
        for (const std::string & v : known) list += (list.empty() ? "" : ", ") + v;
        throw McpError(McpErrorKind::Protocol, "the server speaks MCP version '" + version.substr(0, 64) +
                                                   "', which Hearth does not support (it speaks " + list + ")");
    }
    m_server.protocolVersion = version;
    m_server.serverInfo = result.value("serverInfo", json::object());
    m_server.capabilities = result.value("capabilities", json::object());
    m_server.instructions = stringField(result, "instructions");
    m_transport->setProtocolVersion(version);
    notify("notifications/initialized");
}

void McpClient::close() {
    bool started;
    {
        std::lock_guard lock(m_mutex);
        started = m_started;
        m_open = false;
        if (m_closedWhy.empty()) m_closedWhy = "the connection was closed";
    }
    if (started) m_transport->close();
    failAll(McpError(McpErrorKind::Closed, "the connection was closed"));
}

json McpClient::request(const std::string & method, json params, const RequestOptions & options) {
    if (params.is_null()) params = json::object();
    auto pending = std::make_shared<Pending>();
    pending->method = method;
    pending->onProgress = options.onProgress;
    long long id;
    {
        std::lock_guard lock(m_mutex);
        if (!m_open) throw McpError(McpErrorKind::Closed, m_started ? m_closedWhy : "not connected");
        id = ++m_nextId;
        m_pending[id] = pending;
    }
    if (options.onProgress && params.is_object()) params["_meta"]["progressToken"] = id;
    CancelSubscription subscription(
        options.cancel, [this, id] { finish(id, std::nullopt, McpError(McpErrorKind::Cancelled, "cancelled")); });
    try {
        m_transport->send(JsonRpc::makeRequest(id, method, params));
    } catch (const McpError &) {
        std::lock_guard lock(m_mutex);
        m_pending.erase(id);
        throw;
    }

    const auto timeout = options.timeout.value_or(m_options.requestTimeout);
    const auto start = Clock::now();
    const auto hardDeadline = start + std::max(timeout, options.maxTotalTimeout);
    auto deadline = start + timeout;
    std::unique_lock lock(m_mutex);
    while (!pending->done) {
        if (pending->cv.wait_until(lock, deadline) != std::cv_status::timeout || pending->done) continue;
        // Progress since the deadline was set moves it, up to the hard limit.
        if (options.resetTimeoutOnProgress && pending->lastProgress + timeout > deadline && deadline < hardDeadline) {
            deadline = std::min(pending->lastProgress + timeout, hardDeadline);
            continue;
        }
        break;
    }
    const bool timedOut = !pending->done;
    if (timedOut) m_pending.erase(id);
    lock.unlock();

    const bool cancelled = pending->error && pending->error->kind() == McpErrorKind::Cancelled;
    if ((timedOut || cancelled) && method != "initialize") {  // initialize must never be cancelled
        sendQuietly(JsonRpc::makeNotification(
            "notifications/cancelled",
            {{"requestId", id},
             {"reason", timedOut ? "timed out after " + seconds(timeout) : "cancelled by the user"}}));
        m_transport->abandon(id);
    }
    if (timedOut) throw McpError(McpErrorKind::Timeout, "no answer to " + method + " within " + seconds(timeout));
    if (pending->error) throw *pending->error;
    return std::move(*pending->result);
}

void McpClient::notify(const std::string & method, json params) {
    m_transport->send(JsonRpc::makeNotification(method, params));
}

void McpClient::ping(const RequestOptions & options) {
    request("ping", json::object(), options);
}

std::vector<ToolInfo> McpClient::listTools(const RequestOptions & options) {
    std::vector<ToolInfo> tools;
    std::set<std::string> names;
    std::set<std::string> cursors;
    std::optional<std::string> cursor;
    for (int page = 0;; ++page) {
        if (page >= m_options.maxToolPages)
            throw McpError(McpErrorKind::Protocol,
                           "tools/list has more than " + std::to_string(m_options.maxToolPages) + " pages");
        json params = json::object();
        if (cursor) params["cursor"] = *cursor;
        const json result = request("tools/list", params, options);
        const auto list = result.is_object() ? result.find("tools") : result.end();
        if (!result.is_object() || list == result.end() || !list->is_array())
            throw McpError(McpErrorKind::Protocol, "the tools/list result has no `tools` array");
        for (const json & t : *list) {
            ToolInfo info;
            if (!t.is_object() || (info.name = stringField(t, "name")).empty()) continue;
            if (!names.insert(info.name).second) continue;
            if (tools.size() >= m_options.maxTools)
                throw McpError(McpErrorKind::Protocol,
                               "the server lists more than " + std::to_string(m_options.maxTools) + " tools");
            info.title = stringField(t, "title");
            info.description = stringField(t, "description");
            const auto schema = t.find("inputSchema");
            info.inputSchema = schema != t.end() && schema->is_object() ? *schema : json{{"type", "object"}};
            const auto output = t.find("outputSchema");
            if (output != t.end() && output->is_object()) info.outputSchema = *output;
            info.raw = t;
            tools.push_back(std::move(info));
        }
        const auto next = result.find("nextCursor");
        if (next == result.end() || next->is_null()) return tools;
        if (!next->is_string()) throw McpError(McpErrorKind::Protocol, "tools/list: `nextCursor` is not a string");
        if (!cursors.insert(next->get<std::string>()).second)
            throw McpError(McpErrorKind::Protocol, "tools/list repeated a cursor");
        cursor = next->get<std::string>();
    }
}

json McpClient::callTool(const std::string & name, const json & arguments, const RequestOptions & options) {
    if (name.empty()) throw McpError(McpErrorKind::Usage, "the tool name is empty");
    if (!arguments.is_null() && !arguments.is_object())
        throw McpError(McpErrorKind::Usage, "the arguments of " + name + " must be a JSON object");
    json result = request("tools/call",
                          {{"name", name}, {"arguments", arguments.is_null() ? json::object() : arguments}}, options);
    if (!result.is_object()) throw McpError(McpErrorKind::Protocol, "the tools/call result is not an object");
    const auto content = result.find("content");
    if (content != result.end() && !content->is_array())
        throw McpError(McpErrorKind::Protocol, "the tools/call result's `content` is not an array");
    return result;
}

void McpClient::onMessage(json message) {
    switch (JsonRpc::classify(message)) {
        case JsonRpc::MessageKind::Response:
            return onResponse(message);
        case JsonRpc::MessageKind::Request:
            return onServerRequest(message);
        case JsonRpc::MessageKind::Notification:
            return onNotification(message);
        case JsonRpc::MessageKind::Invalid:
            ++m_dropped;
            return;
    }
}

void McpClient::onResponse(const json & message) {
    const json & id = message["id"];
    if (!id.is_number_integer()) return;  // not one of ours (ours are integers)
    const long long key = id.get<long long>();
    const auto error = message.find("error");
    if (error == message.end()) return finish(key, message["result"], std::nullopt);
    std::string method;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_pending.find(key);
        if (it != m_pending.end()) method = it->second->method;
    }
    const auto code = error->find("code");
    finish(key, std::nullopt,
           McpError(
               McpErrorKind::Remote, "the server answered " + method + " with error " + JsonRpc::describeError(*error),
               code != error->end() && code->is_number_integer() ? code->get<int>() : 0, error->value("data", json())));
}

void McpClient::onServerRequest(const json & message) {
    const std::string method = message["method"];
    if (method == "ping") return sendQuietly(JsonRpc::makeResult(message["id"], json::object()));
    // Hearth declares no client capabilities (roots, sampling, elicitation), so a conforming server asks for none.
    sendQuietly(JsonRpc::makeError(message["id"], JsonRpc::kMethodNotFound, "Hearth does not support " + method));
}

void McpClient::onNotification(const json & message) {
    const std::string method = message["method"];
    const json params = message.value("params", json::object());
    if (method == "notifications/progress") {
        const auto token = params.find("progressToken");
        const auto progress = params.find("progress");
        if (token == params.end() || !token->is_number_integer() || progress == params.end() || !progress->is_number())
            return;
        std::function<void(const Progress &)> fn;
        {
            std::lock_guard lock(m_mutex);
            const auto it = m_pending.find(token->get<long long>());
            if (it == m_pending.end()) return;
            it->second->lastProgress = Clock::now();
            fn = it->second->onProgress;
        }
        Progress p;
        p.progress = progress->get<double>();
        const auto total = params.find("total");
        if (total != params.end() && total->is_number()) p.total = total->get<double>();
        p.message = stringField(params, "message");
        if (fn) fn(p);
    } else if (method == "notifications/tools/list_changed") {
        if (m_onToolsChanged) m_onToolsChanged();
    } else if (method == "notifications/message") {
        if (m_onLog)
            m_onLog(stringField(params, "level"), stringField(params, "logger"),
                    params.value("data", json()).dump(-1, ' ', false, json::error_handler_t::replace));
    }
    // notifications/cancelled: the server withdraws a request of its own; Hearth answers pings at once, so
    // there is nothing to stop.
}

void McpClient::onRequestFailed(const json & id, const std::string & why) {
    if (!id.is_number_integer()) return;
    const long long key = id.get<long long>();
    McpErrorKind kind = McpErrorKind::Closed;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_pending.find(key);
        if (it != m_pending.end() && it->second->method == "initialize") kind = McpErrorKind::Start;
    }
    finish(key, std::nullopt, McpError(kind, why));
}

void McpClient::onTransportClosed(const std::string & why) {
    {
        std::lock_guard lock(m_mutex);
        m_open = false;
        m_closedWhy = why;
    }
    // The owner hears of it before the open requests fail, so whoever wakes from one sees the new state.
    if (m_onClosed) m_onClosed(why);
    failAll(McpError(McpErrorKind::Closed, why));
}

void McpClient::finish(long long id, std::optional<json> result, std::optional<McpError> error) {
    std::lock_guard lock(m_mutex);
    const auto it = m_pending.find(id);
    if (it == m_pending.end()) return;  // a late answer to a request that timed out
    Pending & p = *it->second;
    p.result = std::move(result);
    p.error = std::move(error);
    p.done = true;
    p.cv.notify_all();
    m_pending.erase(it);
}

void McpClient::failAll(const McpError & error) {
    std::lock_guard lock(m_mutex);
    for (auto & [id, p] : m_pending) {
        p->error = error;
        p->done = true;
        p->cv.notify_all();
    }
    m_pending.clear();
}

void McpClient::sendQuietly(const json & message) {
    try {
        m_transport->send(message);
    } catch (const McpError &) {
        // The connection is gone; whoever waits learns it from the close.
    }
}

}  // namespace Hearth::Mcp
