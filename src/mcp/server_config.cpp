#include "mcp/server_config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "mcp/bounded_json.h"
#include "mcp/mcp_error.h"

namespace Hearth::Mcp {

using nlohmann::json;

namespace {

constexpr size_t kMaxConfigBytes = 4u << 20;

std::string typeName(const json & v) {
    switch (v.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return "an array";
        case json::value_t::string:
            return "a string";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::binary:
            return "binary data";
        case json::value_t::discarded:
            return "nothing";
        default:
            return "a number";
    }
}

bool hasControl(const std::string & s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

bool isHeaderToken(const std::string & s) {
    static const char * const extra = "!#$%&'*+-.^_`|~";
    return !s.empty() && std::all_of(s.begin(), s.end(),
                                     [](unsigned char c) { return std::isalnum(c) || (c && std::strchr(extra, c)); });
}

// Reads one server's entry; appends errors prefixed with `where`.
class ServerReader {
public:
    ServerReader(const std::string & where, std::vector<std::string> & errors) : m_where(where), m_errors(errors) {}

    void fail(const std::string & field, const std::string & what) {
        m_errors.push_back(m_where + (field.empty() ? "" : "." + field) + ": " + what);
    }
    bool expect(const json & v, json::value_t type, const std::string & field, const char * expected) {
        const bool ok = v.type() == type || (type == json::value_t::number_float && v.is_number());
        if (!ok) fail(field, std::string("expected ") + expected + ", got " + typeName(v));
        return ok;
    }
    std::optional<std::string> string(const json & obj, const char * key, bool nonEmpty = true) {
        const auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) return std::nullopt;
        if (!expect(*it, json::value_t::string, key, "a string")) return std::nullopt;
        std::string s = *it;
        if (nonEmpty && s.empty()) {
            fail(key, "must not be empty");
            return std::nullopt;
        }
        return s;
    }
    std::optional<bool> boolean(const json & obj, const char * key) {
        const auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) return std::nullopt;
        if (!expect(*it, json::value_t::boolean, key, "true or false")) return std::nullopt;
        return it->get<bool>();
    }
    std::vector<std::string> stringList(const json & obj, const char * key) {
        std::vector<std::string> out;
        const auto it = obj.find(key);
        if (it == obj.end() || it->is_null() || !expect(*it, json::value_t::array, key, "an array of strings"))
            return out;
        for (size_t i = 0; i < it->size(); ++i) {
            const std::string field = std::string(key) + "[" + std::to_string(i) + "]";
            if (expect((*it)[i], json::value_t::string, field, "a string")) out.push_back((*it)[i]);
        }
        return out;
    }
    std::map<std::string, std::string> stringMap(const json & obj, const char * key, bool headers) {
        std::map<std::string, std::string> out;
        const auto it = obj.find(key);
        if (it == obj.end() || it->is_null() || !expect(*it, json::value_t::object, key, "an object of strings"))
            return out;
        for (const auto & [k, v] : it->items()) {
            const std::string field = std::string(key) + "." + k;
            if (!expect(v, json::value_t::string, field, "a string")) continue;
            const std::string value = v;
            if (headers && !isHeaderToken(k))
                fail(field, "is not a valid HTTP header name");
            else if (headers && (value.find('\r') != std::string::npos || value.find('\n') != std::string::npos))
                fail(field, "must not contain a line break");
            else if (!headers && (k.empty() || k.find('=') != std::string::npos || k.find('\0') != std::string::npos))
                fail(field, "is not a valid environment variable name");
            else if (!headers && value.find('\0') != std::string::npos)
                fail(field, "must not contain a NUL character");
            else
                out[k] = value;
        }
        return out;
    }

private:
    std::string m_where;
    std::vector<std::string> & m_errors;
};

std::optional<ServerTransport> transportFromType(const std::string & type) {
    if (type == "stdio") return ServerTransport::Stdio;
    if (type == "http" || type == "streamable-http" || type == "streamableHttp" || type == "streamable_http")
        return ServerTransport::Http;
    if (type == "sse") return ServerTransport::Sse;
    return std::nullopt;
}

bool httpUrl(const std::string & url) {
    const auto lower = [&](size_t n) {
        std::string s = url.substr(0, n);
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        return s;
    };
    return (lower(7) == "http://" && url.size() > 7) || (lower(8) == "https://" && url.size() > 8);
}

std::optional<ServerConfig> readServer(const std::string & topKey, const std::string & name, const json & entry,
                                       std::vector<std::string> & errors) {
    ServerReader r(topKey + "." + name, errors);
    const size_t before = errors.size();
    if (name.empty() || name.size() > 128 || hasControl(name))
        r.fail("", "a server's name must be 1 to 128 printable characters");
    if (!r.expect(entry, json::value_t::object, "", "an object")) return std::nullopt;

    ServerConfig s;
    s.name = name;
    const auto type = r.string(entry, "type");
    std::optional<ServerTransport> declared;
    if (type && !(declared = transportFromType(*type)))
        r.fail("type", "unknown transport '" + *type + "' (expected stdio, http, streamable-http or sse)");
    const auto command = r.string(entry, "command");
    auto url = r.string(entry, "url");
    if (!url) url = r.string(entry, "baseUrl");  // Cherry Studio
    if (command && url) r.fail("", "has both `command` (stdio) and `url` (HTTP); keep one");
    if (!command && !url && errors.size() == before)
        r.fail("", "needs `command` (a program to run over stdio) or `url` (an HTTP endpoint)");
    if (declared == ServerTransport::Stdio && url && !command)
        r.fail("type", "is \"stdio\" but the server has a `url`");
    if (declared && *declared != ServerTransport::Stdio && command && !url)
        r.fail("type", "is \"" + *type + "\" but the server has a `command` and no `url`");

    if (command) {
        s.transport = ServerTransport::Stdio;
        s.command = *command;
        s.args = r.stringList(entry, "args");
        s.env = r.stringMap(entry, "env", false);
        s.cwd = r.string(entry, "cwd").value_or("");
    } else if (url) {
        s.transport = declared == ServerTransport::Sse ? ServerTransport::Sse : ServerTransport::Http;
        if (!httpUrl(*url) || hasControl(*url) || url->find(' ') != std::string::npos)
            r.fail(entry.contains("url") ? "url" : "baseUrl",
                   "'" + url->substr(0, 200) + "' is not an http:// or https:// URL");
        s.url = *url;
        s.headers = r.stringMap(entry, "headers", true);
    }
    if (const auto disabled = r.boolean(entry, "disabled")) s.disabled = *disabled;
    if (const auto active = r.boolean(entry, "isActive")) s.disabled = s.disabled || !*active;
    const auto timeout = entry.find("timeout");
    if (timeout != entry.end() && !timeout->is_null() &&
        r.expect(*timeout, json::value_t::number_float, "timeout", "a number of seconds")) {
        const double sec = timeout->get<double>();
        if (!(sec > 0 && sec <= 86400))
            r.fail("timeout", "must be between 0 and 86400 seconds");
        else
            s.timeout = std::chrono::milliseconds(static_cast<long long>(sec * 1000));
    }
    if (errors.size() != before) return std::nullopt;
    return s;
}

}  // namespace

const ServerConfig * McpConfig::find(const std::string & name) const {
    const auto it =
        std::find_if(servers.begin(), servers.end(), [&](const ServerConfig & s) { return s.name == name; });
    return it == servers.end() ? nullptr : &*it;
}

const char * serverTransportName(ServerTransport transport) {
    switch (transport) {
        case ServerTransport::Stdio:
            return "stdio";
        case ServerTransport::Http:
            return "http";
        case ServerTransport::Sse:
            return "sse";
    }
    return "?";
}

McpConfigParse parseMcpConfig(std::string_view text) {
    McpConfigParse out;
    BoundedParse parsed = parseBoundedJson(text, JsonLimits{kMaxConfigBytes, 32});
    if (!parsed.value) {
        out.errors.push_back("the config is not valid JSON: " + parsed.error);
        return out;
    }
    const json & root = *parsed.value;
    if (!root.is_object()) {
        out.errors.push_back("the config must be a JSON object with \"mcpServers\", got " + typeName(root));
        return out;
    }
    const char * topKey = root.contains("mcpServers") ? "mcpServers" : root.contains("servers") ? "servers" : nullptr;
    if (!topKey) {
        out.errors.push_back("the config has no \"mcpServers\" object");
        return out;
    }
    const json & servers = root[topKey];
    if (!servers.is_object()) {
        out.errors.push_back(std::string(topKey) + ": expected an object of servers, got " + typeName(servers));
        return out;
    }
    for (const auto & [name, entry] : servers.items())
        if (auto s = readServer(topKey, name, entry, out.errors)) out.config.servers.push_back(std::move(*s));
    return out;
}

McpConfig loadMcpConfig(const std::string & path) {
    std::FILE * f = std::fopen(path.c_str(), "rbe");
    if (!f) throw McpError(McpErrorKind::Config, "cannot read the MCP config " + path + ": " + std::strerror(errno));
    std::string text;
    char buf[65536];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() <= kMaxConfigBytes) text.append(buf, n);
    const bool failed = std::ferror(f);
    std::fclose(f);
    if (failed) throw McpError(McpErrorKind::Config, "cannot read the MCP config " + path);
    if (text.size() > kMaxConfigBytes)
        throw McpError(McpErrorKind::Config, "the MCP config " + path + " is larger than 4 MiB");
    McpConfigParse parsed = parseMcpConfig(text);
    if (parsed.ok()) return std::move(parsed.config);
    std::string message = "the MCP config " + path + " is invalid:";
    for (const std::string & e : parsed.errors) message += "\n  " + e;
    throw McpError(McpErrorKind::Config, message);
}

}  // namespace Hearth::Mcp
