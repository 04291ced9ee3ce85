// hearth-cli serve: the local OpenAI-compatible server (see src/server/).
// Flags mirror llama-server's, so a script written for it maps one to one.
// The URL is printed once the model is loaded and the port bound ("--port 0"
// picks a free port, which tests parse from that line). Ctrl-C or SIGTERM
// stops it; each request is logged on stderr.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>

#include "args.h"
#include "command.h"
#include "core/app_settings.h"
#include "core/model_library.h"
#include "gpu_options.h"
#include "hearth/model.h"
#include "server/api_server.h"
#include "server/worker_engine.h"

namespace Hearth::Cli {

namespace {

std::atomic<bool> g_stop{false};

void onSignal(int) {
    g_stop.store(true);
}

std::vector<std::string> splitList(const std::string & v) {
    std::vector<std::string> out;
    std::stringstream ss(v);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
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
        out.push_back({m.name.toStdString(), path.toStdString(),
                       QFileInfo(m.path).lastModified().toSecsSinceEpoch(), m.sizeBytes});
    }
    return out;
}

int runServe(int argc, char ** argv) {
    Args args(argc, argv,
              {{"-m", "--model"},
               {"--host"},
               {"--port"},
               {"--ctx", "-c", "--ctx-size"},
               {"--n-gpu-layers", "-ngl", "--gpu-layers"},
               {"--kv-type", "--cache-type-k"},
               {"--api-key"},
               {"--chat-template-file"},
               {"--cors"},
               {"--threads", "-t"},
               {"--max-body"},
               {"--max-pending"},
               {"--models-dir"}},
              {});
    const std::string path = args.required("-m");
    Server::ServerConfig config;
    config.host = args.value("--host", "127.0.0.1");
    const long long port = args.integer("--port", 8000);
    if (port < 0 || port > 65535) throw UsageError("--port must be from 0 to 65535");
    config.port = int(port);
    config.apiKey = args.value("--api-key", "");
    if (config.apiKey.empty())
        if (const char * env = std::getenv("HEARTH_API_KEY")) config.apiKey = env;
    config.corsOrigins = splitList(args.value("--cors", ""));
    const long long maxBody = args.integer("--max-body", (long long)config.maxBodyBytes);
    if (maxBody < 1024) throw UsageError("--max-body must be at least 1024 bytes");
    config.maxBodyBytes = size_t(maxBody);
    const long long maxPending = args.integer("--max-pending", config.maxPending);
    if (maxPending < 1 || maxPending > 4096) throw UsageError("--max-pending must be from 1 to 4096");
    config.maxPending = int(maxPending);
    config.threads = config.maxPending + 8;

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Hearth"));
    config.library = libraryModels(args.value("--models-dir", ""), path);

    hearth::LoadOptions options;
    options.n_ctx = int32_t(args.integer("--ctx", 0));
    options.n_threads = int32_t(args.integer("--threads", 0));
    applyGpuOptions(args, options);  // --n-gpu-layers (default auto) and --kv-type, as run and bench

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::fprintf(stderr, "hearth-cli serve: loading %s\n", path.c_str());
    auto engine = Server::WorkerEngine::load(path, options, args.value("--chat-template-file", ""),
                                             [](float) { return !g_stop.load(); });
    const Server::ServedModel & model = engine->model();
    std::fprintf(
        stderr, "hearth-cli serve: %s (%s), context %d tokens, chat template: %s\n", model.id.c_str(),
        model.description.c_str(), model.nCtx,
        model.templateFromModel ? "the model's" : (model.chatTemplate->is_fallback() ? "ChatML" : "from file"));

    Server::ApiServer server(*engine, config);
    server.setRequestLogger([](const Server::RequestLogEntry & e) {
        std::fprintf(stderr, "%s %s %s -> %d (%.0f ms)\n", e.remote.c_str(), e.method.c_str(), e.path.c_str(), e.status,
                     e.durationMs);
    });
    server.start();
    if (config.host != "127.0.0.1" && config.host != "localhost" && config.host != "::1")
        std::fprintf(stderr, "hearth-cli serve: listening on %s: other machines can reach this server%s\n",
                     config.host.c_str(), config.apiKey.empty() ? ", and no --api-key is set" : "");
    std::printf("hearth-cli serve: listening on %s (OpenAI API at %s/v1)\n", server.url().c_str(),
                server.url().c_str());
    std::fflush(stdout);

    while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::fprintf(stderr, "hearth-cli serve: stopping\n");
    server.stop();
    return 0;
}

const CommandRegistration reg({"serve",
                               "serve -m MODEL [--host 127.0.0.1] [--port 8000 (0: any free)] [--ctx N] "
                               "[--n-gpu-layers N|auto] [--kv-type f16|q8_0] [--api-key K] "
                               "[--chat-template-file F] [--cors ORIGIN[,ORIGIN...]|*] [--threads N] "
                               "[--max-body BYTES] [--max-pending N] [--models-dir DIR[:DIR...]]",
                               &runServe});

}  // namespace

}  // namespace Hearth::Cli
