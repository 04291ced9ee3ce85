// hearth-cli run: generate text from a prompt, streamed to stdout, with a
// stats line on stderr. Without --raw the prompt is wrapped in the model's
// chat template (tokenizer.chat_template) as one user message; a model without
// a template (a base model such as stories260K) gets the prompt as it is,
// rather than a ChatML wrapping it was never trained on. Ctrl-C stops
// generation within a token.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>

#include "args.h"
#include "command.h"
#include "gpu_options.h"
#include "hearth/chat_template.h"
#include "hearth/error.h"
#include "hearth/model.h"
#include "hearth/session.h"

namespace Hearth::Cli {

namespace {

std::atomic<bool> g_interrupted{false};

void onSigint(int) {
    g_interrupted.store(true);
}

std::string tokenText(const hearth::Tokenizer & tok, int32_t id) {
    return id >= 0 && id < tok.vocab().n_tokens() ? tok.vocab().text(id) : std::string();
}

// The prompt as one user turn of the model's chat template, or "" when it has none.
std::string applyChatTemplate(const hearth::Model & model, const hearth::Tokenizer & tok, const std::string & prompt) {
    const hearth::ChatTemplate tmpl = hearth::ChatTemplate::from_gguf(model.gguf());
    if (tmpl.is_fallback()) return {};
    hearth::ChatRequest req;
    req.messages.push_back({"user", prompt, {}, {}, {}, {}});
    const hearth::ChatSpecialTokens special{tokenText(tok, tok.vocab().token_bos()),
                                            tokenText(tok, tok.vocab().token_eos())};
    return tmpl.apply(req, special);
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
               kGpuLayersOption,
               kKvTypeOption,
               kGpuDeviceOption},
              {{"--raw"}});
    hearth::LoadOptions opts;
    opts.n_ctx = int32_t(args.integer("--ctx", 0));
    opts.n_threads = int32_t(args.integer("--threads", 0));
    applyGpuOptions(args, opts);
    auto model = hearth::Model::load(args.required("-m"), opts);
    hearth::Session session(model);
    reportPlacement("run", args, session.evaluator());

    hearth::GenerateRequest req;
    const std::string prompt = args.required("-p");
    req.prompt = args.flag("--raw") ? prompt : applyChatTemplate(*model, session.tokenizer(), prompt);
    if (req.prompt.empty()) req.prompt = prompt;
    req.n_predict = int32_t(args.integer("-n", -1));
    req.sampling.temperature = float(args.number("--temp", 0.8));
    req.sampling.top_k = int32_t(args.integer("--top-k", 40));
    req.sampling.top_p = float(args.number("--top-p", 0.95));
    req.sampling.min_p = float(args.number("--min-p", 0.05));
    req.sampling.repeat_penalty = float(args.number("--repeat-penalty", 1.0));
    req.sampling.seed = uint64_t(args.integer("--seed", 0));
    if (auto stop = args.value("--stop")) req.stop.push_back(*stop);

    std::signal(SIGINT, onSigint);
    int rc = 0;
    session.generate(
        req,
        [&](const hearth::GenerateEvent & e) {
            switch (e.type) {
                case hearth::EventType_piece:
                    std::fwrite(e.text.data(), 1, e.text.size(), stdout);
                    std::fflush(stdout);
                    break;
                case hearth::EventType_stats:
                    std::fprintf(stderr,
                                 "\n[prompt: %d tokens (%d reused), %.1f tok/s | generated: %d tokens, %.1f tok/s | "
                                 "first token: %.0f ms]\n",
                                 e.stats.n_prompt, e.stats.n_reused, e.stats.prompt_tok_s, e.stats.n_generated,
                                 e.stats.gen_tok_s, e.stats.ttft_ms);
                    break;
                case hearth::EventType_done:
                    std::fprintf(stderr, "[stop: %s]\n", hearth::stop_reason_name(e.stop_reason));
                    break;
                case hearth::EventType_error:
                    std::fprintf(stderr, "\nhearth-cli run: error: %s\n", e.error.c_str());
                    rc = 1;
                    break;
            }
            return true;
        },
        &g_interrupted);
    std::signal(SIGINT, SIG_DFL);
    return rc;
}

const CommandRegistration reg({"run",
                               "run -m MODEL -p PROMPT [-n N] [--temp T] [--top-k K] [--top-p P] [--min-p P] "
                               "[--repeat-penalty R] [--seed S] [--ctx N] [--threads N] [--stop STR] [--raw] "
                               "[--n-gpu-layers N|auto] [--kv-type f16|q8_0] [--device INDEX|NAME]",
                               &runRun});

}  // namespace

}  // namespace Hearth::Cli
