// ApiRoutes: the OpenAI-compatible endpoints on an httplib::Server.
//
//   GET  /v1/models, /v1/models/{id}, /health, /props
//   POST /v1/chat/completions, /v1/completions  (also without the /v1 prefix)
//
// Before any route: CORS headers for allowed origins (preflight OPTIONS
// answered with 204), the Host check of a loopback server (403 unless the
// Host names loopback: a web page cannot reach it by DNS rebinding) and the
// Bearer API key check (/health stays open, for probes). JSON endpoints take
// only `Content-Type: application/json` (415 otherwise: a page's text/plain
// POST needs no CORS preflight). Every refusal is an OpenAI error object.
//
// Completions go to the engine in arrival order. A stream is written as its
// events arrive; when nothing arrives for a second a comment line is sent, so
// that a client that has gone is noticed by the failed write and its
// generation cancelled, even while it waits in the queue. A non-streaming
// request that takes longer than a second is answered the same way, with
// whitespace before the JSON body (which JSON parsers skip).
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>

#include "server/engine_adapter.h"
#include "server/server_config.h"

namespace Hearth::Server {

class ApiRoutes {
public:
    ApiRoutes(EngineAdapter & engine, const ServerConfig & config, const std::atomic<bool> & stopping);

    // Routes and the error handler; the owner calls preRoute() from its
    // pre-routing handler.
    void install(httplib::Server & server);
    httplib::Server::HandlerResponse preRoute(const httplib::Request & req, httplib::Response & res) const;

private:
    struct Pending;

    nlohmann::json servedModelJson() const;
    void models(const httplib::Request & req, httplib::Response & res) const;
    void model(const httplib::Request & req, httplib::Response & res) const;
    void health(const httplib::Request & req, httplib::Response & res) const;
    void props(const httplib::Request & req, httplib::Response & res) const;
    void completion(const httplib::Request & req, httplib::Response & res, bool chat);
    void respondWhole(const httplib::Request & req, httplib::Response & res, const std::shared_ptr<Pending> & p);
    void respondStream(const httplib::Request & req, httplib::Response & res, const std::shared_ptr<Pending> & p);

    EngineAdapter & m_engine;
    const ServerConfig & m_config;
    const std::atomic<bool> & m_stopping;
    std::shared_ptr<std::atomic<int>> m_pending;
    bool m_loopbackOnly;  // bound to loopback: only loopback Host headers (DNS rebinding)
};

// Sends `body` as JSON (invalid UTF-8 replaced, never thrown on).
void sendJson(httplib::Response & res, int status, const nlohmann::json & body);

}  // namespace Hearth::Server
