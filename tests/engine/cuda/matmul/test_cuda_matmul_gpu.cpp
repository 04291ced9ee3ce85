// The CUDA matmul launchers on a real GPU (label gpu; skips with the probe's
// reason without one): activations bit-identical to the CPU's, gemv against
// the CPU backend's matmul, dequantize_to_f16 bit-identical to the CPU's
// dequantize_row, gemm_prefill against a double-precision reference. It then
// prints decode GEMV figures (µs, GB/s of weights) for QwQ-32B's shapes.
#include <QTest>
#include <cmath>

#include "cpu/matmul.h"
#include "cpu/thread_pool.h"
#include "cpu/vec_dot.h"
#include "gpu_matmul_runner.h"
#include "hearth/gpu.h"
#include "matmul_test_util.h"

using namespace hearth;
using namespace hearth_test_mm;

class TestCudaMatmulGpu : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        const GpuProbe probe = probe_gpus();
        if (!probe.available()) QSKIP(qPrintable(QStringLiteral("no GPU: ") + QString::fromStdString(probe.reason)));
    }

    void gemvMatchesCpu_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("n_tokens");
        for (TensorType t : computable_types())
            for (int n_tokens : {1, 3, 8})
                QTest::newRow(
                    (QByteArray(tensor_type_info(t).name) + " tokens=" + QByteArray::number(n_tokens)).constData())
                    << int(t) << n_tokens;
    }

    void gemvMatchesCpu() {
        QFETCH(int, type);
        QFETCH(int, n_tokens);
        const auto t = TensorType(type);
        const int64_t n_in = block_elems(t) == 1 ? 1000 : 37 * block_elems(t), n_out = 301;
        std::mt19937 rng(uint32_t(type * 13 + n_tokens));
        const std::vector<uint8_t> w = random_weights(t, n_out, n_in, rng);
        const std::vector<float> x = random_activations(n_in * n_tokens, rng);
        const hearth_test_gpu::GpuRun r = hearth_test_gpu::run_gemv(t, w, n_in, n_out, x, n_tokens);
        QVERIFY2(r.error.empty(), r.error.c_str());

        const TensorType at = vec_dot_type(t);
        if (at != TensorType_F32) {
            const size_t row = tensor_row_bytes(at, n_in);
            std::vector<uint8_t> cpu(row * size_t(n_tokens));
            for (int64_t k = 0; k < n_tokens; ++k)
                quantize_activations(at, x.data() + k * n_in, cpu.data() + size_t(k) * row, n_in);
            QVERIFY(r.xq == cpu);
        }
        ThreadPool pool(2);
        std::vector<uint8_t> scratch(matmul_scratch_bytes(t, n_in, n_tokens) + 1);
        std::vector<float> y_cpu(size_t(n_out * n_tokens));
        matmul(WeightView{t, w.data(), n_in, n_out}, x.data(), n_tokens, y_cpu.data(), scratch.data(), pool);
        for (int64_t r_ = 0; r_ < n_out; ++r_) {
            const std::vector<float> wf = dequantize(t, w.data() + size_t(r_) * tensor_row_bytes(t, n_in), n_in);
            for (int64_t k = 0; k < n_tokens; ++k) {
                double mag = 0.0;
                for (int64_t i = 0; i < n_in; ++i) mag += std::fabs(double(wf[size_t(i)]) * x[size_t(k * n_in + i)]);
                const size_t o = size_t(k * n_out + r_);
                QVERIFY2(std::fabs(double(r.y[o]) - y_cpu[o]) <= 2e-5 * mag + 1e-6,
                         qPrintable(QString("token %1 row %2: %3 vs %4").arg(k).arg(r_).arg(r.y[o]).arg(y_cpu[o])));
            }
        }
    }

    void gemmMatchesReference_data() {
        QTest::addColumn<int>("type");
        for (TensorType t : computable_types()) QTest::newRow(tensor_type_info(t).name) << int(t);
    }

    void gemmMatchesReference() {
        QFETCH(int, type);
        const auto t = TensorType(type);
        const int64_t n_in = block_elems(t) == 1 ? 320 : 5 * block_elems(t), n_out = 97, n_tokens = 37;
        std::mt19937 rng(uint32_t(type * 7));
        const std::vector<uint8_t> w = random_weights(t, n_out, n_in, rng);
        const std::vector<float> x = random_activations(n_in * n_tokens, rng);
        const hearth_test_gpu::GpuRun r = hearth_test_gpu::run_gemm(t, w, n_in, n_out, x, n_tokens);
        QVERIFY2(r.error.empty(), r.error.c_str());
        for (int64_t row = 0; row < n_out; ++row) {
            const std::vector<float> wf = dequantize(t, w.data() + size_t(row) * tensor_row_bytes(t, n_in), n_in);
            for (int64_t i = 0; i < n_in; ++i) {
                // FMA contraction is ruled out in dequantize_f16.cu, so the bits match.
                QCOMPARE(r.w_f16[size_t(row * n_in + i)], f32_to_fp16(wf[size_t(i)]));
            }
            for (int64_t k = 0; k < n_tokens; ++k) {
                double ref = 0.0, mag = 0.0;
                for (int64_t i = 0; i < n_in; ++i) {
                    const double p = double(wf[size_t(i)]) * x[size_t(k * n_in + i)];
                    ref += p;
                    mag += std::fabs(p);
                }
                const float got = r.y[size_t(k * n_out + row)];
                QVERIFY2(std::fabs(got - ref) <= 1.1e-3 * mag + 1e-6,
                         qPrintable(QString("token %1 row %2: %3 vs %4").arg(k).arg(row).arg(got).arg(ref)));
            }
        }
    }

    // Figures, not assertions: decode GEMV time for QwQ-32B's matrices.
    void printDecodeGemvFigures() {
        struct Shape {
            const char * name;
            int64_t n_in, n_out;
        };
        const Shape shapes[] = {
            {"attn_q 5120x5120", 5120, 5120}, {"ffn_up 5120x27648", 5120, 27648}, {"ffn_down 27648x5120", 27648, 5120}};
        for (TensorType t :
             {TensorType_IQ4_XS, TensorType_Q4_K, TensorType_Q6_K, TensorType_Q4_0, TensorType_Q8_0, TensorType_F16})
            for (const Shape & s : shapes) {
                const hearth_test_gpu::GemvTiming g = hearth_test_gpu::time_gemv(t, s.n_in, s.n_out, 50);
                QVERIFY2(g.error.empty(), g.error.c_str());
                qInfo("gemv %-7s %-20s %8.1f us  %7.1f GB/s", tensor_type_info(t).name, s.name, g.us,
                      g.weight_bytes / (g.us * 1e3));
            }
    }
};

QTEST_APPLESS_MAIN(TestCudaMatmulGpu)
#include "test_cuda_matmul_gpu.moc"
