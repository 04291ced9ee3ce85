// CpGrammar (code points) to GrammarData (bytes), and the checks that make the
// matcher safe to run: every rule defined, no left recursion (the matcher
// would expand it forever), and every rule able to finish (its shortest
// expansion is finite, which also gives the distances that let generation
// close a document before its token budget runs out).
#include <algorithm>
#include <map>
#include <queue>

#include "grammar/gbnf_parser.h"
#include "grammar/grammar_data.h"
#include "hearth/error.h"
#include "hearth/grammar.h"
#include "tokenizer/utf8.h"

namespace hearth {

using namespace grammar_detail;

namespace {

using ByteSeq = std::vector<std::pair<uint8_t, uint8_t>>;  // one byte range per position

// Splits [lo, hi] into ranges whose UTF-8 forms differ only position by
// position (Russ Cox's utf8-ranges construction), dropping surrogates.
void utf8_sequences(uint32_t lo, uint32_t hi, std::vector<ByteSeq> & out) {
    struct Todo {
        uint32_t lo, hi;
    };
    std::vector<Todo> todo = {{lo, hi}};
    while (!todo.empty()) {
        Todo t = todo.back();
        todo.pop_back();
        if (t.lo > t.hi) continue;
        if (t.lo <= 0xDFFF && t.hi >= 0xD800) {
            if (t.hi >= 0xE000) todo.push_back({0xE000, t.hi});
            if (t.lo <= 0xD7FF) todo.push_back({t.lo, 0xD7FF});
            continue;
        }
        bool split = false;
        for (uint32_t max : {0x7Fu, 0x7FFu, 0xFFFFu}) {
            if (t.lo <= max && t.hi > max) {
                todo.push_back({max + 1, t.hi});
                todo.push_back({t.lo, max});
                split = true;
                break;
            }
        }
        if (split) continue;
        if (t.hi >= 0x80) {
            for (int i = 1; i < 4 && !split; ++i) {
                const uint32_t m = (1u << (6 * i)) - 1;
                if ((t.lo & ~m) == (t.hi & ~m)) continue;
                if ((t.lo & m) != 0) {
                    todo.push_back({(t.lo | m) + 1, t.hi});
                    todo.push_back({t.lo, t.lo | m});
                    split = true;
                } else if ((t.hi & m) != m) {
                    todo.push_back({t.hi & ~m, t.hi});
                    todo.push_back({t.lo, (t.hi & ~m) - 1});
                    split = true;
                }
            }
            if (split) continue;
        }
        std::string a, b;  // of equal length after the splits above
        utf8::append(a, t.lo);
        utf8::append(b, t.hi);
        ByteSeq seq;
        for (size_t i = 0; i < a.size(); ++i) seq.push_back({uint8_t(a[i]), uint8_t(b[i])});
        out.push_back(std::move(seq));
    }
}

class Compiler {
public:
    Compiler(const CpGrammar & g, GrammarData & d) : m_g(g), m_d(d) {}

    void run(std::string_view root_name) {
        const auto root = m_g.index.find(std::string(root_name));
        if (root == m_g.index.end() || !m_g.rules[root->second].defined)
            throw Error(ErrorCode_format, "grammar: there is no rule '" + std::string(root_name) + "'");
        for (const CpRule & r : m_g.rules)
            if (!r.defined) throw Error(ErrorCode_format, "grammar: rule '" + r.name + "' is used but not defined");
        m_d.alts.resize(m_g.rules.size());
        m_d.names.resize(m_g.rules.size());
        for (size_t r = 0; r < m_g.rules.size(); ++r) {
            m_d.names[r] = m_g.rules[r].name;
            for (const auto & alt : m_g.rules[r].alts) emit_alt(uint32_t(r), alt);
        }
        m_d.root = root->second;
        m_d.start = uint32_t(m_d.code.size());
        m_d.code.push_back({ElemKind_ref, m_d.root});
        m_d.code.push_back({ElemKind_end, 0});
    }

private:
    uint32_t set_id(const ByteSet & s) {
        auto [it, fresh] = m_sets.emplace(s, uint32_t(m_d.sets.size()));
        if (fresh) m_d.sets.push_back(s);
        return it->second;
    }

    // A class past ASCII becomes a rule whose alternatives are its UTF-8 forms.
    uint32_t class_rule(const std::vector<CpRange> & ranges) {
        std::vector<uint32_t> key;
        for (const CpRange & r : ranges) key.insert(key.end(), {r.lo, r.hi});
        if (auto it = m_class_rules.find(key); it != m_class_rules.end()) return it->second;
        const auto id = uint32_t(m_d.alts.size());
        m_class_rules.emplace(std::move(key), id);
        m_d.alts.emplace_back();
        m_d.names.push_back("class-" + std::to_string(m_class_rules.size()));
        ByteSet ascii{};
        std::vector<ByteSeq> seqs;
        for (const CpRange & r : ranges) {
            if (r.lo < 0x80) byteset_add(ascii, uint8_t(r.lo), uint8_t(std::min<uint32_t>(r.hi, 0x7F)));
            if (r.hi >= 0x80) utf8_sequences(std::max<uint32_t>(r.lo, 0x80), r.hi, seqs);
        }
        if (ascii != ByteSet{}) {
            m_d.alts[id].push_back(uint32_t(m_d.code.size()));
            m_d.code.push_back({ElemKind_bytes, set_id(ascii)});
            m_d.code.push_back({ElemKind_end, 0});
        }
        for (const ByteSeq & seq : seqs) {
            m_d.alts[id].push_back(uint32_t(m_d.code.size()));
            for (auto [lo, hi] : seq) {
                ByteSet s{};
                byteset_add(s, lo, hi);
                m_d.code.push_back({ElemKind_bytes, set_id(s)});
            }
            m_d.code.push_back({ElemKind_end, 0});
        }
        return id;
    }

    void emit_alt(uint32_t rule, const std::vector<CpSym> & alt) {
        // Class rules are emitted on first use, in the middle of this loop, so
        // the alternative is built aside and appended whole.
        std::vector<Elem> elems;
        for (const CpSym & sym : alt) {
            if (sym.is_ref) {
                elems.push_back({ElemKind_ref, sym.rule});
            } else if (sym.ranges.back().hi < 0x80) {
                ByteSet s{};
                for (const CpRange & r : sym.ranges) byteset_add(s, uint8_t(r.lo), uint8_t(r.hi));
                elems.push_back({ElemKind_bytes, set_id(s)});
            } else {
                elems.push_back({ElemKind_ref, class_rule(sym.ranges)});
            }
        }
        m_d.alts[rule].push_back(uint32_t(m_d.code.size()));
        m_d.code.insert(m_d.code.end(), elems.begin(), elems.end());
        m_d.code.push_back({ElemKind_end, 0});
    }

    const CpGrammar & m_g;
    GrammarData & m_d;
    std::map<ByteSet, uint32_t> m_sets;
    std::map<std::vector<uint32_t>, uint32_t> m_class_rules;
};

// Shortest expansion of every rule, by Knuth's generalisation of Dijkstra's
// algorithm: an alternative's length is known once all the rules it uses are.
void compute_min_lengths(GrammarData & d) {
    const size_t n_rules = d.alts.size();
    struct Alt {
        uint32_t rule;
        uint32_t pending;  // references to rules not yet final
        int64_t length;    // bytes so far
    };
    std::vector<Alt> alts;
    std::vector<std::vector<uint32_t>> users(n_rules);  // rule -> alts using it, once per use
    using Item = std::pair<int64_t, uint32_t>;          // length, rule
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue;
    for (uint32_t r = 0; r < n_rules; ++r) {
        for (uint32_t start : d.alts[r]) {
            Alt a{r, 0, 0};
            const auto id = uint32_t(alts.size());
            for (uint32_t p = start; d.code[p].kind != ElemKind_end; ++p) {
                if (d.code[p].kind == ElemKind_bytes) {
                    ++a.length;
                } else {
                    ++a.pending;
                    users[d.code[p].arg].push_back(id);
                }
            }
            alts.push_back(a);
            if (a.pending == 0) queue.push({a.length, r});
        }
    }
    d.rule_min.assign(n_rules, k_len_inf);
    std::vector<bool> done(n_rules, false);
    while (!queue.empty()) {
        const auto [len, r] = queue.top();
        queue.pop();
        if (done[r]) continue;
        done[r] = true;
        d.rule_min[r] = int32_t(std::min<int64_t>(len, k_len_inf));
        for (uint32_t id : users[r]) {
            Alt & a = alts[id];
            a.length += d.rule_min[r];
            if (--a.pending == 0) queue.push({a.length, a.rule});
        }
    }
    for (uint32_t r = 0; r < n_rules; ++r)
        if (d.rule_min[r] >= k_len_inf)
            throw Error(ErrorCode_format, "grammar: rule '" + d.names[r] + "' can never finish");
    d.suffix_min.assign(d.code.size(), 0);
    for (size_t p = d.code.size(); p-- > 0;) {
        const Elem e = d.code[p];
        if (e.kind == ElemKind_end) continue;
        const int64_t here = e.kind == ElemKind_bytes ? 1 : d.rule_min[e.arg];
        d.suffix_min[p] = int32_t(std::min<int64_t>(here + d.suffix_min[p + 1], k_len_inf));
    }
}

// A rule that can reach itself without consuming a byte would make the
// matcher push frames forever: refuse it, naming the rule.
void check_left_recursion(const GrammarData & d) {
    const size_t n_rules = d.alts.size();
    std::vector<std::vector<uint32_t>> left(n_rules);
    for (uint32_t r = 0; r < n_rules; ++r)
        for (uint32_t start : d.alts[r])
            for (uint32_t p = start; d.code[p].kind == ElemKind_ref; ++p) {
                left[r].push_back(d.code[p].arg);
                if (d.rule_min[d.code[p].arg] != 0) break;
            }
    enum : uint8_t { White, Grey, Black };
    std::vector<uint8_t> colour(n_rules, White);
    std::vector<std::pair<uint32_t, size_t>> stack;
    for (uint32_t r0 = 0; r0 < n_rules; ++r0) {
        if (colour[r0] != White) continue;
        stack.push_back({r0, 0});
        colour[r0] = Grey;
        while (!stack.empty()) {
            auto & [r, i] = stack.back();
            if (i == left[r].size()) {
                colour[r] = Black;
                stack.pop_back();
                continue;
            }
            const uint32_t next = left[r][i++];
            if (colour[next] == Grey)
                throw Error(ErrorCode_format, "grammar: rule '" + d.names[next] + "' is left-recursive");
            if (colour[next] == White) {
                colour[next] = Grey;
                stack.push_back({next, 0});
            }
        }
    }
}

}  // namespace

std::shared_ptr<const Grammar> Grammar::parse(std::string_view gbnf, std::string_view root) {
    const CpGrammar cp = parse_gbnf(gbnf);
    auto data = std::make_unique<GrammarData>();
    Compiler(cp, *data).run(root);
    compute_min_lengths(*data);
    check_left_recursion(*data);
    std::shared_ptr<Grammar> g(new Grammar());
    g->m_gbnf = std::string(gbnf);
    g->m_data = std::move(data);
    return g;
}

Grammar::~Grammar() = default;

size_t Grammar::n_rules() const {
    return m_data->alts.size();
}

int32_t Grammar::min_length() const {
    return m_data->rule_min[m_data->root];
}

}  // namespace hearth
