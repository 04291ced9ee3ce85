// The llama-shaped architectures recognised by metadata (mistral3, granite,
// smollm3, phi3, exaone, ernie4_5, internlm2, seed_oss, hunyuan-dense, and
// llama with Llama 3.1's rope_freqs), built from the llama-f32 fixture (see
// variant_models.h) since llama.cpp goldens exist for none of them. Each must
// match the naive float64 reference forward pass, which implements the same
// variations independently, and must differ from the plain llama it was made
// from (so the variation is really exercised).
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "common/fixtures.h"
#include "golden.h"
#include "hearth/error.h"
#include "hearth/evaluator.h"
#include "hearth/model.h"
#include "reference_forward.h"
#include "variant_models.h"

using namespace runtime_test;

namespace {

const char * const kBase = "models/synthetic/llama-f32.gguf";

std::vector<float> factors(int n, float lo, float hi) {
    std::vector<float> v(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) v[size_t(i)] = lo + (hi - lo) * float(i) / float(n - 1);
    return v;
}

Variant variant(const QString & name) {
    Variant v;
    if (name == "mistral3") {
        v.arch = "mistral3";
        v.keys = [](hearth::GgufWriter & w, const std::string & a) {
            w.remove(a + "attention.temperature_scale");
            w.add_f32(a + "attention.temperature_scale", 0.5f);
            w.remove(a + "rope.scaling.original_context_length");
            w.add_u32(a + "rope.scaling.original_context_length", 8);  // the temperature grows from position 8
        };
    } else if (name == "granite" || name == "granite-nope") {
        v.arch = "granite";
        const bool nope = name == "granite-nope";
        v.keys = [nope](hearth::GgufWriter & w, const std::string & a) {
            w.remove(a + "logit_scale");
            w.add_f32(a + "logit_scale", 4.0f);
            w.remove(a + "residual_scale");
            w.add_f32(a + "residual_scale", 0.5f);
            w.remove(a + "embedding_scale");
            w.add_f32(a + "embedding_scale", 2.0f);
            w.remove(a + "attention.scale");
            w.add_f32(a + "attention.scale", 0.05f);
            if (nope) w.add_bool(a + "rope.scaling.finetuned", false);
        };
    } else if (name == "smollm3") {
        v.arch = "smollm3";
        v.n_layer = 4;  // layer 3 has no RoPE
    } else if (name == "phi3") {
        v.arch = "phi3";
        v.fuse_qkv = v.fuse_gate_up = true;
        v.keys = [](hearth::GgufWriter & w, const std::string & a) {
            w.remove(a + "rope.dimension_count");
            w.add_u32(a + "rope.dimension_count", 32);  // partial rotary
            w.remove(a + "rope.scaling.attn_factor");
            w.add_f32(a + "rope.scaling.attn_factor", 1.1f);
            w.remove(a + "rope.scaling.original_context_length");
            w.add_u32(a + "rope.scaling.original_context_length", 32);  // a 64 context takes the long table
        };
        v.extra_f32 = {{"rope_factors_long.weight", factors(16, 1.0f, 6.0f)},
                       {"rope_factors_short.weight", factors(16, 1.0f, 1.5f)}};
    } else if (name == "llama-rope-freqs") {
        v.arch = "llama";
        v.extra_f32 = {{"rope_freqs.weight", factors(32, 1.0f, 8.0f)}};
    } else if (name == "hunyuan-dense") {
        v.arch = "hunyuan-dense";
        v.add_qk_norms = true;
    } else if (name == "seed_oss") {
        v.arch = "seed_oss";
        v.ffn_norm_name = "post_attention_norm";
    } else {
        v.arch = name.toStdString();  // exaone, ernie4_5, internlm2: renamed only
    }
    return v;
}

std::shared_ptr<hearth::Model> write_and_load(const QTemporaryDir & dir, const Variant & v) {
    const std::string path = dir.filePath(QString::fromStdString(v.arch) + ".gguf").toStdString();
    const std::vector<uint8_t> bytes = build_variant(hearth_test::fixture(kBase), v);
    FILE * f = std::fopen(path.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    hearth::LoadOptions lo;
    lo.n_ctx = 64;
    return hearth::Model::load(path, lo);
}

std::vector<float> engine_logits(const std::shared_ptr<hearth::Model> & m, const std::vector<int32_t> & ids) {
    hearth::Evaluator ev(m, 2);
    std::vector<float> out(ids.size() * size_t(ev.n_vocab()));
    ev.eval(ids.data(), int32_t(ids.size()), out.data());
    return out;
}

}  // namespace

class TestLlamaVariants : public QObject {
    Q_OBJECT

private slots:
    void matchesReference_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("differs");  // from the plain llama fixture
        for (const char * n : {"mistral3", "granite", "granite-nope", "smollm3", "phi3", "llama-rope-freqs",
                               "hunyuan-dense", "seed_oss", "exaone"})
            QTest::newRow(n) << QString(n) << true;
        QTest::newRow("ernie4_5") << QString("ernie4_5") << false;
        QTest::newRow("internlm2") << QString("internlm2") << false;
    }

    void matchesReference() {
        QFETCH(QString, name);
        QFETCH(bool, differs);
        QTemporaryDir dir;
        const Golden g = load_golden(kBase);
        std::shared_ptr<hearth::Model> m;
        try {
            m = write_and_load(dir, variant(name));
        } catch (const std::exception & e) {
            QFAIL(e.what());
        }
        QCOMPARE(QString::fromStdString(m->hparams().arch), QString::fromStdString(variant(name).arch));
        const std::vector<float> ours = engine_logits(m, g.prompt_ids);
        const std::vector<float> ref = reference_logits(*m, g.prompt_ids);
        const Agreement a = compare_logits(ref, ours, g.n_vocab);
        // f32 weights: only the f16 KV cache separates the engine from float64
        // (a little more where a temperature sharpens the softmax).
        QVERIFY2(a.max_nrmse <= 2e-3, qPrintable(QString("vs float64: nrmse %1").arg(a.max_nrmse)));
        const Agreement base = compare_logits(g.logits, ours, g.n_vocab);
        if (differs)
            QVERIFY2(base.max_nrmse > 1e-2, qPrintable(QString("same as llama: nrmse %1").arg(base.max_nrmse)));
        else
            QVERIFY2(base.max_nrmse <= g.max_nrmse, qPrintable(QString("vs llama: nrmse %1").arg(base.max_nrmse)));
    }

    void hyperparametersFromMetadata() {
        QTemporaryDir dir;
        const hearth::ModelHparams granite = write_and_load(dir, variant("granite"))->hparams();
        QCOMPARE(granite.logit_multiplier, 0.25f);
        QCOMPARE(granite.residual_scale, 0.5f);
        QVERIFY(granite.rope_enabled);
        QVERIFY(!write_and_load(dir, variant("granite-nope"))->hparams().rope_enabled);
        const hearth::ModelHparams smol = write_and_load(dir, variant("smollm3"))->hparams();
        QVERIFY(smol.use_rope(0) && smol.use_rope(2) && !smol.use_rope(3));
        const hearth::ModelHparams mistral = write_and_load(dir, variant("mistral3"))->hparams();
        QCOMPARE(mistral.attn_temp_floor, 8);
        const hearth::ModelHparams phi = write_and_load(dir, variant("phi3"))->hparams();
        QCOMPARE(phi.n_rot, 32);
        QCOMPARE(phi.rope_type, hearth::RopeType_neox);
        QVERIFY(phi.attn_q_prescale);
        QCOMPARE(phi.yarn_attn_factor, 1.1f);
        QVERIFY(write_and_load(dir, variant("hunyuan-dense"))->hparams().qk_norm_after_rope);
    }

    // internlm2 never ties its output; granite needs its logit scale.
    void requiredPartsAreChecked() {
        QTemporaryDir dir;
        Variant tied = variant("internlm2");
        tied.drop_output = true;
        try {
            write_and_load(dir, tied);
            QFAIL("a tied internlm2 must not load");
        } catch (const hearth::Error & e) {
            QVERIFY2(QString(e.what()).contains("output.weight"), e.what());
        }
        Variant granite = variant("granite");
        granite.keys = nullptr;
        try {
            write_and_load(dir, granite);
            QFAIL("granite without logit_scale must not load");
        } catch (const hearth::Error & e) {
            QVERIFY2(QString(e.what()).contains("logit_scale"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestLlamaVariants)
#include "test_llama_variants.moc"
