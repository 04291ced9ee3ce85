// hearth-cli logits: evaluate token ids as one batch from position 0 and write
// the logits after every position, float32 little-endian [n_ids][n_vocab].
// Used to compare the engine with llama.cpp's goldens outside the tests.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "args.h"
#include "command.h"
#include "hearth/error.h"
#include "hearth/evaluator.h"
#include "hearth/model.h"

namespace Hearth::Cli {

namespace {

std::vector<int32_t> parseIds(const std::string & text) {
    std::vector<int32_t> ids;
    std::string cleaned = text;
    for (char & c : cleaned)
        if (c == ',' || c == '[' || c == ']') c = ' ';
    std::istringstream in(cleaned);
    std::string word;
    while (in >> word) {
        size_t used = 0;
        long long v = 0;
        try {
            v = std::stoll(word, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used != word.size() || v < INT32_MIN || v > INT32_MAX)
            throw UsageError("--ids: '" + word + "' is not a token id");
        ids.push_back(int32_t(v));
    }
    if (ids.empty()) throw UsageError("--ids: no token ids given");
    return ids;
}

int runLogits(int argc, char ** argv) {
    Args args(argc, argv, {{"-m", "--model"}, {"--ids"}, {"-o", "--output"}, {"-t", "--threads"}, {"--ctx"}}, {});
    const std::vector<int32_t> ids = parseIds(args.required("--ids"));
    const std::string out = args.required("-o");

    hearth::LoadOptions opts;
    opts.n_threads = int32_t(args.integer("-t", 0));
    opts.n_ctx = int32_t(args.integer("--ctx", 0));
    auto model = hearth::Model::load(args.required("-m"), opts);
    hearth::Evaluator ev(model);
    std::vector<float> logits(ids.size() * size_t(ev.n_vocab()));
    ev.eval(ids.data(), int32_t(ids.size()), logits.data());

    FILE * f = std::fopen(out.c_str(), "wb");
    if (!f) throw hearth::Error(hearth::ErrorCode_io, "cannot write '" + out + "'");
    // x86-64 and aarch64 are little-endian, so the floats are written as they are.
    const size_t written = std::fwrite(logits.data(), sizeof(float), logits.size(), f);
    const bool ok = std::fclose(f) == 0 && written == logits.size();
    if (!ok) throw hearth::Error(hearth::ErrorCode_io, "failed writing '" + out + "'");
    std::fprintf(stderr, "wrote %zu x %d logits to %s\n", ids.size(), ev.n_vocab(), out.c_str());
    return 0;
}

const CommandRegistration reg({"logits", "logits -m MODEL --ids \"1 2 3\" -o OUT.f32 [-t THREADS] [--ctx N]",
                               &runLogits});

}  // namespace

}  // namespace Hearth::Cli
