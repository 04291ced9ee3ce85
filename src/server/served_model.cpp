#include "server/served_model.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/vocab.h"

namespace Hearth::Server {

namespace {

constexpr int32_t kDefaultMaxCtx = 4096;  // the engine's cap when LoadOptions::n_ctx is 0

std::string stem(const std::string & path) {
    std::string name = std::filesystem::path(path).filename().string();
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".gguf") == 0) name.resize(name.size() - 5);
    return name;
}

int64_t modificationTime(const std::string & path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? int64_t(st.st_mtime) : 0;
}

}  // namespace

bool ServedModel::matches(const std::string & name) const {
    const std::string file = std::filesystem::path(path).filename().string();
    return name == id || name == id + ".gguf" || name == file ||
           (file.size() > 5 && name == file.substr(0, file.size() - 5));
}

ServedModel readServedModel(const std::string & path, int32_t requestedCtx, const std::string & templateFile) {
    const hearth::GgufFile file = hearth::GgufFile::open(path);
    ServedModel m;
    m.id = stem(path);
    m.path = path;
    m.created = modificationTime(path);
    if (!templateFile.empty()) {
        m.chatTemplate = std::make_shared<const hearth::ChatTemplate>(hearth::ChatTemplate::from_file(templateFile));
    } else {
        auto t = std::make_shared<const hearth::ChatTemplate>(hearth::ChatTemplate::from_gguf(file));
        m.templateFromModel = !t->is_fallback();
        m.chatTemplate = std::move(t);
    }
    m.toolFormat = hearth::tool_call_format_for_template(m.chatTemplate->source());

    auto tokenizer = std::make_shared<const hearth::Tokenizer>(hearth::Tokenizer::from_gguf(file));
    const hearth::Vocab & vocab = tokenizer->vocab();
    auto text = [&](int32_t id) { return vocab.is_valid(id) ? vocab.text(id) : std::string(); };
    m.special = {text(vocab.token_bos()), text(vocab.token_eos())};
    m.stripBos = vocab.add_bos() && !m.special.bos.empty();
    for (int32_t id = 0; id < vocab.n_tokens(); ++id)
        m.maxTokenBytes = std::max(m.maxTokenBytes, vocab.text(id).size());
    m.tokenizer = std::move(tokenizer);

    const std::string arch(file.architecture());
    const int32_t trained = int32_t(file.get_int(arch + ".context_length", 2048));
    m.nCtxTrain = trained;
    m.nCtx = requestedCtx > 0 ? requestedCtx : std::min(trained, kDefaultMaxCtx);
    return m;
}

}  // namespace Hearth::Server
