// qwen35's CUDA launchers (deltanet.cu, sigmoid_gates.cu) on the SIMT emulator
// against the CPU's ops (cpu/delta_net.h and the block's element-wise
// expressions): the causal conv and its state, the per-head L2 norm, the
// gates, and the gated delta rule across calls (the state carried on the
// "device"), for head sizes below, at and past a warp and not a multiple of it;
// one prefill call equals the same tokens decoded one by one. Also the
// sigmoid gates of the attention output and of qwen35moe's shared expert.
#include <QTest>
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu/delta_net.h"
#include "cpu/thread_pool.h"
#include "cuda/kernels.h"
#include "op_test_util.h"

using namespace hearth;

namespace {

using op_test::max_rel_diff;
using op_test::random_vector;

// q and k heads of every token L2-normalized on the CPU, as the block does.
std::vector<float> normalized_qkv(const DeltaRuleShape & s, int32_t T, uint32_t seed) {
    const int32_t C = (2 * s.n_k_heads + s.n_v_heads) * s.d;
    std::vector<float> qkv = random_vector(size_t(T) * size_t(C), seed);
    for (int32_t t = 0; t < T; ++t) l2norm_rows(qkv.data() + size_t(t) * size_t(C), 2 * s.n_k_heads, s.d, 1e-6f);
    return qkv;
}

}  // namespace

class TestCudaDeltaNet : public QObject {
    Q_OBJECT
private slots:
    // Two calls (prefill, then one token): outputs and the carried state.
    void convMatchesCpu() {
        const int32_t C = 96, d_conv = 4;
        const std::vector<float> w = random_vector(size_t(C) * d_conv, 1);
        const std::vector<float> x = random_vector(size_t(7) * C, 2);
        std::vector<float> st_cpu = random_vector(size_t(d_conv - 1) * C, 3), st_gpu = st_cpu;
        std::vector<float> y_cpu(x.size()), y_gpu(x.size(), -9.0f);
        for (const auto & [t0, n] : {std::pair{0, 6}, std::pair{6, 1}}) {
            const float * xt = x.data() + size_t(t0) * C;
            causal_conv1d_silu(xt, n, C, w.data(), d_conv, st_cpu.data(), y_cpu.data() + size_t(t0) * C);
            cuda::causal_conv1d_silu(xt, n, C, w.data(), d_conv, st_gpu.data(), y_gpu.data() + size_t(t0) * C, nullptr);
            cudaDeviceSynchronize();  // launches run at a sync point
        }
        QCOMPARE(max_rel_diff(y_gpu, y_cpu), 0.0);
        QCOMPARE(max_rel_diff(st_gpu, st_cpu), 0.0);
        // The state is the last d_conv - 1 inputs, oldest first.
        QCOMPARE(st_gpu[size_t(2) * C + 5], x[size_t(6) * C + 5]);
    }

    // Only the first n_heads heads of each row change.
    void l2normHeadsMatchesCpu() {
        const int32_t T = 3, heads = 4, d = 40, stride = 6 * d;
        std::vector<float> x = random_vector(size_t(T) * stride, 4), ref = x;
        x[0] = ref[0] = 0.0f;
        for (int32_t t = 0; t < T; ++t) l2norm_rows(ref.data() + size_t(t) * stride, heads, d, 1e-6f);
        cuda::l2norm_heads(x.data(), T, heads, stride, d, 1e-6f, nullptr);
        cudaDeviceSynchronize();
        QVERIFY(max_rel_diff(x, ref) <= 1e-6);
        QCOMPARE(x[size_t(heads) * d + 1], ref[size_t(heads) * d + 1]);  // untouched v
    }

    void gatesMatchFormula() {
        const int32_t T = 5, V = 6;
        std::vector<float> beta = random_vector(size_t(T) * V, 5, -6.0f, 6.0f);
        std::vector<float> g = random_vector(size_t(T) * V, 6, -10.0f, 30.0f);
        const std::vector<float> dt_b = random_vector(size_t(V), 7), a = random_vector(size_t(V), 8, -3.0f, -0.1f);
        std::vector<float> beta_ref(beta.size()), g_ref(g.size());
        for (size_t i = 0; i < beta.size(); ++i) {
            const size_t h = i % size_t(V);
            beta_ref[i] = float(1.0 / (1.0 + std::exp(-double(beta[i]))));
            const double x = double(g[i]) + dt_b[h];
            g_ref[i] = float((x > 20.0 ? x : std::log1p(std::exp(x))) * a[h]);
        }
        cuda::delta_net_gates(beta.data(), g.data(), dt_b.data(), a.data(), T, V, nullptr);
        cudaDeviceSynchronize();
        QVERIFY(max_rel_diff(beta, beta_ref) <= 1e-6);
        QVERIFY(max_rel_diff(g, g_ref) <= 1e-5);
    }

    void deltaRuleMatchesCpu_data() {
        QTest::addColumn<int>("K");
        QTest::addColumn<int>("V");
        QTest::addColumn<int>("d");
        QTest::newRow("fixture 2/4 x 32") << 2 << 4 << 32;
        QTest::newRow("1/3 x 16 (half a warp)") << 1 << 3 << 16;
        QTest::newRow("2/2 x 72 (not a warp multiple)") << 2 << 2 << 72;
        QTest::newRow("1/2 x 128 (Qwen3.5)") << 1 << 2 << 128;
    }

    // A prefill of 5 tokens, then 2 decode calls, the state carried between
    // them; then the same 7 tokens one call each give the same outputs.
    void deltaRuleMatchesCpu() {
        QFETCH(int, K);
        QFETCH(int, V);
        QFETCH(int, d);
        const DeltaRuleShape s{K, V, d};
        const int32_t T = 7, C = (2 * K + V) * d;
        const std::vector<float> qkv = normalized_qkv(s, T, 9);
        const std::vector<float> g = random_vector(size_t(T) * V, 10, -1.0f, -0.01f);
        const std::vector<float> beta = random_vector(size_t(T) * V, 11, 0.05f, 0.95f);
        const std::vector<float> init = random_vector(size_t(V) * d * d, 12, -0.5f, 0.5f);
        ThreadPool pool(2);
        std::vector<float> st_cpu = init, st_gpu = init, st_one = init;
        std::vector<float> o_cpu(size_t(T) * V * d), o_gpu(o_cpu.size(), -9.0f), o_one(o_cpu.size(), -9.0f);
        auto at = [&](const std::vector<float> & v, int32_t t, int32_t per) { return v.data() + size_t(t) * per; };
        for (const auto & [t0, n] : {std::pair{0, 5}, std::pair{5, 1}, std::pair{6, 1}}) {
            gated_delta_rule(s, at(qkv, t0, C), at(g, t0, V), at(beta, t0, V), n, st_cpu.data(),
                             o_cpu.data() + size_t(t0) * V * d, pool);
            cuda::gated_delta_rule(s, at(qkv, t0, C), at(g, t0, V), at(beta, t0, V), n, st_gpu.data(),
                                   o_gpu.data() + size_t(t0) * V * d, nullptr);
            cudaDeviceSynchronize();
        }
        for (int32_t t = 0; t < T; ++t) {
            cuda::gated_delta_rule(s, at(qkv, t, C), at(g, t, V), at(beta, t, V), 1, st_one.data(),
                                   o_one.data() + size_t(t) * V * d, nullptr);
            cudaDeviceSynchronize();
        }
        // Only the dot products' summation order differs (lanes, then a tree).
        QVERIFY2(max_rel_diff(o_gpu, o_cpu) <= 1e-5, qPrintable(QString::number(max_rel_diff(o_gpu, o_cpu))));
        QVERIFY2(max_rel_diff(st_gpu, st_cpu) <= 1e-5, qPrintable(QString::number(max_rel_diff(st_gpu, st_cpu))));
        QCOMPARE(max_rel_diff(o_one, o_gpu), 0.0);
        QCOMPARE(max_rel_diff(st_one, st_gpu), 0.0);
        // The update ran: the state is not the one passed in.
        QVERIFY(max_rel_diff(st_gpu, init) > 1e-3);
    }

    void attentionGate() {
        const int64_t rows = 6, hd = 24;
        const std::vector<float> qg = random_vector(size_t(rows * 2 * hd), 13);
        std::vector<float> q(size_t(rows * hd), -9.0f), gate(q.size(), -9.0f);
        cuda::split_q_gate(qg.data(), q.data(), gate.data(), rows, hd, nullptr);
        std::vector<float> x = random_vector(q.size(), 14), ref(x.size());
        for (size_t i = 0; i < x.size(); ++i) {
            const size_t r = i / size_t(hd), c = i % size_t(hd);
            ref[i] = float(double(x[i]) / (1.0 + std::exp(-double(qg[r * 2 * size_t(hd) + size_t(hd) + c]))));
        }
        cudaDeviceSynchronize();
        for (size_t i = 0; i < q.size(); ++i) {
            const size_t r = i / size_t(hd), c = i % size_t(hd);
            QCOMPARE(q[i], qg[r * 2 * size_t(hd) + c]);
            QCOMPARE(gate[i], qg[r * 2 * size_t(hd) + size_t(hd) + c]);
        }
        cuda::sigmoid_mul(x.data(), gate.data(), int64_t(x.size()), nullptr);
        cudaDeviceSynchronize();
        QVERIFY(max_rel_diff(x, ref) <= 1e-6);
    }

    // qwen35moe's shared expert: out[r] += y[r] * sigmoid(logit[r]).
    void sharedExpertGate() {
        const int64_t rows = 5, n = 40;
        const std::vector<float> y = random_vector(size_t(rows * n), 15),
                                 logit = random_vector(size_t(rows), 16, -6, 6);
        std::vector<float> out = random_vector(y.size(), 17), ref(out.size());
        for (size_t i = 0; i < out.size(); ++i)
            ref[i] = float(double(out[i]) + double(y[i]) / (1.0 + std::exp(-double(logit[i / size_t(n)]))));
        cuda::add_sigmoid_gated(out.data(), y.data(), logit.data(), rows, n, nullptr);
        cudaDeviceSynchronize();
        QVERIFY(max_rel_diff(out, ref) <= 1e-6);
    }
};

QTEST_APPLESS_MAIN(TestCudaDeltaNet)
#include "test_cuda_deltanet.moc"
