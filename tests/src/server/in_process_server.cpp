#include "in_process_server.h"

namespace server_test {

Hearth::Server::ServedModel chatmlModel() {
    Hearth::Server::ServedModel m;
    m.id = "scripted";
    m.path = "/models/scripted.gguf";
    m.nCtx = 4096;
    m.chatTemplate = std::make_shared<const hearth::ChatTemplate>(hearth::ChatTemplate::chatml());
    m.toolFormat = hearth::ToolCallFormat_hermes;
    m.special = {"", "<|im_end|>"};
    return m;
}

InProcessServer::InProcessServer(Hearth::Server::ServerConfig config, Hearth::Server::ServedModel model) {
    engine = std::make_unique<ScriptedEngine>(std::move(model));
    config.port = 0;
    server = std::make_unique<Hearth::Server::ApiServer>(*engine, std::move(config));
    server->setRequestLogger([this](const Hearth::Server::RequestLogEntry & e) {
        std::lock_guard<std::mutex> lock(logMutex);
        log.push_back(e);
    });
    server->start();
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_read_timeout(30, 0);
}

InProcessServer::~InProcessServer() {
    server->stop();
}

httplib::Result InProcessServer::post(const std::string & path, const nlohmann::json & body,
                                      const httplib::Headers & headers) {
    return client->Post(path.c_str(), headers, body.dump(), "application/json");
}

std::vector<Hearth::Server::RequestLogEntry> InProcessServer::logEntries() {
    std::lock_guard<std::mutex> lock(logMutex);
    return log;
}

nlohmann::json chatBody(const std::string & text, bool stream) {
    return {{"model", "scripted"},
            {"stream", stream},
            {"messages", nlohmann::json::array({{{"role", "user"}, {"content", text}}})}};
}

nlohmann::json errorOf(const httplib::Result & r) {
    if (!r) return nullptr;
    nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"] : nlohmann::json();
}

}  // namespace server_test
