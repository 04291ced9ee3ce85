// hearth-cli template: render a chat template the way the engine will.
//
//   hearth-cli template render --template FILE.jinja --context CONTEXT.json [--now 2026-01-15T09:30:00]
//
// CONTEXT.json is a JSON object whose keys become the template's variables
// (messages, tools, add_generation_prompt, bos_token, eos_token...). The
// rendered text goes to stdout exactly, with no newline added; a template
// error exits 1 with "NAME:LINE:COLUMN: KIND: MESSAGE" on stderr.
#include <cstdio>
#include <ctime>

#include "args.h"
#include "command.h"
#include "file_text.h"
#include "hearth/error.h"
#include "hearth/jinja.h"

namespace Hearth::Cli {

namespace {

std::tm parseNow(const std::string & text) {
    std::tm tm{};
    const char * end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || *end) {
        tm = {};
        end = strptime(text.c_str(), "%Y-%m-%d", &tm);
    }
    if (!end || *end) throw UsageError("--now expects YYYY-MM-DDTHH:MM:SS, got '" + text + "'");
    std::tm copy = tm;
    std::time_t t = timegm(&copy);  // fills in the weekday and day of the year
    gmtime_r(&t, &tm);
    return tm;
}

int runTemplate(int argc, char ** argv) {
    Args args(argc, argv, {{"--template", "-t"}, {"--context", "-c"}, {"--now"}}, {});
    if (args.positional().size() != 1 || args.positional()[0] != "render")
        throw UsageError("expected the subcommand 'render'");
    const std::string templatePath = args.required("--template");
    const std::string source = readTextFile(templatePath);
    const std::string context = readTextFile(args.required("--context"));
    hearth::JinjaRenderOptions options;
    if (auto now = args.value("--now")) options.now = parseNow(*now);
    std::string name = templatePath.substr(templatePath.find_last_of('/') + 1);
    hearth::JinjaTemplate tmpl(source, name);
    std::string out = tmpl.render(context, options);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return 0;
}

const CommandRegistration registration(
    {"template", "template render --template FILE.jinja --context CONTEXT.json [--now 2026-01-15T09:30:00]",
     runTemplate});

}  // namespace

}  // namespace Hearth::Cli
