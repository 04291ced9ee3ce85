#include "tokenizer/pre_tokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <map>

#include "hearth/error.h"
#include "tokenizer/utf8.h"

namespace hearth {

namespace {

// The pre-tokenizer regexes of llama.cpp's llm_tokenizer_bpe. Where llama.cpp
// rewrote `(?i:'s|...)` as explicit [sS] classes we keep its form: PCRE2's
// caseless mode would also match U+017F and U+212A.
const char * const kGpt2 = R"re('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))re";
const char * const kContractions = R"re((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]))re";

std::string llama3() {
    return std::string(kContractions) +
           R"re(|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
}

std::string qwen2() {
    return std::string(kContractions) +
           R"re(|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
}

std::string qwen35() {
    return std::string(kContractions) +
           R"re(|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
}

std::string seed_coder() {
    return std::string(kContractions) +
           R"re(|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1}| ?[^\s\p{L}\p{N}\r\n]+|\s*[\r\n]+|\s+(?!\S)|\s+)re";
}

std::string gpt4o() {
    const std::string c = kContractions;
    return R"re([^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+)re" + c +
           R"re(?|[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*)re" + c +
           R"re(?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
}

std::vector<std::string> make_regexes(PreTokenizer pre) {
    switch (pre) {
        case PreTokenizer_llama3:
        case PreTokenizer_chatglm4:
            return {llama3()};
        case PreTokenizer_qwen2:
            return {qwen2()};
        case PreTokenizer_qwen35:
            return {qwen35()};
        case PreTokenizer_seed_coder:
            return {seed_coder()};
        case PreTokenizer_gpt4o:
            return {gpt4o()};
        case PreTokenizer_tekken:
            return {
                R"re([^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+|[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)re"};
        case PreTokenizer_deepseek_llm:
            // Canonical singletons (U+1F7D, U+1FBE, U+1FD3, U+1FDB, U+2126,
            // U+212A) are escaped: Unicode normalisation by an editor would
            // silently turn them into other code points.
            return {
                R"re([\r\n])re",
                R"re(\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-\x{1F7D}ᾀ-ᾴᾶ-ᾼ\x{1FBE}ῂ-ῄῆ-ῌῐ-\x{1FD3}ῖ-\x{1FDB}ῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤ\x{2126}ℨ\x{212A}-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+)re",
                R"re(\s?[!-/:-~！-／：-～‘-‟　-。]+)re",
                R"re(\s+$)re",
                R"re([一-龥ࠀ-一가-퟿]+)re",
                R"re(\p{N}+)re",
            };
        case PreTokenizer_deepseek_coder:
            return {R"re([\r\n])re", R"re(\s?\p{L}+)re", R"re(\s?\p{P}+)re", R"re([一-龥ࠀ-一가-퟿]+)re",
                    R"re(\p{N})re"};
        case PreTokenizer_deepseek3:
            return {
                R"re(\p{N}{1,3})re",
                R"re([一-龥぀-ゟ゠-ヿ]+)re",
                R"re([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re",
            };
        case PreTokenizer_falcon:
            return {R"re([\p{P}\$\+<=>\^~\|`]+)re", kGpt2, R"re([0-9][0-9][0-9])re"};
        case PreTokenizer_starcoder:
            return {R"re(\p{N})re", kGpt2};
        case PreTokenizer_gpt2:
            return {kGpt2};
        case PreTokenizer_default:
            break;
    }
    return {R"re([\p{P}\$\+<=>\^~\|]+)re", kGpt2, R"re(\p{N}+)re", R"re([0-9][0-9][0-9])re"};
}

PreTokenizerSpec spec(PreTokenizer pre, bool clean_spaces, bool ignore_merges = false, bool add_bos = false,
                      bool no_bos = false) {
    return PreTokenizerSpec{pre, clean_spaces, ignore_merges, add_bos, no_bos};
}

const std::map<std::string, PreTokenizerSpec, std::less<>> & pre_table() {
    static const std::map<std::string, PreTokenizerSpec, std::less<>> table = [] {
        std::map<std::string, PreTokenizerSpec, std::less<>> t;
        auto add = [&](std::initializer_list<const char *> names, PreTokenizerSpec s) {
            for (const char * n : names) t[n] = s;
        };
        add({"", "default"}, spec(PreTokenizer_default, true));
        add({"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano"},
            spec(PreTokenizer_llama3, true, true, true));
        add({"dbrx", "smaug-bpe"}, spec(PreTokenizer_llama3, true));
        add({"deepseek-llm"}, spec(PreTokenizer_deepseek_llm, false));
        add({"deepseek-coder"}, spec(PreTokenizer_deepseek_coder, false));
        add({"deepseek-v3", "hunyuan-dense", "joyai-llm", "hy_v4"}, spec(PreTokenizer_deepseek3, false));
        add({"falcon"}, spec(PreTokenizer_falcon, true));
        add({"gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum",
             "modern-bert", "mpt", "olmo", "jais", "exaone4"},
            spec(PreTokenizer_gpt2, true));
        add({"trillion", "granite-docling"}, spec(PreTokenizer_gpt2, false));
        add({"starcoder", "refact", "codeshell", "exaone", "minerva-7b", "mellum2"},
            spec(PreTokenizer_starcoder, true));
        add({"command-r", "smollm"}, spec(PreTokenizer_starcoder, false));
        add({"qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "hunyuan", "solar-open", "grok-2"},
            spec(PreTokenizer_qwen2, false));
        add({"megrez", "stablelm2"}, spec(PreTokenizer_qwen2, true));
        add({"qwen35"}, spec(PreTokenizer_qwen35, false));
        add({"glm4", "chatglm-bpe"}, spec(PreTokenizer_chatglm4, true, false, false, true));
        add({"tekken"}, spec(PreTokenizer_tekken, false, true, true));
        add({"gpt-4o", "llama4", "kanana2", "talkie"}, spec(PreTokenizer_gpt4o, false));
        add({"seed-coder"}, spec(PreTokenizer_seed_coder, false));
        return t;
    }();
    return table;
}

}  // namespace

const PreTokenizerSpec * find_pre_tokenizer(std::string_view name) {
    const auto & t = pre_table();
    auto it = t.find(name);
    return it == t.end() ? nullptr : &it->second;
}

const std::vector<std::string> & pre_tokenizer_regexes(PreTokenizer pre) {
    static const std::map<PreTokenizer, std::vector<std::string>> cache = [] {
        std::map<PreTokenizer, std::vector<std::string>> c;
        for (int p = PreTokenizer_default; p <= PreTokenizer_qwen35; ++p)
            c[static_cast<PreTokenizer>(p)] = make_regexes(static_cast<PreTokenizer>(p));
        return c;
    }();
    return cache.at(pre);
}

struct RegexSplitter::Impl {
    std::vector<pcre2_code *> codes;
    ~Impl() {
        for (pcre2_code * c : codes) pcre2_code_free(c);
    }
};

RegexSplitter::RegexSplitter(const std::vector<std::string> & patterns) : m(std::make_unique<Impl>()) {
    for (const std::string & p : patterns) {
        int err = 0;
        PCRE2_SIZE err_offset = 0;
        // DOLLAR_ENDONLY: `$` is the end of the piece, as in std::regex.
        pcre2_code * code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(p.data()), p.size(),
                                          PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY, &err, &err_offset, nullptr);
        if (!code) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(err, msg, sizeof(msg));
            throw Error(ErrorCode_tokenizer, "pre-tokenizer regex does not compile at offset " +
                                                 std::to_string(err_offset) + ": " +
                                                 reinterpret_cast<const char *>(msg) + " in '" + p + "'");
        }
        m->codes.push_back(code);
        // JIT is an optimisation only; the interpreter gives the same matches.
        pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    }
}

RegexSplitter::RegexSplitter(RegexSplitter &&) noexcept = default;
RegexSplitter::~RegexSplitter() = default;

namespace {

struct MatchData {
    pcre2_match_data * md;
    explicit MatchData(const pcre2_code * code) : md(pcre2_match_data_create_from_pattern(code, nullptr)) {}
    ~MatchData() { pcre2_match_data_free(md); }
    MatchData(const MatchData &) = delete;
    MatchData & operator=(const MatchData &) = delete;
};

// Splits one piece: matches and the text between them become pieces.
void split_piece(const pcre2_code * code, pcre2_match_data * md, std::string_view text, TextPiece piece,
                 std::vector<TextPiece> & out) {
    const auto * subject = reinterpret_cast<PCRE2_SPTR>(text.data() + piece.begin);
    const size_t len = piece.size;
    size_t start = 0;
    size_t last_end = 0;
    while (start < len) {
        int rc = pcre2_match(code, subject, len, start, PCRE2_NO_UTF_CHECK, md, nullptr);
        // The JIT's fixed stack can run out on long repeated groups (gpt-4o's
        // letter classes); the interpreter grows its own on the heap.
        if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
            rc = pcre2_match(code, subject, len, start, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, md, nullptr);
        if (rc < 0) break;  // no match (or a match limit): the rest stays one piece
        const PCRE2_SIZE * ov = pcre2_get_ovector_pointer(md);
        const size_t ms = ov[0];
        const size_t me = ov[1];
        if (ms > last_end) out.push_back({piece.begin + last_end, ms - last_end});
        if (me > ms) {
            out.push_back({piece.begin + ms, me - ms});
            last_end = me;
            start = me;
        } else {
            start = ms + utf8::seq_len(static_cast<uint8_t>(text[piece.begin + ms]));
        }
    }
    if (last_end < len) out.push_back({piece.begin + last_end, len - last_end});
}

}  // namespace

void RegexSplitter::split(std::string_view text, std::vector<TextPiece> & pieces) const {
    pieces.clear();
    if (text.empty()) return;
    pieces.push_back({0, text.size()});
    std::vector<TextPiece> next;
    for (const pcre2_code * code : m->codes) {
        MatchData md(code);
        next.clear();
        next.reserve(pieces.size() * 2);
        for (const TextPiece & p : pieces) split_piece(code, md.md, text, p, next);
        pieces.swap(next);
    }
}

}  // namespace hearth
