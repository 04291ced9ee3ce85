#include "server/served_model.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "hearth/chat_setup.h"
#include "hearth/vocab.h"

namespace Hearth::Server {

namespace {

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

ServedModel servedModelOf(const std::string & path, const hearth::ChatSetup & setup,
                          std::shared_ptr<const hearth::Tokenizer> tokenizer) {
    ServedModel m;
    m.id = stem(path);
    m.path = path;
    m.created = modificationTime(path);
    m.chatTemplate = setup.chat_template;
    m.templateFromModel = setup.template_from_model;
    m.templateNote = setup.template_note;
    m.toolFormat = setup.tool_format;
    m.special = setup.special;
    m.stripBos = setup.strip_bos;
    m.nCtxTrain = setup.n_ctx_train;
    m.nCtx = setup.n_ctx;
    const hearth::Vocab & vocab = tokenizer->vocab();
    for (int32_t id = 0; id < vocab.n_tokens(); ++id)
        m.maxTokenBytes = std::max(m.maxTokenBytes, vocab.text(id).size());
    m.tokenizer = std::move(tokenizer);
    return m;
}

}  // namespace Hearth::Server
