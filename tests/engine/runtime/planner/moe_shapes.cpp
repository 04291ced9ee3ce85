#include "moe_shapes.h"

#include <cstdint>
#include <vector>

#include "hearth/gguf_writer.h"

using namespace hearth;

namespace planner_test {

namespace {

// llama.cpp's use_more_bits: the layers Q4_K_M gives Q6_K for attn_v and ffn_down.
bool more_bits(int il, int n) {
    return il < n / 8 || il >= 7 * n / 8 || (il - n / 8) % 3 == 2;
}

struct Builder {
    GgufWriter w;
    unsigned long long bytes = 0;
    void tensor(const std::string & name, TensorType type, std::vector<int64_t> ne) {
        w.add_tensor_info(name, type, ne);
        uint64_t n = 1;
        for (int64_t d : ne) n *= uint64_t(d);
        const TensorTypeInfo & info = tensor_type_info(type);
        bytes += n / info.block_elems * info.block_bytes;
    }
};

}  // namespace

unsigned long long write_qwen3_30b_a3b_q4_k_m(const std::string & path) {
    Builder b;
    const std::string a = "qwen3moe.";
    b.w.add_string("general.architecture", "qwen3moe");
    b.w.add_u32(a + "context_length", 40960);
    b.w.add_u32(a + "embedding_length", 2048);
    b.w.add_u32(a + "block_count", 48);
    b.w.add_u32(a + "feed_forward_length", 6144);
    b.w.add_u32(a + "attention.head_count", 32);
    b.w.add_u32(a + "attention.head_count_kv", 4);
    b.w.add_u32(a + "attention.key_length", 128);
    b.w.add_u32(a + "attention.value_length", 128);
    b.w.add_u32(a + "expert_count", 128);
    b.w.add_u32(a + "expert_used_count", 8);
    b.w.add_u32(a + "expert_feed_forward_length", 768);
    b.w.add_f32(a + "attention.layer_norm_rms_epsilon", 1e-6f);
    b.w.add_f32(a + "rope.freq_base", 1e6f);
    const int64_t e = 2048, v = 151936, ff = 768, E = 128;
    b.tensor("token_embd.weight", TensorType_Q4_K, {e, v});
    b.tensor("output_norm.weight", TensorType_F32, {e});
    b.tensor("output.weight", TensorType_Q6_K, {e, v});
    for (int il = 0; il < 48; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        const TensorType more = more_bits(il, 48) ? TensorType_Q6_K : TensorType_Q4_K;
        b.tensor(p + "attn_norm.weight", TensorType_F32, {e});
        b.tensor(p + "attn_q.weight", TensorType_Q4_K, {e, 4096});
        b.tensor(p + "attn_k.weight", TensorType_Q4_K, {e, 512});
        b.tensor(p + "attn_v.weight", more, {e, 512});
        b.tensor(p + "attn_output.weight", TensorType_Q4_K, {4096, e});
        b.tensor(p + "attn_q_norm.weight", TensorType_F32, {128});
        b.tensor(p + "attn_k_norm.weight", TensorType_F32, {128});
        b.tensor(p + "ffn_norm.weight", TensorType_F32, {e});
        b.tensor(p + "ffn_gate_inp.weight", TensorType_F32, {e, E});
        b.tensor(p + "ffn_gate_exps.weight", TensorType_Q4_K, {e, ff, E});
        b.tensor(p + "ffn_up_exps.weight", TensorType_Q4_K, {e, ff, E});
        b.tensor(p + "ffn_down_exps.weight", more, {ff, e, E});
    }
    b.w.write_sparse_file(path);
    return b.bytes;
}

unsigned long long write_gpt_oss_20b_mxfp4(const std::string & path) {
    Builder b;
    const std::string a = "gpt-oss.";
    b.w.add_string("general.architecture", "gpt-oss");
    b.w.add_u32(a + "context_length", 131072);
    b.w.add_u32(a + "embedding_length", 2880);
    b.w.add_u32(a + "block_count", 24);
    b.w.add_u32(a + "feed_forward_length", 2880);
    b.w.add_u32(a + "attention.head_count", 64);
    b.w.add_u32(a + "attention.head_count_kv", 8);
    b.w.add_u32(a + "attention.key_length", 64);
    b.w.add_u32(a + "attention.value_length", 64);
    b.w.add_u32(a + "expert_count", 32);
    b.w.add_u32(a + "expert_used_count", 4);
    b.w.add_u32(a + "expert_feed_forward_length", 2880);
    b.w.add_u32(a + "attention.sliding_window", 128);
    b.w.add_f32(a + "attention.layer_norm_rms_epsilon", 1e-5f);
    b.w.add_f32(a + "rope.freq_base", 150000.0f);
    b.w.add_string(a + "rope.scaling.type", "yarn");
    b.w.add_f32(a + "rope.scaling.factor", 32.0f);
    b.w.add_u32(a + "rope.scaling.original_context_length", 4096);
    const int64_t e = 2880, v = 201088, ff = 2880, E = 32, q = 64 * 64, kv = 8 * 64;
    b.tensor("token_embd.weight", TensorType_Q8_0, {e, v});
    b.tensor("output_norm.weight", TensorType_F32, {e});
    b.tensor("output.weight", TensorType_Q8_0, {e, v});
    for (int il = 0; il < 24; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        b.tensor(p + "attn_norm.weight", TensorType_F32, {e});
        b.tensor(p + "attn_q.weight", TensorType_Q8_0, {e, q});
        b.tensor(p + "attn_q.bias", TensorType_F32, {q});
        b.tensor(p + "attn_k.weight", TensorType_Q8_0, {e, kv});
        b.tensor(p + "attn_k.bias", TensorType_F32, {kv});
        b.tensor(p + "attn_v.weight", TensorType_Q8_0, {e, kv});
        b.tensor(p + "attn_v.bias", TensorType_F32, {kv});
        b.tensor(p + "attn_output.weight", TensorType_Q8_0, {q, e});
        b.tensor(p + "attn_output.bias", TensorType_F32, {e});
        b.tensor(p + "attn_sinks.weight", TensorType_F32, {64});
        b.tensor(p + "post_attention_norm.weight", TensorType_F32, {e});
        b.tensor(p + "ffn_gate_inp.weight", TensorType_F32, {e, E});
        b.tensor(p + "ffn_gate_inp.bias", TensorType_F32, {E});
        for (const char * t : {"ffn_gate_exps", "ffn_up_exps"}) {
            b.tensor(p + t + ".weight", TensorType_MXFP4, {e, ff, E});
            b.tensor(p + t + ".bias", TensorType_F32, {ff, E});
        }
        b.tensor(p + "ffn_down_exps.weight", TensorType_MXFP4, {ff, e, E});
        b.tensor(p + "ffn_down_exps.bias", TensorType_F32, {e, E});
    }
    b.w.write_sparse_file(path);
    return b.bytes;
}

}  // namespace planner_test
