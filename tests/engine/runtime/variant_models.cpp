#include "variant_models.h"

#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>

#include "hearth/gguf.h"

namespace runtime_test {

namespace {

std::vector<uint8_t> bytes_of(const hearth::GgufTensor & t) {
    return std::vector<uint8_t>(t.data, t.data + t.n_bytes);
}

std::vector<int64_t> shape_of(const hearth::GgufTensor & t) {
    return std::vector<int64_t>(t.ne, t.ne + t.n_dims);
}

// Two tensors of the same row length stacked: the rows of a, then of b.
std::vector<uint8_t> concat(const std::vector<uint8_t> & a, const std::vector<uint8_t> & b) {
    std::vector<uint8_t> out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

}  // namespace

std::vector<uint8_t> build_variant(const std::string & fixture_path, const Variant & v) {
    const hearth::GgufFile f = hearth::GgufFile::open(fixture_path);
    const std::string from = std::string(f.architecture()) + ".";
    const std::string to = v.arch + ".";
    const int64_t src_layers = int64_t(f.get_uint(from + "block_count", 0));
    const int32_t n_layer = v.n_layer > 0 ? v.n_layer : int32_t(src_layers);
    hearth::GgufWriter w;
    for (const hearth::GgufKv & kv : f.metadata()) {
        std::string key(kv.key);
        if (key == "general.architecture") {
            w.add_string(key, v.arch);
            continue;
        }
        if (key.rfind(from, 0) == 0) key = to + key.substr(from.size());
        if (key == to + "block_count") {
            w.add_u32(key, uint32_t(n_layer));
            continue;
        }
        w.add(key, kv.value);
    }
    if (v.keys) v.keys(w, to);

    std::map<std::string, const hearth::GgufTensor *> by_name;
    for (const hearth::GgufTensor & t : f.tensors()) by_name[std::string(t.name)] = &t;
    auto get = [&](const std::string & name) {
        const auto it = by_name.find(name);
        if (it == by_name.end()) throw std::runtime_error("variant: fixture has no " + name);
        return it->second;
    };
    for (const hearth::GgufTensor & t : f.tensors()) {
        const std::string name(t.name);
        if (name.rfind("blk.", 0) == 0) continue;
        if (v.drop_output && name == "output.weight") continue;
        w.add_tensor(name, t.type, shape_of(t), bytes_of(t));
    }
    const int64_t head_dim =
        int64_t(f.get_uint(from + "attention.key_length",
                           f.get_uint(from + "embedding_length", 0) / f.get_uint(from + "attention.head_count", 1)));
    for (int32_t il = 0; il < n_layer; ++il) {
        const std::string src = "blk." + std::to_string(il % src_layers) + ".";
        const std::string dst = "blk." + std::to_string(il) + ".";
        for (const hearth::GgufTensor & t : f.tensors()) {
            std::string name(t.name);
            if (name.rfind(src, 0) != 0) continue;
            const std::string leaf = name.substr(src.size());
            if (v.fuse_qkv && (leaf == "attn_k.weight" || leaf == "attn_v.weight")) continue;
            if (v.fuse_gate_up && (leaf == "ffn_gate.weight")) continue;
            if (v.fuse_qkv && leaf == "attn_q.weight") {
                const hearth::GgufTensor * k = get(src + "attn_k.weight");
                const hearth::GgufTensor * vv = get(src + "attn_v.weight");
                w.add_tensor(dst + "attn_qkv.weight", t.type, {t.ne[0], t.ne[1] + k->ne[1] + vv->ne[1]},
                             concat(concat(bytes_of(t), bytes_of(*k)), bytes_of(*vv)));
                continue;
            }
            if (v.fuse_gate_up && leaf == "ffn_up.weight") {
                const hearth::GgufTensor * g = get(src + "ffn_gate.weight");
                w.add_tensor(dst + "ffn_up.weight", t.type, {t.ne[0], 2 * t.ne[1]}, concat(bytes_of(*g), bytes_of(t)));
                continue;
            }
            std::string out = dst + leaf;
            if (!v.ffn_norm_name.empty() && leaf == "ffn_norm.weight") out = dst + v.ffn_norm_name + ".weight";
            w.add_tensor(out, t.type, shape_of(t), bytes_of(t));
        }
        if (v.add_qk_norms) {
            std::vector<float> q(static_cast<size_t>(head_dim)), k(static_cast<size_t>(head_dim));
            for (int64_t i = 0; i < head_dim; ++i) {
                q[size_t(i)] = 1.0f + 0.3f * std::sin(float(i + il));
                k[size_t(i)] = 1.0f - 0.2f * std::cos(float(2 * i + il));
            }
            w.add_tensor_f32(dst + "attn_q_norm.weight", {head_dim}, q);
            w.add_tensor_f32(dst + "attn_k_norm.weight", {head_dim}, k);
        }
    }
    for (const auto & [name, values] : v.extra_f32) w.add_tensor_f32(name, {int64_t(values.size())}, values);
    return w.to_bytes();
}

}  // namespace runtime_test
