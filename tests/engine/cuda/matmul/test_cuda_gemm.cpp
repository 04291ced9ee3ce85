// The prefill path on the SIMT emulator: dequantize_to_f16 (bit-identical to
// the CPU's dequantize_row rounded to f16, for every type), gemm_prefill
// (through the emulated cublasGemmEx) against a naive double-precision
// reference, the emulated cublasGemmEx's column-major semantics, and a failing
// cuBLAS call named in gemm_take_error.
#include <QTest>
#include <cmath>

#include "cuda/gemm.h"
#include "cuda/kernels.h"
#include "matmul_test_util.h"

using namespace hearth;
using namespace hearth_test_mm;

class TestCudaGemm : public QObject {
    Q_OBJECT

private slots:
    void dequantizeToF16MatchesCpu_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("n_out");
        QTest::addColumn<int>("n_blocks");
        for (TensorType t : computable_types()) {
            // Rows of a multiple of 8 take the 8-per-thread path; plain types also try odd rows.
            const bool plain = block_elems(t) == 1;
            QTest::newRow(tensor_type_info(t).name) << int(t) << 5 << (plain ? 64 : 3);
            if (plain) QTest::newRow((QByteArray(tensor_type_info(t).name) + " odd").constData()) << int(t) << 5 << 67;
        }
    }

    void dequantizeToF16MatchesCpu() {
        QFETCH(int, type);
        QFETCH(int, n_out);
        QFETCH(int, n_blocks);
        const auto t = TensorType(type);
        const int64_t n_in = int64_t(n_blocks) * block_elems(t);
        std::mt19937 rng(uint32_t(type + 100));
        const std::vector<uint8_t> w = random_weights(t, n_out, n_in, rng);
        const size_t row_bytes = tensor_row_bytes(t, n_in);
        std::vector<uint16_t> got(size_t(n_out * n_in) + 1, 0xABCD);
        cuda::dequantize_to_f16(cuda::DeviceMatrix{t, w.data(), n_in, n_out, row_bytes}, got.data(), nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        for (int r = 0; r < n_out; ++r) {
            const std::vector<float> f = dequantize(t, w.data() + size_t(r) * row_bytes, n_in);
            for (int64_t i = 0; i < n_in; ++i) {
                const uint16_t want = f32_to_fp16(f[size_t(i)]);
                QVERIFY2(
                    got[size_t(r * n_in + i)] == want,
                    qPrintable(
                        QString("row %1 element %2: %3 vs %4").arg(r).arg(i).arg(got[size_t(r * n_in + i)]).arg(want)));
            }
        }
        QCOMPARE(got.back(), uint16_t(0xABCD));  // nothing past [n_out][n_in]
    }

    void gemmPrefillMatchesReference_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("n_out");
        QTest::addColumn<int>("n_tokens");
        for (TensorType t : computable_types())
            for (int n_out : {1, 7, 33})
                for (int n_tokens : {1, 5}) {
                    const QByteArray name = QByteArray(tensor_type_info(t).name) +
                                            " n_out=" + QByteArray::number(n_out) +
                                            " tokens=" + QByteArray::number(n_tokens);
                    QTest::newRow(name.constData()) << int(t) << n_out << n_tokens;
                }
    }

    // y = x W^T within the f16 rounding of W and x (2^-11 relative each).
    void gemmPrefillMatchesReference() {
        QFETCH(int, type);
        QFETCH(int, n_out);
        QFETCH(int, n_tokens);
        const auto t = TensorType(type);
        const int64_t n_in = block_elems(t) == 1 ? 48 : 2 * block_elems(t);
        std::mt19937 rng(uint32_t(type * 31 + n_out + n_tokens));
        const std::vector<uint8_t> w = random_weights(t, n_out, n_in, rng);
        const std::vector<float> x = random_activations(n_in * n_tokens, rng);
        const size_t row_bytes = tensor_row_bytes(t, n_in);

        cublasHandle_t blas = nullptr;
        QCOMPARE(cublasCreate(&blas), CUBLAS_STATUS_SUCCESS);
        std::vector<uint16_t> w_f16(size_t(n_out * n_in)), x_f16(size_t(n_tokens * n_in));
        std::vector<float> y(size_t(n_out * n_tokens), NAN);
        cuda::gemm_prefill(blas, cuda::DeviceMatrix{t, w.data(), n_in, n_out, row_bytes}, x.data(), n_tokens, y.data(),
                           w_f16.data(), x_f16.data(), nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        cublasDestroy(blas);
        QCOMPARE(QString::fromStdString(cuda::gemm_take_error()), QString());

        for (int r = 0; r < n_out; ++r) {
            const std::vector<float> wf = dequantize(t, w.data() + size_t(r) * row_bytes, n_in);
            for (int tk = 0; tk < n_tokens; ++tk) {
                double ref = 0.0, mag = 0.0;
                for (int64_t i = 0; i < n_in; ++i) {
                    const double p = double(wf[size_t(i)]) * x[size_t(tk * n_in + i)];
                    ref += p;
                    mag += std::fabs(p);
                }
                const float got = y[size_t(tk * n_out + r)];
                QVERIFY2(
                    std::fabs(got - ref) <= 1.1e-3 * mag + 1e-6,
                    qPrintable(
                        QString("token %1 row %2: %3 vs %4 (magnitude %5)").arg(tk).arg(r).arg(got).arg(ref).arg(mag)));
            }
        }
    }

    // A 2 x 3 by 3 x 2 product in every transpose combination, with padded
    // leading dimensions, alpha and beta, against values worked out by hand.
    void emulatedGemmExIsColumnMajor() {
        // A = [[1, 2, 3], [4, 5, 6]] (2 x 3), B = [[1, 0], [0, 1], [1, 1]] (3 x 2):
        // A B = [[4, 5], [10, 11]].
        const float a_n[] = {1, 4, -9, 2, 5, -9, 3, 6, -9};  // column-major, lda 3 (one pad row)
        const float a_t[] = {1, 2, 3, -9, 4, 5, 6, -9};      // A^T stored column-major, lda 4
        const float b_n[] = {1, 0, 1, 0, 1, 1};              // column-major, ldb 3
        const float b_t[] = {1, 0, -9, 0, 1, -9, 1, 1, -9};  // B^T stored, ldb 3
        cublasHandle_t h = nullptr;
        QCOMPARE(cublasCreate(&h), CUBLAS_STATUS_SUCCESS);
        const float alpha = 2.0f, beta = 0.5f;
        for (int ta = 0; ta < 2; ++ta)
            for (int tb = 0; tb < 2; ++tb) {
                float c[] = {1, 1, 7, 1, 1, 7};  // ldc 3; the pad entries must stay
                const cublasStatus_t st =
                    cublasGemmEx(h, ta ? CUBLAS_OP_T : CUBLAS_OP_N, tb ? CUBLAS_OP_T : CUBLAS_OP_N, 2, 2, 3, &alpha,
                                 ta ? a_t : a_n, CUDA_R_32F, ta ? 4 : 3, tb ? b_t : b_n, CUDA_R_32F, 3, &beta, c,
                                 CUDA_R_32F, 3, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
                QCOMPARE(st, CUBLAS_STATUS_SUCCESS);
                cudaDeviceSynchronize();  // the GEMM runs on the handle's stream
                const float want[] = {8.5f, 20.5f, 7, 10.5f, 22.5f, 7};
                for (int i = 0; i < 6; ++i) QCOMPARE(c[i], want[i]);
            }
        float c[4];
        QCOMPARE(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 3, &alpha, a_n, CUDA_R_32F, 1, b_n, CUDA_R_32F, 3,
                              &beta, c, CUDA_R_32F, 2, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
                 CUBLAS_STATUS_INVALID_VALUE);  // lda < m
        cublasDestroy(h);
    }

    void failingCublasCallIsNamed() {
        std::mt19937 rng(5);
        const std::vector<uint8_t> w = random_weights(TensorType_Q8_0, 2, 32, rng);
        std::vector<float> x(32, 1.0f), y(2);
        std::vector<uint16_t> w_f16(64), x_f16(32);
        cuda::gemm_prefill(nullptr, cuda::DeviceMatrix{TensorType_Q8_0, w.data(), 32, 2, 34}, x.data(), 1, y.data(),
                           w_f16.data(), x_f16.data(), nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        const QString err = QString::fromStdString(cuda::gemm_take_error());
        QVERIFY2(err.startsWith("cublasSetStream(") && err.contains("gemm.cu:") &&
                     err.contains("CUBLAS_STATUS_NOT_INITIALIZED"),
                 qPrintable(err));
        QCOMPARE(QString::fromStdString(cuda::gemm_take_error()), QString());  // taken
    }
};

QTEST_APPLESS_MAIN(TestCudaGemm)
#include "test_cuda_gemm.moc"
