#include "hearth/model.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "hearth/error.h"
#include "hearth/evaluator.h"
#include "model/architecture.h"
#include "model/weights.h"
#include "util/memory_lock.h"

namespace hearth {

namespace {

int32_t choose_ctx(const ModelHparams & hp, int32_t requested) {
    if (requested < 0)
        throw Error(ErrorCode_invalid_argument, "context size " + std::to_string(requested) + " is negative");
    if (requested == 0) return std::min(hp.n_ctx_train, kDefaultContextSize);
    return requested;  // past n_ctx_train RoPE runs on; the caller warns, as llama.cpp does
}

}  // namespace

Model::Model(GgufFile file, const LoadOptions & options) : m_file(std::move(file)), m_options(options) {
    const Architecture * a = &require_architecture(m_file);
    m_hparams.arch = std::string(m_file.architecture());
    a->read_hparams(m_file, m_hparams);
    validate_hparams(m_file, m_hparams);
    if (m_options.n_batch <= 0) m_options.n_batch = 512;
    m_n_ctx = choose_ctx(m_hparams, options.n_ctx);
    if (m_options.kv_type == KvType_q8_0 && (m_hparams.head_dim % 32 != 0 || m_hparams.head_dim_v % 32 != 0))
        throw Error(ErrorCode_invalid_argument, m_file.path() +
                                                    ": a q8_0 KV cache needs a head size that is a "
                                                    "multiple of 32 (this model has " +
                                                    std::to_string(m_hparams.head_dim) + ")");

    m_weights = std::make_unique<ModelWeights>();
    bind_weights(m_file, m_hparams, *m_weights, m_options.progress);
    if (m_options.mlock) m_lock_note = lock_in_memory(m_file.path(), m_file.base(), m_file.file_size());

    // Weights stay in the mmap; what gets allocated is the KV cache and scratch.
    // n_vocab is known only now, so the check runs after binding (which allocates nothing sizeable).
    // With GPU layers asked for, the KV cache is checked once the split is known (Evaluator).
    require_ram(m_file.path(), m_hparams, m_options, m_n_ctx, m_options.n_threads,
                m_options.n_gpu_layers == 0 ? -1 : 0);
}

Model::~Model() = default;

std::shared_ptr<Model> Model::load(const std::string & path, const LoadOptions & options) {
    return from_gguf(GgufFile::open(path), options);
}

std::shared_ptr<Model> Model::from_gguf(GgufFile file, const LoadOptions & options) {
    return std::shared_ptr<Model>(new Model(std::move(file), options));
}

std::string Model::description() const {
    // The most common matrix type names the quantization, as llama.cpp's file types do.
    std::map<std::string, int> counts;
    for (const LayerWeights & l : m_weights->layers) {
        for (const WeightView * v : l.matrices())
            if (v != &l.moe.router) ++counts[tensor_type_info(v->type).name];
        // Experts are most of a MoE model's bytes: count them once per expert.
        for (const ExpertWeights * e : {&l.moe.gate, &l.moe.up, &l.moe.down})
            if (*e) counts[tensor_type_info(e->type).name] += int(e->n_expert);
    }
    std::string quant = "?";
    int best = 0;
    for (const auto & [name, n] : counts)
        if (n > best) best = n, quant = name;
    std::ostringstream os;
    os << m_hparams.arch << " " << m_hparams.n_layer << "L " << m_hparams.n_embd << "d " << quant;
    return os.str();
}

}  // namespace hearth
