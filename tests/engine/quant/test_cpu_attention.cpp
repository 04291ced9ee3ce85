// CPU attention (cpu/attention.h) on every ISA this machine has, against a
// float64 softmax attention over the same cached keys and values: several
// head sizes (multiples of 8 and not), GQA groups, KV lengths that cross the
// 256-key tile, f16 and q8_0 caches. Also: attending token by token (decode)
// gives the very bits of one batched call (prefill).
#include <QtTest>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "common/attention_reference.h"
#include "cpu/attention.h"
#include "cpu/cpu_features.h"
#include "cpu/thread_pool.h"
#include "hearth/model.h"
#include "runtime/kv_cache.h"

using namespace hearth;

namespace {

struct Case {
    int32_t n_head, n_head_kv, head_dim, head_dim_v;
    int32_t n_tokens, pos0;
    KvType kv;
};

}  // namespace

class TestCpuAttention : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { set_cpu_isa(cpu_isa_detected()); }

    void matchesReference_data() {
        QTest::addColumn<int>("isa");
        QTest::addColumn<int>("shape");
        for (int isa = CpuIsa_scalar; isa <= cpu_isa_detected(); ++isa)
            for (int shape = 0; shape < int(cases().size()); ++shape) {
                const Case & c = cases()[shape];
                QTest::newRow(qPrintable(QString("%1/h%2-kv%3-d%4-dv%5-t%6-pos%7-%8")
                                             .arg(cpu_isa_name(CpuIsa(isa)))
                                             .arg(c.n_head)
                                             .arg(c.n_head_kv)
                                             .arg(c.head_dim)
                                             .arg(c.head_dim_v)
                                             .arg(c.n_tokens)
                                             .arg(c.pos0)
                                             .arg(c.kv == KvType_f16 ? "f16" : "q8_0")))
                    << isa << shape;
            }
    }

    void matchesReference() {
        QFETCH(int, isa);
        QFETCH(int, shape);
        QVERIFY(set_cpu_isa(CpuIsa(isa)));
        const Case & c = cases()[shape];
        ModelHparams hp;
        hp.n_layer = 1;
        hp.n_head = c.n_head;
        hp.n_head_kv = c.n_head_kv;
        hp.head_dim = c.head_dim;
        hp.head_dim_v = c.head_dim_v;
        hp.n_embd = c.n_head * c.head_dim;
        const int32_t n_keys = c.pos0 + c.n_tokens;
        KvCache kv(hp, n_keys, c.kv);
        std::mt19937 rng(11 + shape);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        const auto randoms = [&](size_t n, float sd) {
            std::vector<float> x(n);
            for (float & v : x) v = sd * normal(rng);
            return x;
        };
        // Scores with a spread of several units, as trained models have.
        const std::vector<float> k = randoms(size_t(n_keys) * hp.n_embd_k(), 1.0f);
        const std::vector<float> v = randoms(size_t(n_keys) * hp.n_embd_v(), 1.0f);
        kv.store(0, 0, n_keys, k.data(), v.data());
        const std::vector<float> q = randoms(size_t(c.n_tokens) * hp.n_embd_q(), 0.6f);

        const AttentionShape s{c.n_head, c.n_head_kv, c.head_dim, c.head_dim_v};
        ThreadPool pool(3);
        std::vector<float> scratch(attention_scratch_floats(s) * size_t(pool.size()));
        const size_t out_floats = size_t(c.n_tokens) * c.n_head * c.head_dim_v;
        std::vector<float> batch(out_floats, NAN);
        attention(kv, 0, s, q.data(), c.n_tokens, c.pos0, batch.data(), scratch.data(), pool);

        const std::vector<double> ref = hearth_test::attention_reference(kv, s, c.n_tokens, c.pos0, q);
        double max_err = 0;
        for (size_t i = 0; i < out_floats; ++i) {
            const double err = std::fabs(batch[i] - ref[i]);
            max_err = std::max(max_err, err);
            // Outputs are convex combinations of values of size ~1.
            QVERIFY2(err <= 2e-6,
                     qPrintable(QString("element %1: got %2, reference %3").arg(i).arg(batch[i]).arg(ref[i])));
        }
        qDebug("max abs error %.2e", max_err);

        // Token by token, each against the cache up to its own position.
        const size_t row = size_t(c.n_head) * c.head_dim_v;
        std::vector<float> one(row);
        for (int32_t t = 0; t < c.n_tokens; ++t) {
            attention(kv, 0, s, q.data() + size_t(t) * hp.n_embd_q(), 1, c.pos0 + t, one.data(), scratch.data(), pool);
            QVERIFY2(std::memcmp(one.data(), batch.data() + t * row, row * sizeof(float)) == 0,
                     qPrintable(QString("token %1: decode differs from the batched call").arg(t)));
        }
    }

private:
    static const std::vector<Case> & cases() {
        static const std::vector<Case> c = {
            {8, 4, 8, 8, 5, 0, KvType_f16},       // stories260K's heads
            {32, 4, 64, 64, 40, 0, KvType_f16},   // llama-style GQA 8
            {32, 4, 64, 64, 1, 299, KvType_f16},  // decode past one 256-key tile
            {16, 2, 128, 128, 17, 280, KvType_q8_0},
            {8, 8, 80, 80, 9, 250, KvType_f16},   // no GQA; 80 = 64 + 16
            {6, 2, 36, 36, 3, 14, KvType_f16},    // 36: not a multiple of 8
            {4, 1, 7, 7, 33, 0, KvType_f16},      // 7: under one vector
            {4, 2, 64, 96, 2, 520, KvType_q8_0},  // head_dim_v != head_dim, three tiles
            // Rows grouped across tokens (no GQA: four tokens that all see a whole tile) and a
            // group of 6 heads split 4 + 2; 20 and 40 tokens cross the tile edge at 256.
            {4, 4, 64, 64, 40, 300, KvType_f16},
            {12, 2, 64, 64, 20, 250, KvType_q8_0},
        };
        return c;
    }
};

QTEST_APPLESS_MAIN(TestCpuAttention)
#include "test_cpu_attention.moc"
