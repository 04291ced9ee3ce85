// matmul (y = W x over the pool) against the naive float64 reference
// y[t][r] = sum_i dequant(W)[r][i] * dequant(q8(x[t]))[i], for every weight
// type and ISA, decode and prefill token counts, several pool sizes, and an
// output row count that is not a multiple of any tile or chunk size.
#include <QtTest>
#include <cmath>
#include <cstring>
#include <random>

#include "common/fixtures.h"
#include "cpu/cpu_features.h"
#include "cpu/matmul.h"
#include "cpu/thread_pool.h"
#include "cpu/vec_dot.h"
#include "hearth/gguf.h"
#include "quant/quant.h"
#include "quant_reference.h"

using namespace hearth;

class TestMatmul : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { set_cpu_isa(cpu_isa_detected()); }

    void matchesReference_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("isa");
        for (TensorType t : quant_ref::weight_types())
            for (int isa = CpuIsa_scalar; isa <= cpu_isa_detected(); ++isa)
                QTest::newRow(qPrintable(QString("%1/%2").arg(tensor_type_info(t).name).arg(cpu_isa_name(CpuIsa(isa)))))
                    << int(t) << isa;
    }

    void matchesReference() {
        QFETCH(int, type);
        QFETCH(int, isa);
        const auto t = static_cast<TensorType>(type);
        QVERIFY(set_cpu_isa(static_cast<CpuIsa>(isa)));
        QCOMPARE(int(cpu_isa_active()), isa);
        const int64_t n_in = 512, n_out = 37;
        std::mt19937 rng(77 + type);
        std::vector<uint8_t> w;
        for (int64_t r = 0; r < n_out; ++r) {
            const std::vector<uint8_t> row = quant_ref::random_row(t, n_in, rng);
            w.insert(w.end(), row.begin(), row.end());
        }
        const std::vector<double> wd = quant_ref::dequantize(t, w.data(), n_in * n_out);
        const WeightView view{t, w.data(), n_in, n_out};
        const TensorType act_type = vec_dot_type(t);

        std::normal_distribution<float> normal(0.0f, 1.0f);
        for (int threads : {1, 3, 4}) {
            ThreadPool pool(threads);
            for (int64_t n_tokens : {1, 3, 17, 64, 70}) {
                std::vector<float> x(static_cast<size_t>(n_tokens * n_in));
                for (auto & v : x) v = normal(rng);
                std::vector<uint8_t> scratch(matmul_scratch_bytes(t, n_in, n_tokens));
                std::vector<float> y(static_cast<size_t>(n_tokens * n_out), NAN);
                matmul(view, x.data(), n_tokens, y.data(), scratch.empty() ? nullptr : scratch.data(), pool);
                for (int64_t tok = 0; tok < n_tokens; ++tok) {
                    // The activations as matmul quantized them (same ISA's quantizer).
                    std::vector<double> ad(x.begin() + tok * n_in, x.begin() + (tok + 1) * n_in);
                    if (act_type != TensorType_F32) {
                        std::vector<uint8_t> a(tensor_row_bytes(act_type, n_in));
                        quantize_activations(act_type, x.data() + tok * n_in, a.data(), n_in);
                        ad = quant_ref::dequantize(act_type, a.data(), n_in);
                    }
                    for (int64_t r = 0; r < n_out; ++r) {
                        double ref = 0, ref_abs = 0;
                        for (int64_t i = 0; i < n_in; ++i) {
                            ref += wd[r * n_in + i] * ad[i];
                            ref_abs += std::fabs(wd[r * n_in + i] * ad[i]);
                        }
                        const double got = y[tok * n_out + r];
                        if (!(std::fabs(got - ref) <= 2e-6 * ref_abs + 1e-6))
                            QFAIL(qPrintable(QString("threads=%1 tokens=%2 token %3 row %4: got %5, reference %6")
                                                 .arg(threads)
                                                 .arg(n_tokens)
                                                 .arg(tok)
                                                 .arg(r)
                                                 .arg(got)
                                                 .arg(ref)));
                    }
                }
            }
        }
    }

    // matmul_many (MoE decode: several one-token products in one pool pass)
    // equals matmul with one token, bit for bit, for every type and ISA:
    // products with a shared input (gate and up), with inputs of their own
    // (down), different row counts, and a scratch too small refused untouched.
    void matmulManyEqualsMatmul_data() { matchesReference_data(); }

    void matmulManyEqualsMatmul() {
        QFETCH(int, type);
        QFETCH(int, isa);
        const auto t = static_cast<TensorType>(type);
        QVERIFY(set_cpu_isa(static_cast<CpuIsa>(isa)));
        const int64_t n_in = 512;
        const int n = 6;
        const int64_t n_out[n] = {37, 16, 8, 3, 64, 21};
        std::mt19937 rng(1234 + type);
        std::vector<std::vector<uint8_t>> w(n);
        std::vector<WeightView> views;
        for (int j = 0; j < n; ++j) {
            for (int64_t r = 0; r < n_out[j]; ++r) {
                const std::vector<uint8_t> row = quant_ref::random_row(t, n_in, rng);
                w[size_t(j)].insert(w[size_t(j)].end(), row.begin(), row.end());
            }
            views.push_back(WeightView{t, w[size_t(j)].data(), n_in, n_out[j]});
        }
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<float> x0(static_cast<size_t>(n_in)), x1 = x0, x2 = x0;
        for (auto * v : {&x0, &x1, &x2})
            for (float & f : *v) f = normal(rng);
        // Products 0, 2, 4 share x0; 1 and 5 share x1; 3 has x2.
        const float * xs[n] = {x0.data(), x1.data(), x0.data(), x2.data(), x0.data(), x1.data()};
        for (int threads : {1, 2, 3}) {
            ThreadPool pool(threads);
            std::vector<std::vector<float>> got(n), want(n);
            float * ys[n];
            for (int j = 0; j < n; ++j) {
                got[size_t(j)].assign(size_t(n_out[j]), NAN);
                ys[j] = got[size_t(j)].data();
                want[size_t(j)].assign(size_t(n_out[j]), NAN);
                std::vector<uint8_t> scratch(matmul_scratch_bytes(t, n_in, 1));
                matmul(views[size_t(j)], xs[j], 1, want[size_t(j)].data(), scratch.empty() ? nullptr : scratch.data(),
                       pool);
            }
            const size_t need = matmul_scratch_bytes(t, n_in, n);
            std::vector<uint8_t> scratch(need);
            QVERIFY(matmul_many(views.data(), xs, ys, n, scratch.empty() ? nullptr : scratch.data(), need, pool));
            for (int j = 0; j < n; ++j)
                QVERIFY2(
                    std::memcmp(got[size_t(j)].data(), want[size_t(j)].data(), sizeof(float) * size_t(n_out[j])) == 0,
                    qPrintable(QString("threads=%1 product %2 differs from matmul").arg(threads).arg(j)));
            if (need > 0) {
                for (auto & g : got) g.assign(g.size(), NAN);
                QVERIFY(!matmul_many(views.data(), xs, ys, n, scratch.data(), need - 1, pool));
                QVERIFY(std::isnan(got[0][0]));
            }
        }
    }

    void fixtureWeights() {
        // A real Q4_K weight from a model file through matmul vs the F32 original:
        // the result differs only by the quantization of W and x.
        const std::string qpath = HEARTH_FIXTURE("models/synthetic/llama-Q4_K_S.gguf");
        const std::string fpath = HEARTH_FIXTURE("models/synthetic/llama-f32.gguf");
        if (qpath.empty() || fpath.empty()) return;
        const GgufFile q = GgufFile::open(qpath), f = GgufFile::open(fpath);
        const GgufTensor * wq = q.find_tensor("blk.0.ffn_down.weight");
        const GgufTensor * wf = f.find_tensor("blk.0.ffn_down.weight");
        QVERIFY(wq && wf);
        QCOMPARE(wq->type, TensorType_Q4_K);
        const int64_t n_in = wq->ne[0], n_out = wq->ne[1], n_tokens = 5;
        std::mt19937 rng(3);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<float> x(static_cast<size_t>(n_tokens * n_in));
        for (auto & v : x) v = normal(rng);
        ThreadPool pool(2);
        std::vector<uint8_t> scratch(matmul_scratch_bytes(wq->type, n_in, n_tokens));
        std::vector<float> yq(static_cast<size_t>(n_tokens * n_out)), yf(yq.size());
        matmul({wq->type, wq->data, n_in, n_out}, x.data(), n_tokens, yq.data(), scratch.data(), pool);
        matmul({wf->type, wf->data, n_in, n_out}, x.data(), n_tokens, yf.data(), nullptr, pool);
        double err = 0, norm = 0;
        for (size_t i = 0; i < yq.size(); ++i) {
            err += double(yq[i] - yf[i]) * (yq[i] - yf[i]);
            norm += double(yf[i]) * yf[i];
        }
        const double rel = std::sqrt(err / norm);
        qInfo("Q4_K vs F32 matmul relative RMS error: %.4f", rel);
        QVERIFY(rel < 0.12);
        QVERIFY(rel > 0.0);
    }
};

QTEST_APPLESS_MAIN(TestMatmul)
#include "test_matmul.moc"
