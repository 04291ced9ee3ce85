// Keys for additional properties: any JSON string except the declared
// property names, so that an extra member can never repeat (and bypass the
// schema of) a declared one.
//
// The keys are spelled without escapes, which makes "not equal as text" the
// same as "not equal as a value". Over the trie of the declared names, rule
// N(p) stands for "the key so far is p": it may end unless p is a declared
// name, continue with a child of p, or leave the trie with any other
// character, after which anything goes:
//   N(p) ::= "" | c1 N(p c1) | c2 N(p c2) | [^c1 c2 "\\ controls] plain*
#include <map>

#include "grammar/gbnf_parser.h"
#include "grammar/json_schema_compiler.h"
#include "tokenizer/utf8.h"

namespace hearth::grammar_detail {

namespace {

std::vector<uint32_t> decode(const std::string & s) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < s.size();) {
        uint32_t cp = 0;
        if (utf8::decode(s, i, cp)) out.push_back(cp);
    }
    return out;
}

struct Node {
    std::map<uint32_t, size_t> children;
    bool is_key = false;
};

std::string encode(uint32_t cp) {
    std::string out;
    utf8::append(out, cp);
    return out;
}

}  // namespace

std::string key_not_in(const std::vector<std::string> & keys, const std::string & hint, RuleSet & rules) {
    const std::vector<CpRange> plain = {{0x20, 0x21}, {0x23, 0x5B}, {0x5D, 0xD7FF}, {0xE000, k_max_code_point}};
    auto is_plain = [&](uint32_t cp) {
        for (const CpRange & r : plain)
            if (cp >= r.lo && cp <= r.hi) return true;
        return false;
    };
    std::vector<Node> trie(1);
    for (const std::string & key : keys) {
        const std::vector<uint32_t> cps = decode(key);
        bool spellable = true;
        for (uint32_t cp : cps) spellable = spellable && is_plain(cp);
        if (!spellable) continue;  // needs an escape, which extra keys never use
        size_t at = 0;
        for (uint32_t cp : cps) {
            auto it = trie[at].children.find(cp);
            if (it == trie[at].children.end()) {
                trie.push_back({});
                it = trie[at].children.emplace(cp, trie.size() - 1).first;
            }
            at = it->second;
        }
        trie[at].is_key = true;
    }
    std::vector<std::pair<uint32_t, uint32_t>> plain_pairs;
    for (const CpRange & r : plain) plain_pairs.push_back({r.lo, r.hi});
    const std::string any = rules.add(hint + "-plain", gbnf_class(plain_pairs) + "*");
    std::vector<std::string> names(trie.size());
    for (size_t i = 0; i < trie.size(); ++i) names[i] = rules.reserve(hint + "-key");
    for (size_t i = 0; i < trie.size(); ++i) {
        const Node & n = trie[i];
        std::vector<CpRange> other;
        for (const CpRange & r : plain) other.push_back(r);
        std::string body;
        for (const auto & [cp, child] : n.children) {
            body += (body.empty() ? "" : " | ") + gbnf_literal(encode(cp)) + " " + names[child];
            std::vector<CpRange> cut;
            for (const CpRange & r : other) {
                if (cp < r.lo || cp > r.hi) {
                    cut.push_back(r);
                    continue;
                }
                if (cp > r.lo) cut.push_back({r.lo, cp - 1});
                if (cp < r.hi) cut.push_back({cp + 1, r.hi});
            }
            other = std::move(cut);
        }
        std::vector<std::pair<uint32_t, uint32_t>> pairs;
        for (const CpRange & r : other) pairs.push_back({r.lo, r.hi});
        body += (body.empty() ? "" : " | ") + gbnf_class(pairs) + " " + any;
        if (!n.is_key) body += " | \"\"";
        rules.define(names[i], body);
    }
    return rules.add(hint + "-key", "\"\\\"\" " + names[0] + " \"\\\"\"");
}

}  // namespace hearth::grammar_detail
