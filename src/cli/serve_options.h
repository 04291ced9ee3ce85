// `hearth-cli serve`'s command line: Hearth's own flags plus llama-server's
// spellings and meanings, so that a launch script written for llama-server
// (the seed's llama_deploy.sh among them) runs unchanged.
#pragma once

#include <string>
#include <vector>

#include "hearth/model.h"
#include "server/server_config.h"
#include "server/worker_engine.h"

namespace Hearth::Cli {

struct ServeOptions {
    bool help = false;  // --help / -h: print serveHelp() and stop
    std::string modelPath;
    std::string modelsDir;  // --models-dir DIR[:DIR...]
    Server::ServerConfig config;
    hearth::LoadOptions load;
    Server::WorkerEngineOptions engine;  // chat template file, alias, parallel sequences
    std::vector<std::string> notes;      // what the flags alone call for saying (e.g. -fa off)
};

// argv[0] is "serve". Throws UsageError for an unknown flag or a bad value.
ServeOptions parseServeOptions(int argc, char ** argv);

// The full option list, for `serve --help`.
const char * serveHelp();

}  // namespace Hearth::Cli
