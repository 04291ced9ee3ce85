// Load errors on real bad inputs: fixture models with a tensor missing, a
// wrong shape, a type the CPU cannot compute, an unsupported architecture;
// a context beyond the trained one, which loads (callers warn, as
// llama.cpp does); and evaluation errors (ids out of range, context full).
#include <QtTest>
#include <cmath>
#include <vector>

#include "common/fixtures.h"
#include "hearth/error.h"
#include "hearth/evaluator.h"
#include "hearth/model.h"
#include "model_edit.h"

using namespace runtime_test;

namespace {

// Loads edited bytes; returns the error (code, message) or fails.
hearth::Error load_error(const std::string & rel, const ModelEdit & edit, const hearth::LoadOptions & opts = {}) {
    const std::vector<uint8_t> bytes = edit_model(hearth_test::fixture(rel), edit);
    try {
        hearth::Model::from_gguf(hearth::GgufFile::parse(hearth::own_bytes(bytes), "edited.gguf"), opts);
    } catch (const hearth::Error & e) {
        return e;
    }
    return hearth::Error(hearth::ErrorCode_io, "<loaded without error>");
}

}  // namespace

class TestModelErrors : public QObject {
    Q_OBJECT

private slots:
    void unchangedCopyLoads() {
        const std::vector<uint8_t> bytes = edit_model(HEARTH_FIXTURE("models/stories260K.gguf"), {});
        auto m = hearth::Model::from_gguf(hearth::GgufFile::parse(hearth::own_bytes(bytes), "copy.gguf"));
        QCOMPARE(m->hparams().n_layer, 5);
        QCOMPARE(m->hparams().n_vocab, 512);
        QCOMPARE(m->hparams().rope_freq_base, 10000.0f);  // no key in the file: llama.cpp's default
        QCOMPARE(m->hparams().n_head_kv, 4);
    }

    void missingTensor() {
        ModelEdit e;
        e.drop_tensor = "blk.3.ffn_up.weight";
        const hearth::Error err = load_error("models/stories260K.gguf", e);
        QCOMPARE(err.code(), hearth::ErrorCode_model);
        QVERIFY2(QString(err.what()).contains("missing tensor 'blk.3.ffn_up.weight'"), err.what());
    }

    void wrongShape() {
        ModelEdit e;
        e.reshape_tensor = "blk.1.attn_k.weight";
        const hearth::Error err = load_error("models/stories260K.gguf", e);
        QCOMPARE(err.code(), hearth::ErrorCode_model);
        QVERIFY2(QString(err.what()).contains("'blk.1.attn_k.weight' has shape [32, 64], expected [64, 32]"),
                 err.what());
    }

    void unsupportedType() {
        ModelEdit e;
        e.retype_tensor = "blk.0.attn_q.weight";
        e.retype = hearth::TensorType_TQ1_0;  // ternary: no kernel in Hearth
        const hearth::Error err = load_error("models/synthetic/llama-f32.gguf", e);
        QCOMPARE(err.code(), hearth::ErrorCode_unsupported);
        QVERIFY2(QString(err.what()).contains("'blk.0.attn_q.weight' has type TQ1_0"), err.what());
    }

    void unsupportedArchitecture() {
        ModelEdit e;
        e.architecture = "mamba";
        const hearth::Error err = load_error("models/stories260K.gguf", e);
        QCOMPARE(err.code(), hearth::ErrorCode_unsupported);
        QVERIFY2(QString(err.what()).contains("Unsupported architecture 'mamba'"), err.what());
    }

    void missingHyperParameter() {
        ModelEdit e;
        e.drop_key = "llama.embedding_length";
        const hearth::Error err = load_error("models/stories260K.gguf", e);
        QCOMPARE(err.code(), hearth::ErrorCode_model);
        QVERIFY2(QString(err.what()).contains("llama.embedding_length"), err.what());
    }

    void qwen3MissingQkNorm() {
        ModelEdit e;
        e.drop_tensor = "blk.1.attn_k_norm.weight";
        const hearth::Error err = load_error("models/synthetic/qwen3-f32.gguf", e);
        QVERIFY2(QString(err.what()).contains("missing tensor 'blk.1.attn_k_norm.weight'"), err.what());
    }

    void contextBeyondTrained() {
        hearth::LoadOptions opts;
        opts.n_ctx = 4096;  // stories260K was trained at 2048
        auto model = hearth::Model::load(HEARTH_FIXTURE("models/stories260K.gguf"), opts);
        QCOMPARE(model->n_ctx(), 4096);
        QCOMPARE(model->hparams().n_ctx_train, 2048);
        // Positions past the trained context evaluate (RoPE runs on).
        hearth::Evaluator ev(model, 1);
        const std::vector<int32_t> ids(2100, 100);
        QVERIFY(ev.eval(ids.data(), int32_t(ids.size())));
        QCOMPARE(ev.n_past(), 2100);
        const float * logits = ev.last_logits();
        for (int i = 0; i < 16; ++i) QVERIFY(std::isfinite(logits[i]));
    }

    void notEnoughMemory() {
        // A context of 2^28 tokens needs ~160 GiB of KV cache: refused before allocating.
        ModelEdit e;
        e.context_length = 1u << 28;
        hearth::LoadOptions opts;
        opts.n_ctx = 1 << 28;
        const hearth::Error err = load_error("models/stories260K.gguf", e, opts);
        QCOMPARE(err.code(), hearth::ErrorCode_resources);
        QVERIFY2(QString(err.what()).contains("needs 1638") && QString(err.what()).contains("MiB"), err.what());
    }

    void memoryCheckWaitsForTheGpuSplit() {
        // With GPU layers asked for, Model::load counts only the scratch (the
        // GPU may hold the KV cache); the Evaluator checks the CPU layers'
        // cache once the split is known. Here no GPU takes any layer, so the
        // whole 160 GiB cache lands on the CPU and is refused there.
        ModelEdit e;
        e.context_length = 1u << 28;
        hearth::LoadOptions opts;
        opts.n_ctx = 1 << 28;
        opts.n_gpu_layers = -1;
        const std::vector<uint8_t> bytes = edit_model(hearth_test::fixture("models/stories260K.gguf"), e);
        auto model = hearth::Model::from_gguf(hearth::GgufFile::parse(hearth::own_bytes(bytes), "edited.gguf"), opts);
        try {
            // No GPU here (or none with 160 GiB free): every layer stays on the CPU.
            hearth::Evaluator ev(model, 1);
            QFAIL("a 160 GiB KV cache was allocated on the CPU");
        } catch (const hearth::Error & err) {
            QCOMPARE(err.code(), hearth::ErrorCode_resources);
            QVERIFY2(QString(err.what()).contains("needs 1638") && QString(err.what()).contains("not enough memory"),
                     err.what());
        }
        const hearth::ModelHparams & hp = model->hparams();
        const size_t all = hearth::evaluator_memory_bytes(hp, opts, opts.n_ctx, 1);
        const size_t none = hearth::evaluator_memory_bytes(hp, opts, opts.n_ctx, 1, 0);
        const size_t two = hearth::evaluator_memory_bytes(hp, opts, opts.n_ctx, 1, 2);
        // f16 K and V rows of every layer at every position.
        QCOMPARE(all - none, size_t(hp.n_layer) * size_t(opts.n_ctx) * size_t(hp.n_embd_k() + hp.n_embd_v()) * 2);
        QCOMPARE((two - none) * size_t(hp.n_layer), (all - none) * 2);
    }

    void loadCancelled() {
        hearth::LoadOptions opts;
        opts.progress = [](float f) { return f < 0.5f; };
        try {
            hearth::Model::load(HEARTH_FIXTURE("models/stories260K.gguf"), opts);
            QFAIL("loaded despite the cancel");
        } catch (const hearth::Error & e) {
            QCOMPARE(e.code(), hearth::ErrorCode_cancelled);
        }
    }

    void idsOutOfRange() {
        auto m = hearth::Model::load(HEARTH_FIXTURE("models/stories260K.gguf"));
        hearth::Evaluator ev(m, 1);
        const int32_t ids[] = {1, 512};
        try {
            ev.eval(ids, 2);
            QFAIL("no error");
        } catch (const hearth::Error & e) {
            QCOMPARE(e.code(), hearth::ErrorCode_invalid_argument);
            QVERIFY2(QString(e.what()).contains("512"), e.what());
        }
        QCOMPARE(ev.n_past(), 0);
        const int32_t neg = -3;
        QVERIFY_THROWS_EXCEPTION(hearth::Error, ev.eval(&neg, 1));
    }

    void contextFull() {
        hearth::LoadOptions opts;
        opts.n_ctx = 8;
        auto m = hearth::Model::load(HEARTH_FIXTURE("models/stories260K.gguf"), opts);
        hearth::Evaluator ev(m, 1);
        const std::vector<int32_t> ids = {1, 403, 407, 261, 378, 432, 383, 286, 261};
        try {
            ev.eval(ids.data(), 9);
            QFAIL("no error for 9 tokens in a context of 8");
        } catch (const hearth::Error & e) {
            QCOMPARE(e.code(), hearth::ErrorCode_context);
        }
        ev.eval(ids.data(), 8);
        QCOMPARE(ev.n_past(), 8);
        try {
            ev.eval(ids.data(), 1);
            QFAIL("no error when the context is full");
        } catch (const hearth::Error & e) {
            QCOMPARE(e.code(), hearth::ErrorCode_context);
            QVERIFY2(QString(e.what()).contains("context full"), e.what());
        }
    }

    void q8KvNeedsHeadMultipleOf32() {
        hearth::LoadOptions opts;
        opts.kv_type = hearth::KvType_q8_0;  // stories260K's head size is 8
        QVERIFY_THROWS_EXCEPTION(hearth::Error, hearth::Model::load(HEARTH_FIXTURE("models/stories260K.gguf"), opts));
    }
};

QTEST_APPLESS_MAIN(TestModelErrors)
#include "test_model_errors.moc"
