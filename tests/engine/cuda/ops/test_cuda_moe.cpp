// The CUDA mixture-of-experts launchers (moe.cu, gemv_experts) on the SIMT
// emulator against the CPU: routing gives the same experts and weights as
// cpu/moe_routing.h for both gatings (ties included), the expert GEMV equals
// the plain GEMV of each slot's expert, and the combination sums the slots in
// the CPU's expert order.
#include <QTest>
#include <cstring>
#include <vector>

#include "cpu/moe_routing.h"
#include "cuda/kernels.h"
#include "hearth/quantize_weights.h"
#include "op_test_util.h"
#include "quant/quant.h"

using namespace hearth;

namespace {

using op_test::max_rel_diff;
using op_test::random_vector;

}  // namespace

class TestCudaMoe : public QObject {
    Q_OBJECT
private slots:
    void routeMatchesCpu_data() {
        QTest::addColumn<int>("gating");
        QTest::addColumn<bool>("normalize");
        QTest::addColumn<int>("n_expert");
        QTest::addColumn<int>("k");
        QTest::newRow("qwen3moe 128/8") << int(ExpertGating_softmax) << true << 128 << 8;
        QTest::newRow("softmax, not renormalized") << int(ExpertGating_softmax) << false << 16 << 4;
        QTest::newRow("gpt-oss selected 32/4") << int(ExpertGating_softmax_selected) << true << 32 << 4;
    }

    void routeMatchesCpu() {
        QFETCH(int, gating);
        QFETCH(bool, normalize);
        QFETCH(int, n_expert);
        QFETCH(int, k);
        const int32_t T = 7;
        std::vector<float> logits = random_vector(size_t(T) * size_t(n_expert), 11, -4.0f, 4.0f);
        // Token 1: a tie between experts 3 and 9 for the top; the lower id goes first.
        logits[size_t(n_expert) + 3] = logits[size_t(n_expert) + 9] = 9.0f;
        std::vector<int32_t> ids_cpu(size_t(T * k)), ids_gpu(size_t(T * k), -1);
        std::vector<float> w_cpu(size_t(T * k)), w_gpu(size_t(T * k)), scratch(size_t(T) * size_t(n_expert));
        moe_route(logits.data(), T, n_expert, k, ExpertGating(gating), normalize, ids_cpu.data(), w_cpu.data());
        cuda::moe_route(logits.data(), T, n_expert, k, ExpertGating(gating), normalize, ids_gpu.data(), w_gpu.data(),
                        scratch.data(), nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        QCOMPARE(ids_gpu, ids_cpu);
        QCOMPARE(ids_gpu[size_t(k)], 3);
        QCOMPARE(ids_gpu[size_t(k) + 1], 9);
        QCOMPARE(max_rel_diff(w_gpu, w_cpu), 0.0);
    }

    // Slot s = t * k + j multiplies expert ids[s] by activation row t (gate/up,
    // act_div k) or row s (down, act_div 1): each output row equals gemv() of
    // that expert's matrix alone.
    void expertGemvMatchesPerExpertGemv_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("act_div");
        QTest::newRow("Q8_0, shared rows") << int(TensorType_Q8_0) << 2;
        QTest::newRow("Q4_K, own rows") << int(TensorType_Q4_K) << 1;
        QTest::newRow("F32, shared rows") << int(TensorType_F32) << 2;
        QTest::newRow("MXFP4 (gpt-oss experts), own rows") << int(TensorType_MXFP4) << 1;
        QTest::newRow("IQ4_XS, shared rows") << int(TensorType_IQ4_XS) << 2;
    }

    void expertGemvMatchesPerExpertGemv() {
        QFETCH(int, type);
        QFETCH(int, act_div);
        const TensorType t = TensorType(type);
        const int64_t n_in = 256, n_out = 48, n_expert = 5, n_slots = 6;
        const size_t row = tensor_row_bytes(t, n_in), expert_bytes = row * size_t(n_out);
        std::vector<uint8_t> w(expert_bytes * size_t(n_expert));
        const std::vector<float> wf = random_vector(size_t(n_in * n_out * n_expert), 5);
        for (int64_t r = 0; r < n_out * n_expert; ++r)
            quantize_weight_row(t, wf.data() + r * n_in, w.data() + size_t(r) * row, n_in);
        const int64_t n_rows = n_slots / act_div;
        const std::vector<float> x = random_vector(size_t(n_rows * n_in), 6);
        std::vector<uint8_t> xq(std::max<size_t>(1, cuda::act_quant_bytes(t, n_in, n_rows)));
        if (cuda::act_quant_bytes(t, n_in, n_rows) > 0)
            cuda::quantize_activations(t, x.data(), xq.data(), n_in, n_rows, nullptr);
        const std::vector<int32_t> ids = {4, 0, 2, 2, 1, 3};
        cuda::DeviceMatrix m{t, w.data(), n_in, n_out, row};
        std::vector<float> y(size_t(n_slots * n_out)), want(size_t(n_slots * n_out));
        cuda::gemv_experts(m, {ids.data(), expert_bytes, int32_t(act_div)}, x.data(), xq.data(), y.data(), n_slots,
                           nullptr);
        const size_t xq_row = cuda::act_quant_bytes(t, n_in, 1);
        for (int64_t s = 0; s < n_slots; ++s) {
            cuda::DeviceMatrix e{t, w.data() + size_t(ids[size_t(s)]) * expert_bytes, n_in, n_out, row};
            const int64_t r = s / act_div;
            cuda::gemv(e, x.data() + r * n_in, xq.data() + size_t(r) * xq_row, want.data() + s * n_out, 1, nullptr);
        }
        cudaDeviceSynchronize();  // launches run at a sync point
        QCOMPARE(max_rel_diff(y, want), 0.0);
    }

    // out[t] = sum of the slots' weighted rows in ascending expert id, from 0.
    // gpt-oss's per-expert biases: each slot gets its own expert's row.
    void expertBiasFollowsTheSlotsExpert() {
        const int64_t n = 6, n_slots = 4;
        const std::vector<float> bias = random_vector(size_t(3 * n), 4);
        const std::vector<int32_t> ids = {2, 0, 2, 1};
        std::vector<float> y = random_vector(size_t(n_slots * n), 8), want = y;
        cuda::add_expert_bias(y.data(), bias.data(), ids.data(), n_slots, n, nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        for (int64_t s = 0; s < n_slots; ++s)
            for (int64_t i = 0; i < n; ++i) want[size_t(s * n + i)] += bias[size_t(ids[size_t(s)] * n + i)];
        QCOMPARE(max_rel_diff(y, want), 0.0);
    }

    void combineSumsInExpertOrder() {
        const int32_t T = 3, k = 3;
        const int64_t n = 40;
        const std::vector<float> y = random_vector(size_t(T * k * n), 9);
        const std::vector<int32_t> ids = {7, 2, 5, 0, 1, 2, 6, 3, 4};
        const std::vector<float> wts = {0.5f, 0.3f, 0.2f, 0.6f, 0.25f, 0.15f, 0.4f, 0.4f, 0.2f};
        std::vector<float> out(size_t(T * n)), want(size_t(T * n), 0.0f);
        cuda::moe_combine(y.data(), ids.data(), wts.data(), T, k, n, out.data(), nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        for (int32_t t = 0; t < T; ++t)
            for (int32_t e = 0; e < 8; ++e)  // the CPU walks experts in id order
                for (int32_t j = 0; j < k; ++j)
                    if (ids[size_t(t * k + j)] == e)
                        for (int64_t c = 0; c < n; ++c)
                            want[size_t(t * n + c)] += wts[size_t(t * k + j)] * y[size_t((t * k + j) * n + c)];
        QCOMPARE(max_rel_diff(out, want), 0.0);
    }
};

QTEST_APPLESS_MAIN(TestCudaMoe)
#include "test_cuda_moe.moc"
