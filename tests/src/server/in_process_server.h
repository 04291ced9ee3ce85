// InProcessServer: the real ApiServer over a ScriptedEngine on a free
// loopback port, for tests that need no model file (ChatML, no tokenizer,
// unless a ServedModel is given).
#pragma once

#include <httplib.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "scripted_engine.h"
#include "server/api_server.h"

namespace server_test {

// A served model with ChatML, the Hermes tool-call format and no tokenizer.
Hearth::Server::ServedModel chatmlModel();

struct InProcessServer {
    std::unique_ptr<ScriptedEngine> engine;
    std::unique_ptr<Hearth::Server::ApiServer> server;
    std::unique_ptr<httplib::Client> client;
    std::mutex logMutex;
    std::vector<Hearth::Server::RequestLogEntry> log;

    explicit InProcessServer(Hearth::Server::ServerConfig config = {},
                             Hearth::Server::ServedModel model = chatmlModel());
    ~InProcessServer();

    int port() const { return server->port(); }
    httplib::Result post(const std::string & path, const nlohmann::json & body, const httplib::Headers & headers = {});
    std::vector<Hearth::Server::RequestLogEntry> logEntries();
};

// A chat request with one user message.
nlohmann::json chatBody(const std::string & text, bool stream = false);
// The "error" object of an error reply (null when there is none).
nlohmann::json errorOf(const httplib::Result & r);

}  // namespace server_test
