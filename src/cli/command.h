// hearth-cli's command registry.
//
// Each cmd_<name>.cpp defines a static CommandRegistration. The commands are
// compiled straight into the executable (not a library), so every
// registration's initializer runs before main().
#pragma once

#include <string>
#include <vector>

namespace Hearth::Cli {

// argv[0] is the command name; returns the process exit code.
using CommandFn = int (*)(int argc, char ** argv);

struct Command {
    const char * name;
    const char * usage;  // one line: "inspect MODEL.gguf [--json]"
    CommandFn run;
};

const std::vector<Command> & commands();

struct CommandRegistration {
    explicit CommandRegistration(Command command);
};

}  // namespace Hearth::Cli
