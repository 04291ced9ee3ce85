// llama: Llama 2/3, Mistral, TinyLlama, the tinyllamas "stories" models.
// Interleaved-pair RoPE, no biases, optional separate output matrix.
#include "model/architecture.h"
#include "model/weights.h"

namespace hearth {

namespace {
void read_llama(const GgufFile & file, ModelHparams & hp) {
    read_common_hparams(file, hp, 1e-5f);
    hp.rope_type = RopeType_normal;
}
}  // namespace

void bind_llama_layer(WeightBinder & b, const ModelHparams & hp, int il, LayerWeights & l) {
    const std::string p = "blk." + std::to_string(il) + ".";
    l.attn_norm = b.vector(p + "attn_norm.weight", hp.n_embd, true);
    bind_attention(b, hp, p, l.attn);
    l.ffn_norm = b.vector(p + "ffn_norm.weight", hp.n_embd, true);
    bind_dense_ffn(b, hp, p, l.ffn);
}

const Architecture & architecture_llama() {
    static const Architecture arch{"llama", &read_llama, &bind_llama_layer};
    return arch;
}

}  // namespace hearth
