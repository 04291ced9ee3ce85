// hearth-cli run: generate text from a prompt, streamed to stdout, with a
// stats line on stderr. Without --raw the prompt is wrapped in the model's
// chat template (tokenizer.chat_template) as one user message; a model without
// a template (a base model such as stories260K) gets the prompt as it is,
// rather than a ChatML wrapping it was never trained on. Ctrl-C stops
// generation within a token. --json-schema SCHEMA (or @FILE) and
// --grammar-file FILE (GBNF) constrain the output, as llama-cli's do.
// --draft N drafts up to N tokens by prompt lookup (default 0: off).
//
// A thin front door over hearth::ChatSession, as the app and the server are:
// the session reads the template and special tokens, loads the model on its
// worker and runs the request there; this prints the events.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>

#include "args.h"
#include "command.h"
#include "file_text.h"
#include "gpu_options.h"
#include "hearth/chat_session.h"
#include "hearth/chat_template.h"
#include "hearth/error.h"
#include "hearth/grammar.h"
#include "hearth/json_schema_grammar.h"
#include "hearth/model.h"

namespace Hearth::Cli {

namespace {

std::atomic<bool> g_interrupted{false};

void onSigint(int) {
    g_interrupted.store(true);
}

// --json-schema (inline, or @FILE) or --grammar-file; null without either.
std::shared_ptr<const hearth::Grammar> outputGrammar(const Args & args) {
    if (auto schema = args.value("--json-schema"))
        return hearth::json_schema_grammar(schema->rfind('@', 0) == 0 ? readTextFile(schema->substr(1)) : *schema);
    if (auto file = args.value("--grammar-file")) return hearth::Grammar::parse(readTextFile(*file));
    return nullptr;
}

// The prompt as one user turn of the model's chat template (BOS left to the
// session), or "" when the model has none.
std::string applyChatTemplate(const hearth::ChatSetup & setup, const std::string & prompt) {
    if (!setup.template_from_model) return {};
    hearth::ChatRequest req;
    req.messages.push_back({"user", prompt, {}, {}, {}, {}});
    return setup.render(req);
}

// Prints one event; sets rc on an error. Runs on the session's worker thread.
bool printEvent(const hearth::GenerateEvent & e, std::atomic<int> & rc) {
    switch (e.type) {
        case hearth::EventType_piece:
            std::fwrite(e.text.data(), 1, e.text.size(), stdout);
            std::fflush(stdout);
            break;
        case hearth::EventType_stats:
            std::fprintf(stderr,
                         "\n[prompt: %d tokens (%d reused), %.1f tok/s | generated: %d tokens, %.1f tok/s | "
                         "first token: %.0f ms | drafted: %d, accepted %d]\n",
                         e.stats.n_prompt, e.stats.n_reused, e.stats.prompt_tok_s, e.stats.n_generated,
                         e.stats.gen_tok_s, e.stats.ttft_ms, e.stats.n_drafted, e.stats.n_draft_accepted);
            break;
        case hearth::EventType_done:
            std::fprintf(stderr, "[stop: %s]\n", hearth::stop_reason_name(e.stop_reason));
            break;
        case hearth::EventType_error:
            std::fprintf(stderr, "\nhearth-cli run: error: %s\n", e.error.c_str());
            rc.store(1);
            break;
    }
    return true;
}

int runRun(int argc, char ** argv) {
    Args args(argc, argv,
              {{"-m", "--model"},
               {"-p", "--prompt"},
               {"-n", "--n-predict"},
               {"--temp"},
               {"--top-k"},
               {"--top-p"},
               {"--min-p"},
               {"--repeat-penalty"},
               {"--seed"},
               {"--ctx", "-c"},
               {"--threads", "-t"},
               {"--stop"},
               {"--draft"},
               {"--json-schema"},
               {"--grammar-file"},
               kGpuLayersOption,
               kCpuMoeOption,
               kKvTypeOption,
               kGpuDeviceOption},
              {{"--raw"}});
    hearth::LoadOptions opts;
    opts.n_ctx = int32_t(args.integer("--ctx", 0));
    opts.n_threads = int32_t(args.integer("--threads", 0));
    applyGpuOptions(args, opts);
    auto chat = hearth::ChatSession::open(args.required("-m"), opts, nullptr);
    chat->wait_loaded_or_throw();                      // throws the load's error, as a direct load would
    reportPlacement("run", args, *chat->placement());  // the session's memory plan

    hearth::GenerateRequest req;
    const std::string prompt = args.required("-p");
    req.prompt = args.flag("--raw") ? prompt : applyChatTemplate(chat->setup(), prompt);
    if (req.prompt.empty()) req.prompt = prompt;
    req.n_predict = int32_t(args.integer("-n", -1));
    req.sampling.temperature = float(args.number("--temp", 0.8));
    req.sampling.top_k = int32_t(args.integer("--top-k", 40));
    req.sampling.top_p = float(args.number("--top-p", 0.95));
    req.sampling.min_p = float(args.number("--min-p", 0.05));
    req.sampling.repeat_penalty = float(args.number("--repeat-penalty", 1.0));
    req.sampling.seed = uint64_t(args.integer("--seed", 0));
    if (auto stop = args.value("--stop")) req.stop.push_back(*stop);
    req.n_draft = int32_t(args.integer("--draft", 0));
    req.grammar = outputGrammar(args);

    g_interrupted.store(false);
    std::signal(SIGINT, onSigint);
    std::atomic<int> rc{0};
    // The request's cancel flag is the one the signal handler sets (not owned: a global).
    std::shared_ptr<std::atomic<bool>> cancel(std::shared_ptr<void>(), &g_interrupted);
    chat->submit(
        std::move(req), [&rc](const hearth::GenerateEvent & e) { return printEvent(e, rc); }, cancel);
    chat->wait_idle();
    std::signal(SIGINT, SIG_DFL);
    return rc.load();
}

const CommandRegistration reg(
    {"run",
     "run -m MODEL -p PROMPT [-n N] [--temp T] [--top-k K] [--top-p P] [--min-p P] "
     "[--repeat-penalty R] [--seed S] [--ctx N] [--threads N] [--stop STR] [--draft N] [--raw] "
     "[--json-schema SCHEMA|@FILE] [--grammar-file FILE] [--n-gpu-layers N|auto] "
     "[--n-cpu-moe N|auto] "
     "[--kv-type f16|q8_0] [--device INDEX|NAME]",
     &runRun});

}  // namespace

}  // namespace Hearth::Cli
