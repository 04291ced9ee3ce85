// hearth-cli: the engine and the app's core from the command line.
#include <cstdio>
#include <cstring>
#include <exception>

#include "args.h"
#include "command.h"
#include "core/version.h"
#include "hearth/error.h"

namespace Hearth::Cli {

namespace {
std::vector<Command> & registry() {
    static std::vector<Command> r;
    return r;
}

void printHelp() {
    std::printf("hearth-cli %s: chat with local language models\n\nusage:\n", kVersion);
    for (const Command & c : commands()) std::printf("  hearth-cli %s\n", c.usage);
    std::printf("  hearth-cli --version\n");
}
}  // namespace

const std::vector<Command> & commands() {
    return registry();
}

CommandRegistration::CommandRegistration(Command command) {
    registry().push_back(command);
}

}  // namespace Hearth::Cli

int main(int argc, char ** argv) {
    using namespace Hearth::Cli;
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        printHelp();
        return argc < 2 ? 2 : 0;
    }
    if (!std::strcmp(argv[1], "--version")) {
        std::printf("hearth-cli %s\n", Hearth::kVersion);
        return 0;
    }
    for (const Command & c : commands()) {
        if (std::strcmp(c.name, argv[1]) != 0) continue;
        try {
            return c.run(argc - 1, argv + 1);
        } catch (const UsageError & e) {
            std::fprintf(stderr, "hearth-cli %s: %s\nusage: hearth-cli %s\n", c.name, e.what(), c.usage);
            return 2;
        } catch (const hearth::Error & e) {
            std::fprintf(stderr, "hearth-cli %s: error: %s\n", c.name, e.what());
            return 1;
        } catch (const std::exception & e) {
            std::fprintf(stderr, "hearth-cli %s: error: %s\n", c.name, e.what());
            return 1;
        }
    }
    std::fprintf(stderr, "hearth-cli: unknown command '%s' (see hearth-cli --help)\n", argv[1]);
    return 2;
}
