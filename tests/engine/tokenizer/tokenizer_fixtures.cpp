#include "tokenizer_fixtures.h"

#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "common/fixtures.h"
#include "hearth/gguf.h"

namespace hearth_test {

std::string vocab_path(const std::string & name) {
    return fixture("vocab/ggml-vocab-" + name + ".gguf");
}

std::vector<VocabCase> load_vocab_cases(const std::string & name) {
    const std::string base = vocab_path(name);
    const std::string inp = read_text(base + ".inp");
    const std::string out = read_text(base + ".out");
    const std::string sep = "\n__ggml_vocab_test__\n";

    std::vector<VocabCase> cases;
    for (size_t pos = 0;;) {
        const size_t hit = inp.find(sep, pos);
        if (hit == std::string::npos) break;
        cases.push_back({inp.substr(pos, hit - pos), {}});
        pos = hit + sep.size();
    }
    std::istringstream lines(out);
    std::string line;
    size_t i = 0;
    for (; std::getline(lines, line); ++i) {
        if (i >= cases.size()) throw std::runtime_error(base + ".out has more lines than inputs");
        std::istringstream ids(line);
        int32_t id = 0;
        while (ids >> id) cases[i].expected.push_back(id);
    }
    if (i != cases.size()) throw std::runtime_error(base + ".out has fewer lines than inputs");
    return cases;
}

const hearth::Tokenizer & vocab_tokenizer(const std::string & name) {
    static std::map<std::string, std::unique_ptr<hearth::Tokenizer>> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        const hearth::GgufFile file = hearth::GgufFile::open(vocab_path(name));
        it = cache.emplace(name, std::make_unique<hearth::Tokenizer>(hearth::Tokenizer::from_gguf(file))).first;
    }
    return *it->second;
}

std::string ids_to_string(const std::vector<int32_t> & ids) {
    std::string s;
    for (int32_t id : ids) s += " " + std::to_string(id);
    return s;
}

}  // namespace hearth_test
