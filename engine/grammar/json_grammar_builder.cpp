// JsonGrammarBuilder: the rule set that JSON schemas compile into, the fixed
// JSON rules, and GBNF quoting.
#include <cstdio>

#include "grammar/json_schema_compiler.h"
#include "hearth/error.h"

namespace hearth {

using namespace grammar_detail;

namespace {

struct Primitive {
    const char * name;
    const char * body;
    std::vector<const char *> uses;
};

// The JSON grammar pieces. Strings hold any Unicode; \u escapes never name a
// lone surrogate (strict parsers refuse them). Numbers are bounded in length,
// and the exponent in size, so that every number is a finite double.
const std::vector<Primitive> & primitives() {
    static const std::vector<Primitive> p = {
        {"ws", R"(| " " | "\n" [ \t]{0,20})", {}},
        {"json-hex4", R"([0-9a-cA-Ce-fE-F] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2})", {}},
        {"json-char", R"([^"\\\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" json-hex4 ))", {"json-hex4"}},
        {"json-string", R"("\"" json-char* "\"")", {"json-char"}},
        {"json-frac", R"("." [0-9]{1,16})", {}},
        {"json-exp", R"([eE] [-+]? [0-9]{1,2})", {}},
        // "-0" only with a fraction: a bare -0 is a spelling nobody wants.
        {"json-number",
         R"(( "0" | "-"? [1-9] [0-9]{0,15} ) json-frac? json-exp? | "-0" json-frac json-exp?)",
         {"json-frac", "json-exp"}},
        {"json-integer", R"("0" | "-"? [1-9] [0-9]{0,15})", {}},
        {"json-boolean", R"("true" | "false")", {}},
        {"json-null", R"("null")", {}},
        {"json-member", R"(json-string ws ":" ws json-value ws)", {"json-string", "ws", "json-value"}},
        {"json-object", R"("{" ws ( json-member ( "," ws json-member )* )? "}")", {"ws", "json-member"}},
        {"json-array", R"("[" ws ( json-value ws ( "," ws json-value ws )* )? "]")", {"ws", "json-value"}},
        {"json-value",
         R"(json-object | json-array | json-string | json-number | json-boolean | json-null)",
         {"json-object", "json-array", "json-string", "json-number", "json-boolean", "json-null"}},
    };
    return p;
}

std::string sanitize(const std::string & hint) {
    std::string out;
    for (char c : hint) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (ok) {
            out += c;
        } else if (!out.empty() && out.back() != '-') {
            out += '-';
        }
        if (out.size() >= 48) break;
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.empty() ? "r" : out;
}

}  // namespace

namespace grammar_detail {

std::string RuleSet::reserve(const std::string & hint) {
    const std::string base = sanitize(hint);
    std::string name = base;
    auto taken = [this](const std::string & n) {
        if (n == "root" || m_names.count(n)) return true;
        for (const Primitive & p : primitives())
            if (n == p.name) return true;
        return false;
    };
    for (int i = 2; taken(name); ++i) name = base + "-" + std::to_string(i);
    m_names.insert(name);
    return name;
}

void RuleSet::define(const std::string & name, const std::string & body) {
    m_bytes += name.size() + body.size() + 8;
    if (m_bytes > k_max_grammar_text)
        throw Error(ErrorCode_invalid_argument,
                    "the schema is too large: its grammar passes " + std::to_string(k_max_grammar_text >> 20) + " MiB");
    m_rules.emplace_back(name, body);
    m_by_body.emplace(body, name);
}

std::string RuleSet::add(const std::string & hint, const std::string & body) {
    if (auto it = m_by_body.find(body); it != m_by_body.end()) return it->second;
    const std::string name = reserve(hint);
    define(name, body);
    return name;
}

std::string RuleSet::primitive(const std::string & name) {
    if (m_names.count(name)) return name;
    for (const Primitive & p : primitives()) {
        if (p.name != name) continue;
        m_names.insert(name);
        m_rules.emplace_back(name, p.body);  // not shared by body: a name clients may see in notes
        for (const char * use : p.uses) primitive(use);
        return name;
    }
    HEARTH_ASSERT(false && "unknown JSON primitive");
    return name;
}

std::string RuleSet::text() const {
    std::string out;
    for (const auto & [name, body] : m_rules) out += name + " ::= " + body + "\n";
    return out;
}

}  // namespace grammar_detail

std::string gbnf_literal(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        const auto c = uint8_t(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", unsigned(c));
            out += buf;
        } else {
            out += ch;  // UTF-8 passes through: the GBNF parser decodes it
        }
    }
    return out + "\"";
}

namespace grammar_detail {

std::string gbnf_class(const std::vector<std::pair<uint32_t, uint32_t>> & ranges) {
    auto esc = [](uint32_t cp) {
        const bool plain = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
        if (plain) return std::string(1, char(cp));
        char buf[16];
        if (cp < 0x100) {
            std::snprintf(buf, sizeof buf, "\\x%02X", unsigned(cp));
        } else if (cp < 0x10000) {
            std::snprintf(buf, sizeof buf, "\\u%04X", unsigned(cp));
        } else {
            std::snprintf(buf, sizeof buf, "\\U%08X", unsigned(cp));
        }
        return std::string(buf);
    };
    std::string out = "[";
    for (auto [lo, hi] : ranges) {
        out += esc(lo);
        if (hi != lo) out += "-" + esc(hi);
    }
    return out + "]";
}

}  // namespace grammar_detail

struct JsonGrammarBuilder::Impl {
    RuleSet rules;
};

JsonGrammarBuilder::JsonGrammarBuilder() : m(std::make_unique<Impl>()) {}
JsonGrammarBuilder::~JsonGrammarBuilder() = default;

std::string JsonGrammarBuilder::add_schema(std::string_view schema_json, std::string_view name) {
    // nlohmann parses iteratively, but copies and dumps recurse: refuse deep
    // nesting before parsing, with a cheap scan that skips strings.
    int depth = 0;
    bool in_string = false, escape = false;
    for (char c : schema_json) {
        if (in_string) {
            if (escape) {
                escape = false;
            } else if (c == '\\') {
                escape = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > k_max_schema_depth)
                throw Error(ErrorCode_invalid_argument,
                            "the schema nests deeper than " + std::to_string(k_max_schema_depth) + " levels");
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    const ojson schema = ojson::parse(schema_json, nullptr, false);
    if (schema.is_discarded()) throw Error(ErrorCode_invalid_argument, "the schema is not valid JSON");
    SchemaCompiler compiler(m->rules, schema, std::string(name));
    try {
        const std::string expr = compiler.visit(schema, std::string(name), "", 0);
        return m->rules.add(std::string(name), expr);
    } catch (const nlohmann::json::exception & e) {
        throw Error(ErrorCode_invalid_argument, std::string("the schema cannot be compiled: ") + e.what());
    }
}

std::string JsonGrammarBuilder::any_object() {
    return m->rules.primitive("json-object");
}

std::string JsonGrammarBuilder::any_value() {
    return m->rules.primitive("json-value");
}

std::string JsonGrammarBuilder::whitespace() {
    return m->rules.primitive("ws");
}

std::string JsonGrammarBuilder::gbnf(const std::string & root_body) const {
    return "root ::= " + root_body + "\n" + m->rules.text();
}

std::shared_ptr<const Grammar> JsonGrammarBuilder::build(const std::string & root_body) const {
    return Grammar::parse(gbnf(root_body));
}

const std::vector<std::string> & JsonGrammarBuilder::notes() const {
    return m->rules.notes;
}

std::shared_ptr<const Grammar> json_schema_grammar(std::string_view schema_json) {
    JsonGrammarBuilder b;
    const std::string value = b.add_schema(schema_json, "schema");
    return b.build(value);
}

std::shared_ptr<const Grammar> json_object_grammar() {
    JsonGrammarBuilder b;
    return b.build(b.any_object());
}

}  // namespace hearth
