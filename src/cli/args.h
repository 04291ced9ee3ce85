// A small argument parser shared by hearth-cli's commands.
//
// Options are declared up front, so an unknown flag or a missing value is a
// one-line usage error rather than being silently ignored.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace Hearth::Cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Args {
public:
    // `withValue` and `flags` list option spellings, e.g. {"-m", "--model"}; the
    // first spelling of each entry is the key used to look it up.
    Args(int argc, char ** argv, const std::vector<std::vector<std::string>> & withValue,
         const std::vector<std::vector<std::string>> & flags);

    bool flag(const std::string & key) const;
    std::optional<std::string> value(const std::string & key) const;
    std::string value(const std::string & key, const std::string & fallback) const;
    std::string required(const std::string & key) const;
    long long integer(const std::string & key, long long fallback) const;
    double number(const std::string & key, double fallback) const;
    const std::vector<std::string> & positional() const { return m_positional; }

private:
    std::map<std::string, std::string> m_values;
    std::map<std::string, bool> m_flags;
    std::vector<std::string> m_positional;
};

}  // namespace Hearth::Cli
