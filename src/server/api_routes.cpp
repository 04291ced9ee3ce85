#include "server/api_routes.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "server/api_error.h"
#include "server/completion_reply.h"
#include "server/completion_request.h"
#include "server/gated_http_server.h"
#include "server/generation_run.h"
#include "server/request_checks.h"

namespace Hearth::Server {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kPoll = 250ms;         // how often a waiting writer checks the run and the server
constexpr auto kHeartbeat = 1000ms;   // silence after which a liveness probe is written
constexpr auto kWholeReplyWait = 1s;  // a non-streaming reply done by then gets a plain response

void sendError(httplib::Response & res, const ApiError & e) {
    sendJson(res, e.status(), e.toJson());
}

// A content provider runs on an HTTP thread outside any handler's try block:
// an exception there would end the process, so it ends the response instead.
template <typename Fn>
httplib::ContentProviderWithoutLength guarded(Fn fn) {
    return [fn = std::move(fn)](size_t, httplib::DataSink & sink) mutable {
        try {
            return fn(sink);
        } catch (const std::exception & e) {
            std::fprintf(stderr, "hearth server: response aborted: %s\n", e.what());
            return false;
        }
    };
}

// A body whose length is unknown up front: chunked for HTTP/1.1 clients;
// HTTP/1.0 has no chunked encoding, so there the body runs until the close.
void setUnlengthedContent(const httplib::Request & req, httplib::Response & res, const char * type,
                          httplib::ContentProviderWithoutLength provider) {
    if (req.version != "HTTP/1.0") {
        res.set_chunked_content_provider(type, std::move(provider));
        return;
    }
    res.set_content_provider(type, std::move(provider));
    res.set_header("Connection", "close");
    currentRequest().closeAfter = true;
}

bool constantTimeEquals(const std::string & a, const std::string & b) {
    // Compares every byte whatever the first mismatch, so the time taken does
    // not tell an attacker how much of a guessed key was right.
    if (a.size() != b.size() || b.empty()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace

void sendJson(httplib::Response & res, int status, const nlohmann::json & body) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

// One admitted completion: its run, its reply, and its place in the count of
// pending requests (released when the response object lets go of it).
struct ApiRoutes::Pending {
    Pending(std::shared_ptr<std::atomic<int>> counter, const CompletionRequest & request, const std::string & model)
        : counter(std::move(counter)), reply(request, model) {}
    ~Pending() {
        if (run && !reply.finished()) run->cancel();  // the client left, or the server stops
        counter->fetch_sub(1);
    }
    std::shared_ptr<std::atomic<int>> counter;
    std::shared_ptr<GenerationRun> run;
    CompletionReply reply;
    Clock::time_point lastWrite = Clock::now();
    bool started = false;
};

ApiRoutes::ApiRoutes(EngineAdapter & engine, const ServerConfig & config, const std::atomic<bool> & stopping)
    : m_engine(engine),
      m_config(config),
      m_stopping(stopping),
      m_pending(std::make_shared<std::atomic<int>>(0)),
      m_loopbackOnly(isLoopbackAddress(config.host)) {}

void ApiRoutes::install(httplib::Server & server) {
    server.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request & req, httplib::Response & res) {
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;  // a route's own error object
            if (res.status == 413)
                sendError(res, ApiError(413, "The request body is larger than this server accepts.",
                                        "invalid_request_error", {}, "request_too_large"));
            else if (res.status == 404)
                sendError(res, ApiError(404, "Unknown endpoint: " + req.method + " " + req.path + ".",
                                        "invalid_request_error", {}, "unknown_url"));
            else
                sendError(res, ApiError(res.status,
                                        "The request could not be handled (HTTP " + std::to_string(res.status) + ").",
                                        "invalid_request_error"));
            return httplib::Server::HandlerResponse::Handled;
        }));
    auto get = [this](auto method) {
        return [this, method](const httplib::Request & req, httplib::Response & res) { (this->*method)(req, res); };
    };
    for (const char * prefix : {"", "/v1"}) {
        const std::string p = prefix;
        server.Get(p + "/models", get(&ApiRoutes::models));
        server.Get(p + "/models/(.+)", get(&ApiRoutes::model));
        server.Get(p + "/health", get(&ApiRoutes::health));
        server.Post(p + "/chat/completions",
                    [this](const httplib::Request & req, httplib::Response & res) { completion(req, res, true); });
        server.Post(p + "/completions",
                    [this](const httplib::Request & req, httplib::Response & res) { completion(req, res, false); });
    }
    server.Get("/props", get(&ApiRoutes::props));
}

httplib::Server::HandlerResponse ApiRoutes::preRoute(const httplib::Request & req, httplib::Response & res) const {
    const std::string origin = req.get_header_value("Origin");
    const auto & allowed = m_config.corsOrigins;
    const bool any = std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
    if (!origin.empty() && (any || std::find(allowed.begin(), allowed.end(), origin) != allowed.end())) {
        res.set_header("Access-Control-Allow-Origin", any ? "*" : origin);
        if (!any) res.set_header("Vary", "Origin");
        res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
        res.set_header("Access-Control-Max-Age", "86400");
    }
    if (m_loopbackOnly && !hostIsLoopback(req.get_header_value("Host"))) {
        // DNS rebinding: a web page whose name now resolves to 127.0.0.1
        // still sends its own name as Host.
        sendError(res, ApiError(403,
                                "The Host header '" + req.get_header_value("Host") +
                                    "' is not allowed: this server listens on loopback and answers only requests "
                                    "addressed to 127.0.0.1, localhost or [::1]. Start it with --host to serve "
                                    "other names.",
                                "invalid_request_error", {}, "host_not_allowed"));
        return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method == "OPTIONS") {  // preflight: browsers send no credentials with it
        res.status = 204;
        return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method == "POST") {
        // Here, before httplib reads the body (it would parse a multipart one).
        try {
            requireJsonContentType(req.get_header_value("Content-Type"));
        } catch (const ApiError & e) {
            sendError(res, e);
            return httplib::Server::HandlerResponse::Handled;
        }
    }
    if (m_config.apiKey.empty() || req.path == "/health" || req.path == "/v1/health")
        return httplib::Server::HandlerResponse::Unhandled;
    const std::string auth = req.get_header_value("Authorization");
    const std::optional<std::string> token = bearerToken(auth);
    if (!token || !constantTimeEquals(*token, m_config.apiKey)) {
        sendError(res, ApiError(401,
                                auth.empty() ? "Missing API key: send it as 'Authorization: Bearer <key>'."
                                             : "Incorrect API key provided.",
                                "invalid_request_error", {}, "invalid_api_key"));
        return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
}

nlohmann::json ApiRoutes::servedModelJson() const {
    const ServedModel & m = m_engine.model();
    return {
        {"id", m.id},
        {"object", "model"},
        {"created", m.created},
        {"owned_by", "hearth"},
        {"meta", {{"loaded", true}, {"n_ctx", m.nCtx}, {"n_ctx_train", m.nCtxTrain}, {"description", m.description}}}};
}

// Only the loaded model is selectable: it is the one model requests may name
// (a model is not loaded on request). The rest of the user's library is
// listed apart, under "library", for clients that want to show it.
void ApiRoutes::models(const httplib::Request &, httplib::Response & res) const {
    const ServedModel & m = m_engine.model();
    nlohmann::json library = nlohmann::json::array();
    for (const LibraryModel & l : m_config.library) {
        if (l.path == m.path) continue;
        library.push_back({{"id", l.id}, {"created", l.created}, {"size", l.sizeBytes}, {"loaded", false}});
    }
    sendJson(
        res, 200,
        {{"object", "list"}, {"data", nlohmann::json::array({servedModelJson()})}, {"library", std::move(library)}});
}

void ApiRoutes::model(const httplib::Request & req, httplib::Response & res) const {
    const std::string id = req.matches.size() > 1 ? std::string(req.matches[1]) : std::string();
    if (!m_engine.model().matches(id)) {
        sendError(
            res,
            ApiError(404, "The model '" + id + "' does not exist; this server serves '" + m_engine.model().id + "'.",
                     "invalid_request_error", "model", "model_not_found"));
        return;
    }
    sendJson(res, 200, servedModelJson());
}

void ApiRoutes::health(const httplib::Request &, httplib::Response & res) const {
    sendJson(res, 200, {{"status", "ok"}});
}

void ApiRoutes::props(const httplib::Request &, httplib::Response & res) const {
    const ServedModel & m = m_engine.model();
    const hearth::SamplerParams defaults;
    sendJson(res, 200,
             {{"model", m.id},
              {"model_path", fileName(m.path)},  // the name only: a page must not learn the user's folders
              {"description", m.description},
              {"n_ctx", m.nCtx},
              {"total_slots", m.parallel},
              {"chat_template", m.chatTemplate->source()},
              {"chat_template_source",
               m.templateFromModel ? "model" : (m.chatTemplate->is_fallback() ? "chatml-fallback" : "file")},
              {"tool_call_format", hearth::tool_call_format_name(m.toolFormat)},
              {"bos_token", m.special.bos},
              {"eos_token", m.special.eos},
              {"default_generation_settings",
               {{"n_ctx", m.nCtx},
                {"n_predict", m_config.nPredict},
                {"temperature", defaults.temperature},
                {"top_k", defaults.top_k},
                {"top_p", defaults.top_p},
                {"min_p", defaults.min_p}}}});
}

void ApiRoutes::completion(const httplib::Request & req, httplib::Response & res, bool chat) {
    std::shared_ptr<Pending> p;
    try {
        const nlohmann::json body = parseJsonBody(req.body);
        const ServedModel & model = m_engine.model();
        CompletionRequest request =
            chat ? parseChatCompletion(body, model, req.body) : parseTextCompletion(body, model, req.body);
        if (m_config.nPredict > 0)  // the server's cap (--n-predict), under the request's own
            request.generate.n_predict = request.generate.n_predict > 0
                                             ? std::min(request.generate.n_predict, m_config.nPredict)
                                             : m_config.nPredict;
        if (m_pending->fetch_add(1) >= m_config.maxPending) {
            m_pending->fetch_sub(1);
            throw ApiError(503,
                           "The server is busy: " + std::to_string(m_config.maxPending) +
                               " requests are already waiting. Retry shortly.",
                           "server_error", {}, "server_busy");
        }
        p = std::make_shared<Pending>(m_pending, request, model.id);
        p->run = GenerationRun::start(m_engine, request.generate);
        if (request.stream)
            respondStream(req, res, p);
        else
            respondWhole(req, res, p);
    } catch (const ApiError & e) {
        if (e.status() == 503) res.set_header("Retry-After", "2");
        sendError(res, e);
    } catch (const std::exception & e) {
        sendError(res, ApiError(500, std::string("Internal error: ") + e.what(), "server_error"));
    }
}

void ApiRoutes::respondWhole(const httplib::Request & req, httplib::Response & res,
                             const std::shared_ptr<Pending> & p) {
    const auto deadline = Clock::now() + kWholeReplyWait;
    while (!p->reply.finished() && Clock::now() < deadline && !m_stopping.load())
        if (auto event = p->run->next(kPoll)) p->reply.consume(*event);
    auto finalBody = [](const Pending & q) { return q.reply.error() ? q.reply.error()->toJson() : q.reply.body(); };
    if (p->reply.finished()) {
        sendJson(res, p->reply.error() ? p->reply.error()->status() : 200, finalBody(*p));
        return;
    }
    setUnlengthedContent(req, res, "application/json", guarded([this, p, finalBody](httplib::DataSink & sink) {
                             if (m_stopping.load()) return false;
                             if (auto event = p->run->next(kPoll)) {
                                 p->reply.consume(*event);
                                 if (p->reply.finished()) {
                                     const std::string text =
                                         finalBody(*p).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                                     if (!sink.write(text.data(), text.size())) return false;
                                     sink.done();
                                     return true;
                                 }
                             }
                             // Probed whether or not tokens flow, since none of them is written.
                             if (Clock::now() - p->lastWrite < kHeartbeat) return true;
                             p->lastWrite = Clock::now();
                             return sink.write("\n", 1);  // false: the client is gone; Pending cancels the run
                         }));
}

void ApiRoutes::respondStream(const httplib::Request & req, httplib::Response & res,
                              const std::shared_ptr<Pending> & p) {
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    setUnlengthedContent(req, res, "text/event-stream", guarded([this, p](httplib::DataSink & sink) {
                             if (m_stopping.load()) return false;
                             auto write = [&](const std::string & text) {
                                 p->lastWrite = Clock::now();
                                 return text.empty() || sink.write(text.data(), text.size());
                             };
                             if (!p->started) {
                                 p->started = true;
                                 if (!write(p->reply.streamStart())) return false;
                             }
                             auto event = p->run->next(kPoll);
                             if (!event) return Clock::now() - p->lastWrite < kHeartbeat || write(": keep-alive\n\n");
                             if (!write(p->reply.consume(*event))) return false;
                             if (p->reply.finished()) sink.done();
                             return true;
                         }));
}

}  // namespace Hearth::Server
