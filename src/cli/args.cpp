#include "args.h"

#include <cstdlib>

namespace Hearth::Cli {

namespace {
const std::string * findKey(const std::vector<std::vector<std::string>> & table, const std::string & arg) {
    for (const auto & spellings : table)
        for (const auto & s : spellings)
            if (s == arg) return &spellings.front();
    return nullptr;
}
}  // namespace

Args::Args(int argc, char ** argv, const std::vector<std::vector<std::string>> & withValue,
           const std::vector<std::vector<std::string>> & flags) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string inlineValue;
        bool hasInline = false;
        if (arg.rfind("--", 0) == 0) {
            auto eq = arg.find('=');
            if (eq != std::string::npos) {
                inlineValue = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
                hasInline = true;
            }
        }
        if (const std::string * key = findKey(withValue, arg)) {
            if (hasInline) {
                m_values[*key] = inlineValue;
            } else {
                if (i + 1 >= argc) throw UsageError("option " + arg + " needs a value");
                m_values[*key] = argv[++i];
            }
        } else if (const std::string * key = findKey(flags, arg)) {
            m_flags[*key] = true;
        } else if (arg.size() > 1 && arg[0] == '-' && arg != "-") {
            throw UsageError("unknown option " + arg);
        } else {
            m_positional.push_back(arg);
        }
    }
}

bool Args::flag(const std::string & key) const {
    return m_flags.count(key) != 0;
}

std::optional<std::string> Args::value(const std::string & key) const {
    auto it = m_values.find(key);
    if (it == m_values.end()) return std::nullopt;
    return it->second;
}

std::string Args::value(const std::string & key, const std::string & fallback) const {
    return value(key).value_or(fallback);
}

std::string Args::required(const std::string & key) const {
    auto v = value(key);
    if (!v) throw UsageError("missing required option " + key);
    return *v;
}

long long Args::integer(const std::string & key, long long fallback) const {
    auto v = value(key);
    if (!v) return fallback;
    char * end = nullptr;
    long long n = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0') throw UsageError("option " + key + " expects an integer, got '" + *v + "'");
    return n;
}

double Args::number(const std::string & key, double fallback) const {
    auto v = value(key);
    if (!v) return fallback;
    char * end = nullptr;
    double d = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0') throw UsageError("option " + key + " expects a number, got '" + *v + "'");
    return d;
}

}  // namespace Hearth::Cli
