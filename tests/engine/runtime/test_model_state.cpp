// The state a forward pass carries between calls, for the families whose
// cache is more than a plain KV cache: sliding-window rings (gpt-oss, gemma3),
// recurrent DeltaNet states (qwen35), and MoE routing per batch (qwen3moe).
//
// Every check is against llama.cpp's golden logits (one 64-token batch):
//   - small batches (the rings wrap, the recurrent state crosses batches);
//   - a batch then token-by-token decode, which must agree with the batch;
//   - Evaluator::truncate + checkpoint: what is kept, and that continuing
//     from it gives the golden logits again.
#include <QtTest>
#include <vector>

#include "golden.h"
#include "hearth/evaluator.h"
#include "hearth/model.h"

using namespace hearth;
using namespace runtime_test;

namespace {

std::shared_ptr<Model> load(const Golden & g, int32_t n_batch) {
    LoadOptions lo;
    lo.n_ctx = int32_t(g.prompt_ids.size());
    lo.n_batch = n_batch;
    lo.n_threads = 2;
    return Model::load(g.model_path, lo);
}

std::vector<float> rows(const Golden & g, int32_t from, int32_t to) {
    return std::vector<float>(g.logits.begin() + ptrdiff_t(from) * g.n_vocab,
                              g.logits.begin() + ptrdiff_t(to) * g.n_vocab);
}

void addModels() {
    QTest::addColumn<QString>("rel");
    for (const char * m : {"gpt-oss-Q8_0", "gemma3-Q4_K_M", "qwen35-Q8_0", "qwen35-f32", "qwen3moe-Q4_K_M"})
        QTest::newRow(m) << QStringLiteral("models/synthetic/%1.gguf").arg(m);
}

#define CHECK_AGREES(golden, ours, g)                                                                                 \
    do {                                                                                                              \
        const Agreement a_ = compare_logits(golden, ours, (g).n_vocab);                                               \
        QVERIFY2(a_.max_nrmse <= (g).max_nrmse && a_.top1 >= (g).min_top1,                                            \
                 qPrintable(                                                                                          \
                     QString("nrmse %1 (tolerance %2), top1 %3").arg(a_.max_nrmse).arg((g).max_nrmse).arg(a_.top1))); \
    } while (0)

}  // namespace

class TestModelState : public QObject {
    Q_OBJECT

private slots:
    // Batches of 5: a window of 16 then lives in a ring of 21 slots, which
    // wraps three times over the 64 positions.
    void smallBatchesMatchGoldens_data() { addModels(); }
    void smallBatchesMatchGoldens() {
        QFETCH(QString, rel);
        const Golden g = load_golden(rel.toStdString());
        Evaluator ev(load(g, 5));
        std::vector<float> logits(g.logits.size());
        QVERIFY(ev.eval(g.prompt_ids.data(), int32_t(g.prompt_ids.size()), logits.data()));
        CHECK_AGREES(g.logits, logits, g);
    }

    // Decode after a batch computes what the batch would have.
    void decodeMatchesBatch_data() { addModels(); }
    void decodeMatchesBatch() {
        QFETCH(QString, rel);
        const Golden g = load_golden(rel.toStdString());
        const int32_t n = int32_t(g.prompt_ids.size()), split = 40;
        Evaluator ev(load(g, 8));
        ev.eval(g.prompt_ids.data(), split);
        std::vector<float> logits;
        for (int32_t p = split; p < n; ++p) {
            ev.eval(&g.prompt_ids[size_t(p)], 1);
            logits.insert(logits.end(), ev.last_logits(), ev.last_logits() + g.n_vocab);
        }
        CHECK_AGREES(rows(g, split, n), logits, g);
    }

    // qwen35's recurrent state cannot roll back: truncate falls back to the
    // checkpoint, or to 0 below it, and continuing gives the goldens again.
    void recurrentRewindUsesTheCheckpoint() {
        const Golden g = load_golden("models/synthetic/qwen35-Q8_0.gguf");
        const int32_t n = int32_t(g.prompt_ids.size());
        Evaluator ev(load(g, 16));
        const int32_t * ids = g.prompt_ids.data();
        ev.eval(ids, 40);
        ev.checkpoint();
        ev.eval(ids + 40, 10);
        QCOMPARE(ev.truncate(50), 50);  // nothing to roll back
        QCOMPARE(ev.truncate(45), 40);
        std::vector<float> logits(size_t(n - 40) * size_t(g.n_vocab));
        ev.eval(ids + 40, n - 40, logits.data());
        CHECK_AGREES(rows(g, 40, n), logits, g);

        // Below the checkpoint: from the start, and the checkpoint is gone.
        QCOMPARE(ev.truncate(30), 0);
        ev.eval(ids, 45);
        QCOMPARE(ev.truncate(44), 0);
        std::vector<float> all(g.logits.size());
        ev.eval(ids, n, all.data());
        CHECK_AGREES(g.logits, all, g);
    }

    // gpt-oss's windowed layers keep a ring of n_swa + n_batch = 20 slots:
    // a rewind that stays within it keeps the position, a deeper one does not.
    void ringRewindKeepsWhatTheRingHolds() {
        const Golden g = load_golden("models/synthetic/gpt-oss-Q8_0.gguf");
        const int32_t n = int32_t(g.prompt_ids.size());
        Evaluator ev(load(g, 4));
        const int32_t * ids = g.prompt_ids.data();
        ev.eval(ids, 40);
        ev.checkpoint();
        ev.eval(ids + 40, 10);
        QCOMPARE(ev.truncate(45), 45);  // the ring still holds [30, 50): the window of 45 is [30, 45)
        std::vector<float> logits(size_t(n - 45) * size_t(g.n_vocab));
        ev.eval(ids + 45, n - 45, logits.data());
        CHECK_AGREES(rows(g, 45, n), logits, g);

        QCOMPARE(ev.truncate(42), 40);  // too deep for the ring: the checkpoint
        logits.assign(size_t(n - 40) * size_t(g.n_vocab), 0.0f);
        ev.eval(ids + 40, n - 40, logits.data());
        CHECK_AGREES(rows(g, 40, n), logits, g);
        QCOMPARE(ev.truncate(20), 0);
    }

    // A plain KV cache rolls back anywhere and needs no checkpoint.
    void plainCacheRewindsAnywhere() {
        const Golden g = load_golden("models/synthetic/qwen3moe-Q8_0.gguf");
        Evaluator ev(load(g, 16));
        ev.eval(g.prompt_ids.data(), 50);
        QCOMPARE(ev.truncate(7), 7);
        std::vector<float> logits(size_t(64 - 7) * size_t(g.n_vocab));
        ev.eval(g.prompt_ids.data() + 7, 64 - 7, logits.data());
        CHECK_AGREES(rows(g, 7, 64), logits, g);
    }
};

QTEST_APPLESS_MAIN(TestModelState)
#include "test_model_state.moc"
