// RoPE layouts and scaling against direct float64 formulas.
#include <QtTest>
#include <cmath>

#include "cpu/ops.h"

namespace {

hearth::RopeParams params(hearth::RopeType type, int n_rot) {
    hearth::ModelHparams hp;
    hp.rope_type = type;
    hp.n_rot = n_rot;
    hp.head_dim = 16;
    hp.n_ctx_train = 4096;
    return hearth::RopeParams::from_hparams(hp);
}

std::vector<float> ramp(int n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) v[size_t(i)] = 0.1f * float(i + 1) - 0.7f;
    return v;
}

}  // namespace

class TestRope : public QObject {
    Q_OBJECT

private slots:
    void layouts_data() {
        QTest::addColumn<bool>("neox");
        QTest::addColumn<int>("n_rot");
        QTest::newRow("normal, full") << false << 16;
        QTest::newRow("neox, full") << true << 16;
        QTest::newRow("normal, partial") << false << 8;
        QTest::newRow("neox, partial") << true << 8;
    }

    void layouts() {
        QFETCH(bool, neox);
        QFETCH(int, n_rot);
        const int D = 16, H = 2, pos0 = 5, T = 3;
        const hearth::RopeParams rp = params(neox ? hearth::RopeType_neox : hearth::RopeType_normal, n_rot);
        std::vector<float> x = ramp(T * H * D);
        const std::vector<float> orig = x;
        hearth::rope_rows(rp, x.data(), T, H, D, pos0);
        for (int t = 0; t < T; ++t)
            for (int h = 0; h < H; ++h) {
                const float * o = orig.data() + (t * H + h) * D;
                const float * y = x.data() + (t * H + h) * D;
                for (int i = 0; i < n_rot / 2; ++i) {
                    const double th = double(pos0 + t) * std::pow(10000.0, -2.0 * i / n_rot);
                    const int a = neox ? i : 2 * i, b = neox ? i + n_rot / 2 : 2 * i + 1;
                    QVERIFY(std::fabs(y[a] - (o[a] * std::cos(th) - o[b] * std::sin(th))) < 1e-5);
                    QVERIFY(std::fabs(y[b] - (o[a] * std::sin(th) + o[b] * std::cos(th))) < 1e-5);
                }
                for (int i = n_rot; i < D; ++i) QCOMPARE(y[i], o[i]);  // past n_rot: untouched
            }
    }

    void linearScalingDividesPositions() {
        hearth::RopeParams scaled = params(hearth::RopeType_normal, 16);
        scaled.freq_scale = 0.25f;
        const hearth::RopeParams plain = params(hearth::RopeType_normal, 16);
        std::vector<float> a = ramp(16), b = ramp(16);
        hearth::rope_rows(scaled, a.data(), 1, 1, 16, 12);
        hearth::rope_rows(plain, b.data(), 1, 1, 16, 3);
        for (int i = 0; i < 16; ++i) QVERIFY(std::fabs(a[size_t(i)] - b[size_t(i)]) < 1e-5);
    }

    void yarnExtrapolatesHighFrequencies() {
        hearth::ModelHparams hp;
        hp.rope_type = hearth::RopeType_neox;
        hp.n_rot = hp.head_dim = 64;
        hp.n_ctx_train = hp.n_ctx_orig = 4096;
        hp.rope_scaling = hearth::RopeScaling_yarn;
        hp.rope_freq_scale = 0.25f;
        hp.yarn_ext_factor = 1.0f;
        const hearth::RopeParams rp = hearth::RopeParams::from_hparams(hp);
        QVERIFY(rp.corr_low > 0 && rp.corr_high > rp.corr_low && rp.corr_high < 32);
        const int pos = 7;
        std::vector<float> x(64, 0.0f);
        x[0] = 1.0f;   // pair 0: the highest frequency, fully extrapolated
        x[31] = 1.0f;  // pair 31: the lowest, fully interpolated
        hearth::rope_rows(rp, x.data(), 1, 1, 64, pos);
        const double mscale = 1.0 + 0.1 * std::log(4.0);
        QVERIFY(std::fabs(x[0] - mscale * std::cos(double(pos))) < 1e-5);
        QVERIFY(std::fabs(x[32] - mscale * std::sin(double(pos))) < 1e-5);
        const double th31 = 0.25 * pos * std::pow(10000.0, -2.0 * 31 / 64);
        QVERIFY(std::fabs(x[31] - mscale * std::cos(th31)) < 1e-5);
    }
};

QTEST_APPLESS_MAIN(TestRope)
#include "test_rope.moc"
