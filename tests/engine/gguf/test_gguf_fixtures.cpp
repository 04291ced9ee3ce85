// Every GGUF fixture opens, and what the reader finds agrees with the fixtures
// README (../shared/fixtures/README.md) and with the architectures' tensor
// shapes: parameter counts are recomputed from the hyper-parameters.
#include <QtTest>
#include <algorithm>
#include <filesystem>

#include "common/fixtures.h"
#include "hearth/error.h"
#include "hearth/gguf.h"

using namespace hearth;

namespace {

const GgufTensor & tensor(const GgufFile & f, const std::string & name) {
    const GgufTensor * t = f.find_tensor(name);
    if (t == nullptr) throw std::runtime_error(f.path() + ": no tensor " + name);
    return *t;
}

std::string key(const GgufFile & f, const char * suffix) {
    return std::string(f.architecture()) + "." + suffix;
}

// Parameters of a llama-family decoder, from its hyper-parameters:
// token_embd [n_embd, n_vocab], per layer attn_norm/ffn_norm [n_embd],
// q [n_embd, n_head*head_dim], k/v [n_embd, n_kv*head_dim], o [n_head*head_dim, n_embd],
// gate/up [n_embd, n_ff], down [n_ff, n_embd]; qwen2 adds q/k/v biases, qwen3
// adds q/k norms [head_dim]; output [n_embd, n_vocab] unless tied.
// qwen3moe swaps the FFN for a router [n_embd, n_expert] and n_expert experts
// of gate/up/down [n_embd, n_ff_exp].
uint64_t expected_parameters(const GgufFile & f, uint64_t n_vocab) {
    const uint64_t n_embd = f.get_uint(key(f, "embedding_length"), 0);
    const uint64_t n_ff = f.get_uint(key(f, "feed_forward_length"), 0);
    const uint64_t n_expert = f.get_uint(key(f, "expert_count"), 0);
    const uint64_t n_ff_exp = f.get_uint(key(f, "expert_feed_forward_length"), 0);
    const uint64_t n_layer = f.get_uint(key(f, "block_count"), 0);
    const uint64_t n_head = f.get_uint(key(f, "attention.head_count"), 0);
    const uint64_t n_kv = f.get_uint(key(f, "attention.head_count_kv"), n_head);
    const uint64_t head_dim = f.get_uint(key(f, "attention.key_length"), n_embd / n_head);
    const uint64_t q_dim = n_head * head_dim, kv_dim = n_kv * head_dim;
    const uint64_t ffn = n_expert > 0 ? n_embd * n_expert + n_expert * 3 * n_embd * n_ff_exp : 3 * n_embd * n_ff;
    uint64_t layer = 2 * n_embd + n_embd * q_dim + 2 * n_embd * kv_dim + q_dim * n_embd + ffn;
    if (f.architecture() == "qwen2") layer += q_dim + 2 * kv_dim;
    if (f.architecture() == "qwen3" || f.architecture() == "qwen3moe") layer += 2 * head_dim;
    uint64_t total = n_vocab * n_embd + n_layer * layer + n_embd;
    if (f.find_tensor("output.weight")) total += n_embd * n_vocab;
    return total;
}

uint64_t parameters(const GgufFile & f) {
    uint64_t n = 0;
    for (const GgufTensor & t : f.tensors()) n += static_cast<uint64_t>(t.n_elements());
    return n;
}

std::vector<std::string> all_fixture_ggufs() {
    std::vector<std::string> out;
    for (const auto & e : std::filesystem::recursive_directory_iterator(hearth_test::fixtures_dir()))
        if (e.is_regular_file() && e.path().extension() == ".gguf") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

class GgufFixturesTest : public QObject {
    Q_OBJECT

private slots:
    void everyFixtureOpens();
    void stories260K();
    void synthetic_data();
    void synthetic();
    void vocabularies();
};

void GgufFixturesTest::everyFixtureOpens() {
    std::vector<std::string> files = all_fixture_ggufs();
    QVERIFY2(files.size() >= 30, "expected the 30 GGUF fixtures (models/, models/synthetic/, vocab/)");
    for (const std::string & path : files) {
        GgufFile f = GgufFile::open(path);
        QVERIFY2(f.version() == 3, path.c_str());
        QVERIFY2(!f.architecture().empty(), path.c_str());
        QVERIFY2(f.get_array("tokenizer.ggml.tokens") != nullptr, path.c_str());
        // llama.cpp writes the tensors back to back, each padded to the alignment:
        // the views must tile the data section exactly.
        std::vector<const GgufTensor *> sorted;
        for (const GgufTensor & t : f.tensors()) sorted.push_back(&t);
        std::sort(sorted.begin(), sorted.end(), [](auto * a, auto * b) { return a->offset < b->offset; });
        uint64_t expect = 0;
        for (const GgufTensor * t : sorted) {
            QVERIFY2(t->offset == expect, (path + ": gap before " + std::string(t->name)).c_str());
            QCOMPARE(t->data, f.base() + f.data_offset() + t->offset);
            QCOMPARE(t->n_bytes, tensor_row_bytes(t->type, t->ne[0]) * static_cast<size_t>(t->n_rows()));
            expect = (t->offset + t->n_bytes + f.alignment() - 1) / f.alignment() * f.alignment();
        }
        if (!sorted.empty()) QCOMPARE(f.data_offset() + expect, f.file_size());
    }
}

void GgufFixturesTest::stories260K() {
    GgufFile f = GgufFile::open(HEARTH_FIXTURE("models/stories260K.gguf"));
    QCOMPARE(f.architecture(), std::string_view("llama"));
    QCOMPARE(f.get_uint("llama.block_count", 0), uint64_t(5));
    QCOMPARE(f.get_uint("llama.embedding_length", 0), uint64_t(64));
    QCOMPARE(f.get_uint("llama.attention.head_count", 0), uint64_t(8));
    QCOMPARE(f.get_uint("llama.attention.head_count_kv", 0), uint64_t(4));
    QVERIFY(!f.has("llama.rope.freq_base"));  // the README: base 10000 by default
    QCOMPARE(f.get_string("tokenizer.ggml.model"), std::string_view("llama"));
    const GgufArray * tokens = f.get_array("tokenizer.ggml.tokens");
    QCOMPARE(tokens->items.size(), size_t(512));
    QCOMPARE(tokens->items[1].as_string(), std::string_view("<s>"));
    QCOMPARE(f.get_array("tokenizer.ggml.scores")->items.size(), size_t(512));
    QCOMPARE(f.get_uint("tokenizer.ggml.bos_token_id", 99), uint64_t(1));
    QVERIFY(f.get_float("llama.attention.layer_norm_rms_epsilon", 0) > 0);

    QCOMPARE(f.tensors().size(), size_t(2 + 1 + 5 * 9));  // embd, norm, output + 9 per layer
    const GgufTensor & embd = tensor(f, "token_embd.weight");
    QCOMPARE(embd.shape_string(), std::string("[64, 512]"));
    QCOMPARE(embd.type, TensorType_F32);
    QCOMPARE(tensor(f, "blk.4.attn_k.weight").shape_string(), std::string("[64, 32]"));  // 4 KV heads x 8
    QCOMPARE(tensor(f, "blk.0.ffn_down.weight").ne[1], int64_t(64));
    QCOMPARE(parameters(f), expected_parameters(f, 512));
    QCOMPARE(parameters(f), uint64_t(292800));
    for (const GgufTensor & t : f.tensors()) QCOMPARE(t.type, TensorType_F32);
}

void GgufFixturesTest::synthetic_data() {
    QTest::addColumn<QString>("file");
    for (const std::string & path : all_fixture_ggufs())
        if (path.find("/synthetic/") != std::string::npos)
            QTest::newRow(std::filesystem::path(path).filename().string().c_str()) << QString::fromStdString(path);
}

void GgufFixturesTest::synthetic() {
    QFETCH(QString, file);
    GgufFile f = GgufFile::open(file.toStdString());
    const std::string stem = std::filesystem::path(file.toStdString()).stem().string();  // "qwen3-Q4_K_M"
    const std::string arch = stem.substr(0, stem.rfind('-'));
    const std::string quant = stem.substr(stem.rfind('-') + 1);
    QCOMPARE(std::string(f.architecture()), arch);
    QCOMPARE(f.get_uint(key(f, "embedding_length"), 0), uint64_t(256));
    QCOMPARE(f.get_array("tokenizer.ggml.tokens")->items.size(), size_t(512));
    const bool dense = arch == "llama" || arch == "qwen2" || arch == "qwen3";
    if (dense) {  // the README's dense shapes: n_ff 768, 4 heads, 2 KV heads, 2 layers
        QCOMPARE(f.get_uint(key(f, "feed_forward_length"), 0), uint64_t(768));
        QCOMPARE(f.get_uint(key(f, "attention.head_count"), 0), uint64_t(4));
        QCOMPARE(f.get_uint(key(f, "attention.head_count_kv"), 0), uint64_t(2));
        QCOMPARE(f.get_uint(key(f, "block_count"), 0), uint64_t(2));
    }
    if (dense || arch == "qwen3moe") QCOMPARE(parameters(f), expected_parameters(f, 512));
    if (arch == "qwen3moe" || arch == "gpt-oss") {
        // ffn_{gate,up}_exps are (n_embd, n_ff_exp, n_expert); ffn_down_exps (n_ff_exp, n_embd, n_expert).
        const uint64_t n_expert = f.get_uint(key(f, "expert_count"), 0);
        const uint64_t n_ff_exp = f.get_uint(key(f, "expert_feed_forward_length"), 0);
        QVERIFY(f.get_uint(key(f, "expert_used_count"), 0) < n_expert);
        const GgufTensor & down = tensor(f, "blk.0.ffn_down_exps.weight");
        QCOMPARE(uint64_t(down.ne[0]), n_ff_exp);
        QCOMPARE(uint64_t(down.ne[2]), n_expert);
        QCOMPARE(tensor(f, "blk.0.ffn_gate_inp.weight").type, TensorType_F32);  // the router stays F32
    }
    if (arch == "gemma3") {
        QVERIFY(f.find_tensor("output.weight") == nullptr);  // tied
        QVERIFY(f.find_tensor("blk.0.post_ffw_norm.weight") != nullptr);
        QVERIFY(f.get_uint(key(f, "attention.sliding_window"), 0) > 0);
    }
    if (arch == "qwen35") {
        const uint64_t interval = f.get_uint(key(f, "full_attention_interval"), 0);
        QVERIFY(interval > 0);
        // Layer l is full attention iff (l + 1) % interval == 0; the others are DeltaNet.
        for (uint64_t l = 0; l < f.get_uint(key(f, "block_count"), 0); ++l) {
            const std::string blk = "blk." + std::to_string(l) + ".";
            const bool full = (l + 1) % interval == 0;
            QCOMPARE(f.find_tensor(blk + "ssm_a") != nullptr, !full);
            QCOMPARE(f.find_tensor(blk + "attn_k.weight") != nullptr, full);
        }
    }

    // The file type names the quant in the file name (f32 is ALL_F32).
    const char * ftype = gguf_file_type_name(static_cast<uint32_t>(f.get_uint("general.file_type", 9999)));
    QVERIFY(ftype != nullptr);
    // llama-quantize's "IQ2_S" file type writes IQ2_XS tensors: the IQ2_S
    // fixture was made with the IQ2_M file type (the README).
    const std::string file_quant = quant == "IQ2_S" ? "IQ2_M" : quant;
    QCOMPARE(std::string(ftype), quant == "f32" ? std::string("ALL_F32") : "MOSTLY_" + file_quant);

    if (arch == "qwen3") {
        QCOMPARE(f.get_uint("qwen3.attention.key_length", 0), uint64_t(128));  // != 256 / 4
        QCOMPARE(tensor(f, "blk.0.attn_q_norm.weight").ne[0], int64_t(128));
        QVERIFY(f.find_tensor("blk.1.attn_k_norm.weight") != nullptr);
        QCOMPARE(tensor(f, "blk.0.attn_q.weight").ne[1], int64_t(512));
    }
    if (arch == "qwen2") {
        QVERIFY(f.find_tensor("output.weight") == nullptr);  // tied to token_embd
        QCOMPARE(tensor(f, "blk.0.attn_q.bias").ne[0], int64_t(256));
        QCOMPARE(tensor(f, "blk.1.attn_v.bias").ne[0], int64_t(128));
    }
    if (arch == "llama") {
        // --pure: every 2-D tensor has the file's type ("Q3_K_S" is stored as Q3_K).
        std::string want = quant == "f32" ? "F32" : quant;
        if (want.find("_K_") != std::string::npos) want = want.substr(0, want.size() - 2);
        for (const GgufTensor & t : f.tensors())
            if (t.n_dims == 2) QCOMPARE(std::string(tensor_type_info(t.type).name), want);
    }
    if (quant == "Q4_K_M") {
        bool has_q6k = false;
        for (const GgufTensor & t : f.tensors()) has_q6k |= t.type == TensorType_Q6_K;
        QVERIFY2(has_q6k, "llama.cpp's Q4_K_M mixture keeps some tensors in Q6_K");
    }
}

void GgufFixturesTest::vocabularies() {
    struct Vocab {
        const char * file;
        const char * model;
        const char * pre;  // "" when absent
        size_t n_tokens;
        bool has_template;
    };
    const Vocab vocabs[] = {
        {"vocab/ggml-vocab-llama-spm.gguf", "llama", "default", 32000, false},
        {"vocab/ggml-vocab-gpt-2.gguf", "gpt2", "gpt-2", 50257, false},
        {"vocab/ggml-vocab-qwen2.gguf", "gpt2", "qwen2", 151936, true},
        {"vocab/ggml-vocab-llama-bpe.gguf", "gpt2", "llama-bpe", 128256, true},
    };
    for (const Vocab & v : vocabs) {
        GgufFile f = GgufFile::open(HEARTH_FIXTURE(v.file));
        QCOMPARE(f.get_string("tokenizer.ggml.model"), std::string_view(v.model));
        QCOMPARE(f.get_string("tokenizer.ggml.pre"), std::string_view(v.pre));
        const GgufArray * tokens = f.get_array("tokenizer.ggml.tokens");
        QCOMPARE(tokens->elem_type, GgufType_string);
        QCOMPARE(tokens->items.size(), v.n_tokens);
        QCOMPARE(f.has("tokenizer.chat_template"), v.has_template);
        if (std::string_view(v.model) == "gpt2") {
            const GgufArray * merges = f.get_array("tokenizer.ggml.merges");
            QVERIFY(merges != nullptr && merges->items.size() > 40000);
            QVERIFY(merges->items[0].as_string().find(' ') != std::string_view::npos);
        }
    }
    // Qwen3's vocabulary carries its reasoning and tool-call markers and its template.
    GgufFile q = GgufFile::open(HEARTH_FIXTURE("vocab/ggml-vocab-qwen2.gguf"));
    bool think = false, tool = false;
    for (const GgufValue & t : q.get_array("tokenizer.ggml.tokens")->items) {
        think |= t.as_string() == "<think>";
        tool |= t.as_string() == "<tool_call>";
    }
    QVERIFY(think && tool);
    QVERIFY(q.get_string("tokenizer.chat_template").find("<|im_start|>") != std::string_view::npos);
}

QTEST_APPLESS_MAIN(GgufFixturesTest)
#include "test_gguf_fixtures.moc"
