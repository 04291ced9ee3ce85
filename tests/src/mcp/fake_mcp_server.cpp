// A scripted MCP server over stdio for the client's tests: a well-behaved
// server with tools that exercise every feature (pagination, progress,
// cancellation, server pings, list_changed, every content type), and modes
// that misbehave (hang, malformed output, floods, deep JSON, early exit).
//
//   fake_mcp_server [--mode MODE] [--tools N]
//   MODE: normal | hang | malformed | flood-forever | bad-version | exit-at-start | no-read
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

extern char ** environ;

using nlohmann::json;

namespace {

std::string g_mode = "normal";
int g_toolCount = 8;  // tools/list pages hold 3 each
std::mutex g_out;
std::mutex g_state;
std::condition_variable g_pong;
bool g_gotPong = false;
std::set<std::string> g_cancelled;
std::vector<std::string> g_seen;
std::vector<std::string> g_argv;

void writeRaw(const std::string & text) {
    std::lock_guard lock(g_out);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

void send(const json & m) {
    writeRaw(m.dump() + "\n");
}

void result(const json & id, const json & r) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"result", r}});
}

void error(const json & id, int code, const std::string & message) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

json text(const std::string & t) {
    return {{"content", json::array({{{"type", "text"}, {"text", t}}})}};
}

json toolList() {
    static const char * const names[] = {"echo", "add",  "image", "fail",  "slow",         "ping_client", "change",
                                         "seen", "exit", "deep",  "flood", "stderr_flood", "env",         "argv"};
    json tools = json::array();
    for (const char * n : names)
        tools.push_back({{"name", n},
                         {"description", std::string("The ") + n + " tool"},
                         {"inputSchema", {{"type", "object"}, {"properties", json::object()}}}});
    for (int i = 0; i < g_toolCount; ++i)
        tools.push_back({{"name", "extra_" + std::to_string(i)}, {"inputSchema", {{"type", "object"}}}});
    return tools;
}

void slow(json id, json args, json token) {
    const int ms = args.value("ms", 1000);
    const int steps = args.value("steps", 5);
    const std::string key = id.dump();
    for (int i = 1; i <= steps; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms / steps));
        {
            std::lock_guard lock(g_state);
            if (g_cancelled.count(key)) return;  // a cancelled request gets no answer
        }
        if (!token.is_null())
            send({{"jsonrpc", "2.0"},
                  {"method", "notifications/progress"},
                  {"params", {{"progressToken", token}, {"progress", i}, {"total", steps}, {"message", "step"}}}});
    }
    result(id, text("done after " + std::to_string(ms) + " ms"));
}

void pingClient(json id) {
    send({{"jsonrpc", "2.0"}, {"id", "srv-ping-1"}, {"method", "ping"}});
    std::unique_lock lock(g_state);
    const bool got = g_pong.wait_for(lock, std::chrono::seconds(5), [] { return g_gotPong; });
    lock.unlock();
    result(id, text(got ? "pong" : "no pong"));
}

void callTool(const json & id, const json & params) {
    const std::string name = params.value("name", "");
    const json args = params.value("arguments", json::object());
    const json token = params.contains("_meta") ? params["_meta"].value("progressToken", json()) : json();
    if (name == "echo") return result(id, text("Echo: " + args.value("message", "")));
    if (name == "add") return result(id, text(std::to_string(args.value("a", 0) + args.value("b", 0))));
    if (name == "image" && args.value("png", false)) {
        // A real 32x32 PNG (an orange gradient), for the app's inline image cards.
        static const char * const png =
            "iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAIAAAD8GO2jAAAD00lEQVR42u3WscpwUACA4e++"
            "DAaDwWAwGAwGg8Fg8NUpEnWKRJ2iE3VKKaWU+3ov43cJxn/4LuDpXd8ffi2ERWlRW7QW0qKzGCwmC2UxW2iLzcJY7BaHxWlxWdwWj/XF/"
            "vBrI2xKm9qmtZE2nc1gM9kom9lG22w2xma3OWxOm8vmtnnsL/"
            "YNOAiH0qF2aB2kQ+cwOEwOymF20A6bg3HYHQ6H0+FyuB0e54t9Ay7CpXSpXVoX6dK5DC6Ti3KZXbTL5mJcdpfD5XS5XG6Xx/"
            "1i34CH8Cg9ao/WQ3p0HoPH5KE8Zg/tsXkYj93j8Dg9Lo/b4/G+2DfgI3xKn9qn9ZE+nc/gM/kon9lH+2w+xmf3OXxOn8vn9nn8L/"
            "YNBIiAMqAOaANkQBcwBEwBKmAO0AFbgAnYA46AM+AKuAOe4It9AyEipAypQ9oQGdKFDCFTiAqZQ3TIFmJC9pAj5Ay5Qu6QJ/"
            "xi30CEiCgj6og2QkZ0EUPEFKEi5ggdsUWYiD3iiDgjrog74om+2DcQI2LKmDqmjZExXcwQM8WomDlGx2wxJmaPOWLOmCvmjnniL/"
            "YNJIiEMqFOaBNkQpcwJEwJKmFO0AlbgknYE46EM+FKuBOe5It9AykipUypU9oUmdKlDClTikqZU3TKlmJS9pQj5Uy5Uu6UJ/"
            "1i30CGyCgz6ow2Q2Z0GUPGlKEy5gydsWWYjD3jyDgzrow748m+2DeQI3LKnDqnzZE5Xc6QM+WonDlH52w5JmfPOXLOnCvnznnyL/"
            "YNFIiCsqAuaAtkQVcwFEwFqmAu0AVbgSnYC46Cs+AquAue4ot9AwIhKAW1oBVIQScYBJNACWaBFmwCI9gFh+"
            "AUXIJb8Igv9g1UiIqyoq5oK2RFVzFUTBWqYq7QFVuFqdgrjoqz4qq4K57qi30DDaKhbKgb2gbZ0DUMDVODapgbdMPWYBr2hqPhbLga7oan"
            "+WLfgERISkktaSVS0kkGySRRklmiJZvESHbJITkll+SWPPKLfQM9oqfsqXvaHtnT9Qw9U4/qmXt0z9Zjevaeo+fsuXrunqf/Yt/"
            "AiBgpR+qRdkSOdCPDyDSiRuYRPbKNmJF95Bg5R66Re+QZv9g3oBCKUlErWoVUdIpBMSmUYlZoxaYwil1xKE7FpbgVj/"
            "pi38CCWCgX6oV2QS50C8PCtKAW5gW9sC2YhX3hWDgXroV74Vm+2DewIlbKlXqlXZEr3cqwMq2olXlFr2wrZmVfOVbOlWvlXnnWL/"
            "YNGIShNNSG1iANnWEwTAZlmA3asBmMYTcchtNwGW7DY77Yn7/x+huv/3+8/gGn81zqqPCs6AAAAABJRU5ErkJggg==";
        return result(id, {{"content", json::array({{{"type", "text"}, {"text", "A gradient:"}},
                                                    {{"type", "image"}, {"data", png}, {"mimeType", "image/png"}}})}});
    }
    if (name == "image") {
        return result(
            id,
            {{"content",
              json::array({{{"type", "image"}, {"data", "iVBORw0KGgo="}, {"mimeType", "image/png"}},
                           {{"type", "audio"}, {"data", "UklGRg=="}, {"mimeType", "audio/wav"}},
                           {{"type", "resource"},
                            {"resource", {{"uri", "file:///a.txt"}, {"mimeType", "text/plain"}, {"text", "hello"}}}},
                           {{"type", "resource_link"}, {"uri", "file:///b.txt"}, {"name", "b"}}})},
             {"structuredContent", {{"value", 42}}},
             {"isError", false},
             {"_meta", {{"x", 1}}}});
    }
    if (name == "fail")
        return result(id, {{"content", json::array({{{"type", "text"}, {"text", "it failed"}}})}, {"isError", true}});
    if (name == "slow") return std::thread(slow, id, args, token).detach();
    if (name == "ping_client") return std::thread(pingClient, id).detach();
    if (name == "change") {
        send({{"jsonrpc", "2.0"}, {"method", "notifications/tools/list_changed"}});
        return result(id, text("changed"));
    }
    if (name == "seen") {
        std::lock_guard lock(g_state);
        return result(
            id, {{"content", json::array()}, {"structuredContent", {{"seen", g_seen}, {"cancelled", g_cancelled}}}});
    }
    if (name == "exit") {
        std::fprintf(stderr, "fatal: exiting on request\n");
        std::fflush(stderr);
        std::_Exit(args.value("code", 3));
    }
    if (name == "deep") {
        const int depth = args.value("depth", 10000);
        std::string deep = std::string(size_t(depth), '[') + std::string(size_t(depth), ']');
        writeRaw("{\"jsonrpc\":\"2.0\",\"id\":" + id.dump() + ",\"result\":{\"content\":" + deep + "}}\n");
        return;
    }
    if (name == "flood") {
        const long mb = args.value("mb", 16);
        std::string junk(1 << 20, 'x');  // 1 MiB lines of junk, then a long run of short bad lines
        for (long i = 0; i < mb; ++i) writeRaw(junk + (i % 2 ? "\n" : ""));
        writeRaw("\n");
        std::string shortLines;
        for (int i = 0; i < 20000; ++i) shortLines += "not json " + std::to_string(i) + "\n";
        writeRaw(shortLines);
        return result(id, text("after the flood"));
    }
    if (name == "stderr_flood") {
        const long kb = args.value("kb", 1024);
        std::string line(1023, 'e');
        line += '\n';
        for (long i = 0; i < kb; ++i) std::fwrite(line.data(), 1, line.size(), stderr);
        std::fflush(stderr);
        return result(id, text("flooded stderr"));
    }
    if (name == "env") {
        const char * v = std::getenv(args.value("name", "").c_str());
        char cwd[4096];
        return result(id, {{"content", json::array()},
                           {"structuredContent",
                            {{"value", v ? json(v) : json()}, {"cwd", getcwd(cwd, sizeof cwd) ? cwd : ""}}}});
    }
    if (name == "argv") return result(id, {{"content", json::array()}, {"structuredContent", {{"argv", g_argv}}}});
    if (name.rfind("extra_", 0) == 0) return result(id, text(name));
    error(id, -32602, "Unknown tool: " + name);
}

void handle(const json & m) {
    if (!m.contains("method")) {  // a response to our ping
        if (m.value("id", json()) == "srv-ping-1") {
            std::lock_guard lock(g_state);
            g_gotPong = m.contains("result");
            g_pong.notify_all();
        }
        return;
    }
    const std::string method = m["method"];
    if (!m.contains("id")) {
        std::lock_guard lock(g_state);
        g_seen.push_back(method);
        if (method == "notifications/cancelled") g_cancelled.insert(m["params"]["requestId"].dump());
        return;
    }
    const json id = m["id"];
    if (g_mode == "malformed") {
        writeRaw(
            "this is not json\n{\"jsonrpc\":\"2.0\",\"id\":\n[1,2,3]\n{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":{}}\n");
        writeRaw("{\"jsonrpc\":\"2.0\",\"id\":999999,\"result\":{}}\n\n   \n");
    }
    if (method == "initialize") {
        const std::string asked = m["params"].value("protocolVersion", "");
        std::string version =
            asked == "2025-06-18" || asked == "2025-03-26" || asked == "2024-11-05" ? asked : "2025-06-18";
        if (g_mode == "bad-version") version = "1999-01-01";
        result(id, {{"protocolVersion", version},
                    {"capabilities", {{"tools", {{"listChanged", true}}}}},
                    {"serverInfo", {{"name", "fake"}, {"version", "1.0"}}},
                    {"instructions", "be nice"}});
        if (g_mode == "flood-forever") {
            std::string junk(65536, 'z');
            junk += '\n';
            for (;;) writeRaw(junk);
        }
        return;
    }
    if (method == "ping") return result(id, json::object());
    if (method == "tools/list") {
        const json all = toolList();
        size_t start = 0;
        if (m.contains("params") && m["params"].contains("cursor"))
            start = std::stoul(m["params"]["cursor"].get<std::string>().substr(5));
        json page = json::array();
        for (size_t i = start; i < all.size() && i < start + 3; ++i) page.push_back(all[i]);
        json r = {{"tools", page}};
        if (start + 3 < all.size()) r["nextCursor"] = "page-" + std::to_string(start + 3);
        return result(id, r);
    }
    if (method == "tools/call") return callTool(id, m.value("params", json::object()));
    error(id, -32601, "Method not found: " + method);
}

}  // namespace

int main(int argc, char ** argv) {
    for (int i = 0; i < argc; ++i) g_argv.push_back(argv[i]);
    for (int i = 1; i + 1 < argc; ++i) {
        if (!std::strcmp(argv[i], "--mode")) g_mode = argv[i + 1];
        if (!std::strcmp(argv[i], "--tools")) g_toolCount = std::atoi(argv[i + 1]);
    }
    if (g_mode == "exit-at-start") {
        std::fprintf(stderr, "cannot start: missing API key\n");
        return 5;
    }
    if (g_mode == "hang" || g_mode == "no-read") {
        signal(SIGTERM, SIG_IGN);  // only SIGKILL stops it
        if (g_mode == "hang")
            for (std::string line; std::getline(std::cin, line);) {
            }
        for (;;) pause();
    }
    for (std::string line; std::getline(std::cin, line);) {
        const json m = json::parse(line, nullptr, false);
        if (m.is_object()) handle(m);
    }
    return 0;
}
