// hearth-cli serve: the local OpenAI-compatible server (see src/server/).
// Flags mirror llama-server's (serve_options.h), so a script written for it
// maps one to one. The URL is printed once the model is loaded and the port
// bound ("--port 0" picks a free port, which tests parse from that line).
// Ctrl-C or SIGTERM stops it; each request is logged on stderr.
#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "command.h"
#include "core/app_settings.h"
#include "core/model_library.h"
#include "serve_options.h"
#include "server/api_server.h"
#include "server/request_checks.h"
#include "server/worker_engine.h"

namespace Hearth::Cli {

namespace {

std::atomic<bool> g_stop{false};

void onSignal(int) {
    g_stop.store(true);
}

// The user's library for /v1/models, but the served file: --models-dir
// (several joined by ':'), else the app's model folders.
std::vector<Server::LibraryModel> libraryModels(const std::string & dirsArg, const std::string & served) {
    QStringList dirs = QString::fromStdString(dirsArg).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    if (dirs.isEmpty()) dirs = AppSettings().modelDirs();
    std::vector<Server::LibraryModel> out;
    for (const LocalModel & m : ModelLibrary(dirs).scan()) {
        if (!m.error.isEmpty() || m.isProjector || !m.complete) continue;
        const QString path = QFileInfo(m.path).canonicalFilePath();
        if (path == QFileInfo(QString::fromStdString(served)).canonicalFilePath()) continue;  // listed as loaded
        out.push_back({m.name.toStdString(), path.toStdString(), QFileInfo(m.path).lastModified().toSecsSinceEpoch(),
                       m.sizeBytes});
    }
    return out;
}

void warn(const std::string & text) {
    std::fprintf(stderr, "hearth-cli serve: warning: %s\n", text.c_str());
}

int runServe(int argc, char ** argv) {
    ServeOptions o = parseServeOptions(argc, argv);
    if (o.help) {
        std::fputs(serveHelp(), stdout);
        return 0;
    }
    for (const std::string & note : o.notes) warn(note);

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Hearth"));
    o.config.library = libraryModels(o.modelsDir, o.modelPath);

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::fprintf(stderr, "hearth-cli serve: loading %s\n", o.modelPath.c_str());
    auto engine = Server::WorkerEngine::load(o.modelPath, o.load, o.engine, [](float) { return !g_stop.load(); });
    const Server::ServedModel & model = engine->model();
    for (const std::string & w : engine->warnings()) warn(w);
    if (!model.templateNote.empty()) warn(model.templateNote);
    if (model.nCtx > model.nCtxTrain)  // llama-server's "possible training context overflow"
        warn("the context of " + std::to_string(model.nCtx) + " tokens is larger than the " +
             std::to_string(model.nCtxTrain) + " the model was trained with; replies past " +
             std::to_string(model.nCtxTrain) + " tokens may lose coherence");
    std::fprintf(
        stderr, "hearth-cli serve: %s (%s), context %d tokens, %d sequence%s, chat template: %s\n", model.id.c_str(),
        model.description.c_str(), model.nCtx, model.parallel, model.parallel == 1 ? "" : "s",
        model.templateFromModel ? "the model's" : (model.chatTemplate->is_fallback() ? "ChatML" : "from file"));

    Server::ApiServer server(*engine, o.config);
    server.setRequestLogger([](const Server::RequestLogEntry & e) {
        std::fprintf(stderr, "%s %s %s -> %d (%.0f ms)\n", e.remote.c_str(), e.method.c_str(), e.path.c_str(), e.status,
                     e.durationMs);
    });
    server.start();
    if (!Server::isLoopbackAddress(o.config.host))
        std::fprintf(stderr, "hearth-cli serve: listening on %s: other machines can reach this server%s\n",
                     o.config.host.c_str(), o.config.apiKey.empty() ? ", and no --api-key is set" : "");
    std::printf("hearth-cli serve: listening on %s (OpenAI API at %s/v1)\n", server.url().c_str(),
                server.url().c_str());
    std::fflush(stdout);

    while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::fprintf(stderr, "hearth-cli serve: stopping\n");
    server.stop();
    return 0;
}

const CommandRegistration reg({"serve",
                               "serve -m MODEL [--host 127.0.0.1] [--port 8000 (0: any free)] [-c N] "
                               "[-ngl N|auto] [-ctk f16|q8_0] [-ctv f16|q8_0] [-fa [on|off|auto]] [--mlock] [--mmap] "
                               "[-a ALIAS] [-n N|-1] [-np N] [--jinja] [--api-key K] [--chat-template-file F] "
                               "[--cors ORIGIN[,ORIGIN...]|*] [--threads N] [--max-body BYTES] [--max-pending N] "
                               "[--models-dir DIR[:DIR...]] (serve --help for all)",
                               &runServe});

}  // namespace

}  // namespace Hearth::Cli
