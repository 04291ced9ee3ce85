// The engine against the naive float64 reference (tests/engine/runtime/reference_forward),
// and decode-one-token-at-a-time against batched prefill.
#include <QtTest>

#include "golden.h"
#include "hearth/evaluator.h"
#include "hearth/model.h"
#include "reference_forward.h"

using namespace runtime_test;

namespace {

std::vector<float> batch_logits(const std::shared_ptr<hearth::Model> & m, const std::vector<int32_t> & ids) {
    hearth::Evaluator ev(m, 2);
    std::vector<float> out(ids.size() * size_t(ev.n_vocab()));
    ev.eval(ids.data(), int32_t(ids.size()), out.data());
    return out;
}

}  // namespace

class TestReferenceForward : public QObject {
    Q_OBJECT

private slots:
    void matchesReference_data() {
        QTest::addColumn<QString>("rel");
        QTest::addColumn<double>("max_nrmse");
        // f32 weights: only the f16 KV cache separates the engine from float64.
        QTest::newRow("stories260K") << QString("models/stories260K.gguf") << 1e-3;
        QTest::newRow("llama-f32") << QString("models/synthetic/llama-f32.gguf") << 1e-3;
        QTest::newRow("qwen2-f32") << QString("models/synthetic/qwen2-f32.gguf") << 1e-3;
        QTest::newRow("qwen3-f32") << QString("models/synthetic/qwen3-f32.gguf") << 1e-3;
        // Quantized weights: the engine also quantizes activations to 8 bits.
        QTest::newRow("llama-Q4_K_S") << QString("models/synthetic/llama-Q4_K_S.gguf") << 0.05;
        QTest::newRow("qwen3-Q8_0") << QString("models/synthetic/qwen3-Q8_0.gguf") << 0.05;
    }

    void matchesReference() {
        QFETCH(QString, rel);
        QFETCH(double, max_nrmse);
        const Golden g = load_golden(rel.toStdString());
        auto m = hearth::Model::load(g.model_path);
        const std::vector<float> ref = reference_logits(*m, g.prompt_ids);
        const Agreement engine = compare_logits(ref, batch_logits(m, g.prompt_ids), m->hparams().n_vocab);
        const Agreement golden = compare_logits(ref, g.logits, m->hparams().n_vocab);
        qDebug("%-40s engine vs float64: max_nrmse %.6f top1 %.4f | llama.cpp vs float64: max_nrmse %.6f top1 %.4f",
               qPrintable(rel), engine.max_nrmse, engine.top1, golden.max_nrmse, golden.top1);
        QVERIFY2(engine.max_nrmse <= max_nrmse, qPrintable(QString::number(engine.max_nrmse)));
        QVERIFY(engine.top1 >= 0.95);
    }

    void decodeEqualsPrefill_data() {
        QTest::addColumn<QString>("rel");
        QTest::newRow("stories260K") << QString("models/stories260K.gguf");
        QTest::newRow("llama-Q4_0") << QString("models/synthetic/llama-Q4_0.gguf");
        QTest::newRow("qwen2-IQ4_XS") << QString("models/synthetic/qwen2-IQ4_XS.gguf");
        QTest::newRow("qwen3-Q4_K_M") << QString("models/synthetic/qwen3-Q4_K_M.gguf");
    }

    void decodeEqualsPrefill() {
        QFETCH(QString, rel);
        const Golden g = load_golden(rel.toStdString());
        auto m = hearth::Model::load(g.model_path);
        const std::vector<float> batch = batch_logits(m, g.prompt_ids);
        hearth::Evaluator ev(m, 2);
        const size_t V = size_t(ev.n_vocab());
        std::vector<float> step(batch.size());
        for (size_t t = 0; t < g.prompt_ids.size(); ++t) {
            ev.eval(&g.prompt_ids[t], 1);
            std::copy(ev.last_logits(), ev.last_logits() + V, step.begin() + t * V);
        }
        const Agreement a = compare_logits(batch, step, int32_t(V));
        qDebug("%-40s decode vs prefill: max_nrmse %.2e", qPrintable(rel), a.max_nrmse);
        // Attention and the quantized dot products are order-independent of the
        // batch; a float-weight GEMM may sum in another order than its GEMV.
        QVERIFY2(a.max_nrmse < 2e-4, qPrintable(QString::number(a.max_nrmse)));
        QCOMPARE(a.top1, 1.0);
    }

    void smallBatchesEqualOneBatch() {
        // A prompt split into batches of 5 gives the same logits as one batch.
        const Golden g = load_golden("models/synthetic/qwen2-Q8_0.gguf");
        auto one = hearth::Model::load(g.model_path);
        hearth::LoadOptions opts;
        opts.n_batch = 5;
        auto split = hearth::Model::load(g.model_path, opts);
        const Agreement a =
            compare_logits(batch_logits(one, g.prompt_ids), batch_logits(split, g.prompt_ids), one->hparams().n_vocab);
        QVERIFY2(a.max_nrmse < 1e-5, qPrintable(QString::number(a.max_nrmse)));
    }

    void q8KvCacheStaysClose() {
        const Golden g = load_golden("models/synthetic/qwen3-f32.gguf");
        hearth::LoadOptions opts;
        opts.kv_type = hearth::KvType_q8_0;
        auto m = hearth::Model::load(g.model_path, opts);
        const Agreement a = compare_logits(g.logits, batch_logits(m, g.prompt_ids), m->hparams().n_vocab);
        qDebug("qwen3-f32 with a q8_0 KV cache vs llama.cpp: max_nrmse %.5f top1 %.4f", a.max_nrmse, a.top1);
        QVERIFY(a.max_nrmse < 0.02);
        QVERIFY(a.top1 >= 0.95);
    }
};

QTEST_APPLESS_MAIN(TestReferenceForward)
#include "test_reference_forward.moc"
