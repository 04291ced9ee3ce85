// quantize_activations on the SIMT emulator must produce the CPU's bytes
// exactly (Q8_0 for the 32-element weight formats, Q8_K for the K/IQ4_XS
// formats): the GEMVs are checked against CPU dot products on the same codes.
#include <QTest>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "cpu/vec_dot.h"
#include "cuda/kernels.h"
#include "quant/blocks_k.h"
#include "quant/quant.h"

using namespace hearth;

class TestCudaQuantizeAct : public QObject {
    Q_OBJECT

    static std::vector<float> activations(int64_t n, uint32_t seed) {
        std::mt19937 rng(seed);
        std::normal_distribution<float> val(0.0f, 2.0f);
        std::vector<float> x(static_cast<size_t>(n));
        for (float & v : x) v = val(rng);
        // An all-zero block, exact halves of the code step (ties to even), an
        // outlier and a tiny block, so every rounding edge appears.
        for (int64_t j = 32; j < 64 && j < n; ++j) x[size_t(j)] = 0.0f;
        if (n >= 128) {
            x[64] = 127.0f;
            for (int j = 65; j < 96; ++j) x[size_t(j)] = float(j - 80) + 0.5f;
            for (int j = 96; j < 128; ++j) x[size_t(j)] *= 1e-30f;
        }
        return x;
    }

private slots:
    void bytesMatchTheCpu_data() {
        QTest::addColumn<int>("wtype");
        QTest::addColumn<int>("n_in");
        QTest::addColumn<int>("n_tokens");
        for (int t : {int(TensorType_Q4_0), int(TensorType_IQ4_NL), int(TensorType_Q4_K), int(TensorType_IQ4_XS)}) {
            const int qk = vec_dot_type(TensorType(t)) == TensorType_Q8_0 ? 32 : 256;
            for (int n_tokens : {1, 3})
                for (int nb : {1, 5, 37}) {
                    const QByteArray name = QByteArray(tensor_type_info(uint32_t(t)).name) +
                                            " blocks=" + QByteArray::number(nb) +
                                            " tokens=" + QByteArray::number(n_tokens);
                    QTest::newRow(name.constData()) << t << nb * qk << n_tokens;
                }
        }
    }

    void bytesMatchTheCpu() {
        QFETCH(int, wtype);
        QFETCH(int, n_in);
        QFETCH(int, n_tokens);
        const auto wt = TensorType(wtype);
        const TensorType at = vec_dot_type(wt);
        const std::vector<float> x = activations(int64_t(n_in) * n_tokens, uint32_t(n_in * 3 + n_tokens));
        const size_t row = tensor_row_bytes(at, n_in);
        const size_t bytes = cuda::act_quant_bytes(wt, n_in, n_tokens);
        QCOMPARE(bytes, row * size_t(n_tokens));

        std::vector<uint8_t> gpu(bytes + 16, 0xEE), cpu(bytes, 0x11);
        cuda::quantize_activations(wt, x.data(), gpu.data(), n_in, n_tokens, nullptr);
        cudaDeviceSynchronize();  // launches run at a sync point
        for (int t = 0; t < n_tokens; ++t)
            quantize_activations(at, x.data() + size_t(t) * size_t(n_in), cpu.data() + size_t(t) * row, n_in);
        for (size_t i = 0; i < bytes; ++i)
            QVERIFY2(gpu[i] == cpu[i],
                     qPrintable(QString("byte %1 (block %2): gpu %3 cpu %4")
                                    .arg(i)
                                    .arg(i / (row / size_t(n_in / (at == TensorType_Q8_0 ? 32 : 256))))
                                    .arg(gpu[i])
                                    .arg(cpu[i])));
        for (size_t i = bytes; i < gpu.size(); ++i) QCOMPARE(gpu[i], uint8_t(0xEE));  // nothing past the end
    }

    void floatWeightsNeedNoActivations() {
        for (TensorType t : {TensorType_F32, TensorType_F16, TensorType_BF16}) {
            QCOMPARE(cuda::act_quant_bytes(t, 64, 4), size_t(0));
            std::vector<float> x(64, 1.0f);
            uint8_t sentinel = 0x5A;
            cuda::quantize_activations(t, x.data(), &sentinel, 64, 1, nullptr);
            cudaDeviceSynchronize();  // launches run at a sync point
            QCOMPARE(sentinel, uint8_t(0x5A));
        }
    }
};

QTEST_APPLESS_MAIN(TestCudaQuantizeAct)
#include "test_cuda_quantize_act.moc"
