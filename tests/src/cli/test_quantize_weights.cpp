// Hearth's weight quantizers (hearth/quantize_weights.h) against the
// independent float64 decoder of tests/engine/quant (quant_reference), on random rows:
// every quantized row must decode close to its input, within the error one
// quantization step of the format allows, and the engine's own decoder must
// agree with the reference one.
#include <QtTest>
#include <cmath>
#include <random>

#include "hearth/quantize_weights.h"
#include "quant/quant.h"
#include "quant_reference.h"

using namespace hearth;

namespace {

std::vector<float> random_row(int64_t n, std::mt19937 & rng) {
    std::normal_distribution<float> normal(0.0f, 0.02f);
    std::vector<float> x(static_cast<size_t>(n));
    for (auto & v : x) v = normal(rng);
    for (int64_t i = 0; i < n; i += 113) x[static_cast<size_t>(i)] *= 6.0f;  // outliers, as real weights have
    return x;
}

double nrmse(const std::vector<float> & x, const std::vector<double> & y) {
    double err = 0.0, ref = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
        err += (x[i] - y[i]) * (x[i] - y[i]);
        ref += double(x[i]) * x[i];
    }
    return std::sqrt(err / ref);
}

}  // namespace

class TestQuantizeWeights : public QObject {
    Q_OBJECT

private slots:
    void roundTrip_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<double>("maxNrmse");
        // Round-to-nearest on N(0, 0.02) with outliers: the bound is about 1.5x
        // what each format's step size gives (Q8_0 ~0.4%, Q6_K ~1.5%, 5-bit ~4-5%, 4-bit ~8-11%, MXFP4 ~15%).
        QTest::newRow("F16") << int(TensorType_F16) << 0.001;
        QTest::newRow("BF16") << int(TensorType_BF16) << 0.005;
        QTest::newRow("Q8_0") << int(TensorType_Q8_0) << 0.01;
        QTest::newRow("Q6_K") << int(TensorType_Q6_K) << 0.035;
        QTest::newRow("Q4_0") << int(TensorType_Q4_0) << 0.15;
        QTest::newRow("Q5_0") << int(TensorType_Q5_0) << 0.08;
        QTest::newRow("Q5_1") << int(TensorType_Q5_1) << 0.08;
        QTest::newRow("IQ4_NL") << int(TensorType_IQ4_NL) << 0.15;
        QTest::newRow("Q5_K") << int(TensorType_Q5_K) << 0.08;
        QTest::newRow("Q4_K") << int(TensorType_Q4_K) << 0.15;
        QTest::newRow("IQ4_XS") << int(TensorType_IQ4_XS) << 0.15;
        QTest::newRow("MXFP4") << int(TensorType_MXFP4) << 0.22;
    }

    void roundTrip() {
        QFETCH(int, type);
        QFETCH(double, maxNrmse);
        const auto t = static_cast<TensorType>(type);
        QVERIFY(can_quantize_weights(t));
        std::mt19937 rng(7);
        const int64_t n = 4096;
        for (int rep = 0; rep < 4; ++rep) {
            const std::vector<float> x = random_row(n, rng);
            std::vector<uint8_t> q(tensor_row_bytes(t, n));
            quantize_weight_row(t, x.data(), q.data(), n);
            const std::vector<double> ref = quant_ref::dequantize(t, q.data(), n);
            const double e = nrmse(x, ref);
            QVERIFY2(e <= maxNrmse, qPrintable(QString("nrmse %1 > %2").arg(e).arg(maxNrmse)));
            QVERIFY2(e > 0.0 || t == TensorType_F32, "a lossy format decoded exactly: the check cannot fail");
            std::vector<float> ours(static_cast<size_t>(n));
            dequantize_row(t, q.data(), ours.data(), n);
            for (int64_t i = 0; i < n; ++i) QCOMPARE(double(ours[size_t(i)]), ref[size_t(i)]);
        }
    }

    // A constant-sign row exercises the unsigned ranges (Q4_K's min, IQ4_XS's
    // signed sub-block scale) and an all-zero row the zero scales.
    void edgeRows_data() { roundTrip_data(); }
    void edgeRows() {
        QFETCH(int, type);
        QFETCH(double, maxNrmse);
        const auto t = static_cast<TensorType>(type);
        const int64_t n = 512;
        std::vector<float> pos(n), zero(n, 0.0f);
        for (int64_t i = 0; i < n; ++i) pos[size_t(i)] = 0.5f + 0.001f * float(i % 97);
        std::vector<uint8_t> q(tensor_row_bytes(t, n));
        quantize_weight_row(t, pos.data(), q.data(), n);
        QVERIFY(nrmse(pos, quant_ref::dequantize(t, q.data(), n)) <= maxNrmse);
        for (auto & v : pos) v = -v;
        quantize_weight_row(t, pos.data(), q.data(), n);
        QVERIFY(nrmse(pos, quant_ref::dequantize(t, q.data(), n)) <= maxNrmse);
        quantize_weight_row(t, zero.data(), q.data(), n);
        for (double v : quant_ref::dequantize(t, q.data(), n)) QCOMPARE(v, 0.0);
    }

    void unsupportedTypesAreReported() {
        QVERIFY(!can_quantize_weights(TensorType_Q2_K));
        QVERIFY(!can_quantize_weights(TensorType_Q8_K));
        QVERIFY(can_quantize_weights(TensorType_F32));
    }
};

QTEST_APPLESS_MAIN(TestQuantizeWeights)
#include "test_quantize_weights.moc"
