// hearth-cli tokenize: a model's token ids for a text, as llama.cpp's
// llama_tokenize gives them.
//
// The text is read byte for byte from FILE or stdin (no newline stripping).
// By default BOS/EOS are added as the model's metadata says and special tokens
// written in the text stay text; --no-add-special and --parse-special change that.
// --bench tokenizes at least 1 MiB (FILE repeated, or built-in pseudo-random
// mixed-script text) several times and prints the best throughput.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "args.h"
#include "command.h"
#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/tokenizer.h"

namespace Hearth::Cli {

namespace {

std::string readAll(std::FILE * in, const std::string & name) {
    std::string text;
    char buf[65536];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof(buf), in)) > 0) text.append(buf, n);
    if (std::ferror(in)) throw hearth::Error(hearth::ErrorCode_io, "cannot read " + name);
    return text;
}

std::string readInput(const std::vector<std::string> & positional) {
    if (positional.size() > 1) throw UsageError("expected at most one FILE");
    if (positional.empty() || positional[0] == "-") return readAll(stdin, "stdin");
    std::FILE * f = std::fopen(positional[0].c_str(), "rb");
    if (!f) throw hearth::Error(hearth::ErrorCode_io, "cannot open " + positional[0]);
    std::string text = readAll(f, positional[0]);
    std::fclose(f);
    return text;
}

// About 1 MiB of pseudo-random prose: words of random syllables from several
// scripts, numbers, emoji, punctuation and whitespace runs. Most words are
// rare, so the figure is not flattered by repetition; every branch of the
// pre-tokenizer regexes is exercised.
std::string benchText() {
    static const char * const kSyllables[] = {
        "ka",  "to",  "ri", "an", "the",  "ing", "er", "on", "qu",   "ph", "Str", "O", "при",
        "вет", "мир", "你", "好", "世界", "é",   "ü",  "ß",  "2026", "3",  "14",  "🚀", "😶‍🌫️",
        "ក",   "ាន់",  "'s", "'T"};
    static const char * const kGlue[] = {" ",  " ",  " ",  " ",  " ",  ", ", ". ",       "\n",  "  ",  "\t",
                                         "! ", "? ", " (", ") ", "::", "->", "\n\n    ", " = ", "...", "``` "};
    const size_t nSyl = sizeof(kSyllables) / sizeof(kSyllables[0]);
    const size_t nGlue = sizeof(kGlue) / sizeof(kGlue[0]);
    std::string text;
    uint64_t x = 0x9E3779B97F4A7C15ull;  // xorshift64: the same text on every run
    while (text.size() < (1u << 20)) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const int n = 1 + static_cast<int>(x % 4);
        for (int i = 0; i < n; ++i) text += kSyllables[(x >> (8 * i + 8)) % nSyl];
        text += kGlue[(x >> 48) % nGlue];
    }
    return text;
}

int runBench(const hearth::Tokenizer & tok, std::string text, bool addSpecial, bool parseSpecial) {
    if (text.empty()) text = benchText();
    const std::string unit = text;
    while (text.size() < (1u << 20)) text += unit;
    using Clock = std::chrono::steady_clock;
    double best = 1e300;
    size_t nTokens = 0;
    const auto start = Clock::now();
    for (int run = 0; run < 20; ++run) {
        const auto t0 = Clock::now();
        nTokens = tok.tokenize(text, addSpecial, parseSpecial).size();
        best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
        if (run >= 2 && std::chrono::duration<double>(Clock::now() - start).count() > 3.0) break;
    }
    const double mb = static_cast<double>(text.size()) / (1024.0 * 1024.0);
    std::printf("tokenize: %.2f MiB -> %zu tokens, best %.1f ms, %.2f MiB/s\n", mb, nTokens, best * 1e3, mb / best);
    return 0;
}

int run(int argc, char ** argv) {
    Args args(argc, argv, {{"-m", "--model"}}, {{"--no-add-special"}, {"--parse-special"}, {"--bench"}});
    const std::string model = args.required("-m");
    const bool addSpecial = !args.flag("--no-add-special");
    const bool parseSpecial = args.flag("--parse-special");

    const hearth::GgufFile file = hearth::GgufFile::open(model);
    const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(file);
    if (args.flag("--bench")) {
        std::string text;
        if (!args.positional().empty()) text = readInput(args.positional());
        return runBench(tok, std::move(text), addSpecial, parseSpecial);
    }
    const std::string text = readInput(args.positional());
    const std::vector<int32_t> ids = tok.tokenize(text, addSpecial, parseSpecial);
    std::string line;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) line.push_back(' ');
        line += std::to_string(ids[i]);
    }
    std::printf("%s\n", line.c_str());
    return 0;
}

const CommandRegistration kRegistration({"tokenize",
                                         "tokenize -m MODEL.gguf [--no-add-special] [--parse-special] [--bench] [FILE]",
                                         run});

}  // namespace

}  // namespace Hearth::Cli
