// The CUDA matmul launchers on real quantized weights: attention and FFN
// matrices of the synthetic fixture models (one per weight type, as llama.cpp
// quantized them), run on the SIMT emulator. gemv (decode and a short batch)
// must agree with the CPU backend's matmul, and gemm_prefill with a
// double-precision product of the dequantized weights, within f16 rounding.
#include <QTest>
#include <algorithm>
#include <cmath>

#include "common/fixtures.h"
#include "cpu/matmul.h"
#include "cpu/thread_pool.h"
#include "cuda/gemm.h"
#include "cuda/kernels.h"
#include "hearth/gguf.h"
#include "matmul_test_util.h"

using namespace hearth;
using namespace hearth_test_mm;

class TestCudaMatmulFixtures : public QObject {
    Q_OBJECT

private slots:
    void realWeightsMatchCpu_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("tensor");
        for (const char * m :
             {"llama-f32",     "llama-F16",    "llama-BF16",   "llama-Q4_0",    "llama-Q4_1",   "llama-Q5_0",
              "llama-Q5_1",    "llama-Q8_0",   "llama-Q2_K",   "llama-Q3_K_S",  "llama-Q4_K_S", "llama-Q5_K_S",
              "llama-Q6_K",    "llama-IQ4_NL", "llama-IQ4_XS", "qwen2-Q4_K_M",  "llama-IQ1_S",  "llama-IQ1_M",
              "llama-IQ2_XXS", "llama-IQ2_XS", "llama-IQ2_S",  "llama-IQ3_XXS", "llama-IQ3_S"})
            for (const char * t : {"blk.0.attn_q.weight", "blk.1.ffn_down.weight"})
                QTest::newRow((QByteArray(m) + " " + t).constData()) << QString(m) << QString(t);
        // gpt-oss's MXFP4 experts, [n_in, n_out, n_expert]: the rows of the first experts.
        for (const char * t : {"blk.0.ffn_up_exps.weight", "blk.1.ffn_down_exps.weight"})
            QTest::newRow((QByteArray("gpt-oss-MXFP4_MOE ") + t).constData())
                << QString("gpt-oss-MXFP4_MOE") << QString(t);
    }

    void realWeightsMatchCpu() {
        QFETCH(QString, model);
        QFETCH(QString, tensor);
        const std::string path = HEARTH_FIXTURE(("models/synthetic/" + model + ".gguf").toStdString());
        if (QTest::currentTestFailed()) return;
        const GgufFile f = GgufFile::open(path);
        const GgufTensor * gt = f.find_tensor(tensor.toStdString());
        QVERIFY2(gt != nullptr, qPrintable(tensor));
        // The first 37 rows (a partial CUDA block of rows): emulation is slow.
        // A 3-D tensor's experts follow each other: rows ne[1] * ne[2].
        const int64_t n_in = gt->ne[0], n_rows = gt->n_elements() / n_in, n_out = std::min<int64_t>(n_rows, 37);
        const cuda::DeviceMatrix w{gt->type, gt->data, n_in, n_out, tensor_row_bytes(gt->type, n_in)};
        QVERIFY(w.row_bytes * size_t(n_rows) == gt->n_bytes);

        std::mt19937 rng(uint32_t(n_in + n_out));
        const int64_t n_tok = 5;
        const std::vector<float> x = random_activations(n_in * n_tok, rng);
        ThreadPool pool(2);
        std::vector<uint8_t> scratch(matmul_scratch_bytes(gt->type, n_in, n_tok) + 1);
        std::vector<float> y_cpu(size_t(n_out * n_tok));
        matmul(WeightView{gt->type, gt->data, n_in, n_out}, x.data(), n_tok, y_cpu.data(), scratch.data(), pool);

        // |products| per output, the scale of rounding errors.
        std::vector<double> ref(y_cpu.size()), mag(y_cpu.size());
        for (int64_t r = 0; r < n_out; ++r) {
            const std::vector<float> wf = dequantize(gt->type, gt->data + size_t(r) * w.row_bytes, n_in);
            for (int64_t t = 0; t < n_tok; ++t)
                for (int64_t i = 0; i < n_in; ++i) {
                    const double p = double(wf[size_t(i)]) * x[size_t(t * n_in + i)];
                    ref[size_t(t * n_out + r)] += p;
                    mag[size_t(t * n_out + r)] += std::fabs(p);
                }
        }

        for (int64_t n_tokens : {int64_t(1), int64_t(3)}) {
            std::vector<uint8_t> xq(cuda::act_quant_bytes(gt->type, n_in, n_tokens) + 1);
            cuda::quantize_activations(gt->type, x.data(), xq.data(), n_in, n_tokens, nullptr);
            cudaDeviceSynchronize();  // launches run at a sync point
            std::vector<float> y(size_t(n_out * n_tokens), NAN);
            cuda::gemv(w, x.data(), xq.data(), y.data(), n_tokens, nullptr);
            cudaDeviceSynchronize();  // launches run at a sync point
            for (size_t i = 0; i < y.size(); ++i)
                QVERIFY2(std::fabs(double(y[i]) - y_cpu[i]) <= 2e-5 * mag[i] + 1e-6,
                         qPrintable(QString("gemv tokens %1, output %2: %3 vs cpu %4")
                                        .arg(n_tokens)
                                        .arg(i)
                                        .arg(double(y[i]), 0, 'g', 9)
                                        .arg(double(y_cpu[i]), 0, 'g', 9)));
        }

        cublasHandle_t blas = nullptr;
        QCOMPARE(cublasCreate(&blas), CUBLAS_STATUS_SUCCESS);
        std::vector<uint16_t> w_f16(size_t(n_in * n_out)), x_f16(size_t(n_in * n_tok));
        std::vector<float> y(y_cpu.size(), NAN);
        cuda::gemm_prefill(blas, w, x.data(), n_tok, y.data(), w_f16.data(), x_f16.data(), nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        cublasDestroy(blas);
        QCOMPARE(QString::fromStdString(cuda::gemm_take_error()), QString());
        for (size_t i = 0; i < y.size(); ++i)
            QVERIFY2(std::fabs(y[i] - ref[i]) <= 1.1e-3 * mag[i] + 1e-6,
                     qPrintable(QString("gemm output %1: %2 vs %3").arg(i).arg(double(y[i])).arg(ref[i])));
    }
};

QTEST_APPLESS_MAIN(TestCudaMatmulFixtures)
#include "test_cuda_matmul_fixtures.moc"
