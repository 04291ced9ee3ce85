#include "model_edit.h"

#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"

namespace runtime_test {

std::vector<uint8_t> edit_model(const std::string & path, const ModelEdit & edit) {
    const hearth::GgufFile f = hearth::GgufFile::open(path);
    const std::string old_arch(f.architecture());
    hearth::GgufWriter w(f.version());
    for (const hearth::GgufKv & kv : f.metadata()) {
        std::string key(kv.key);
        if (key == edit.drop_key || key == "general.alignment") continue;
        if (!edit.architecture.empty()) {
            if (key == "general.architecture") {
                w.add_string(key, edit.architecture);
                continue;
            }
            if (key.rfind(old_arch + ".", 0) == 0) key = edit.architecture + key.substr(old_arch.size());
        }
        if (edit.context_length && key == old_arch + ".context_length") {
            w.add_u32(key, edit.context_length);
            continue;
        }
        w.add(key, kv.value);
    }
    for (const hearth::GgufTensor & t : f.tensors()) {
        const std::string name(t.name);
        if (name == edit.drop_tensor) continue;
        std::vector<int64_t> ne(t.ne, t.ne + t.n_dims);
        if (name == edit.reshape_tensor) std::swap(ne[0], ne[1]);
        if (name == edit.retype_tensor) {
            const std::vector<uint8_t> zeros(hearth::tensor_row_bytes(edit.retype, ne[0]) * size_t(t.n_rows()));
            w.add_tensor(name, edit.retype, ne, zeros);
            continue;
        }
        w.add_tensor(name, t.type, ne, t.data, t.n_bytes);
    }
    return w.to_bytes();
}

}  // namespace runtime_test
