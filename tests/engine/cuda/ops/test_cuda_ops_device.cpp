// rope and rmsnorm through device buffers against the CPU backend, within
// op_tolerance.h's bounds: built twice, for a real GPU (test_cuda_ops_gpu,
// label gpu; skips without one) and for the emulator (test_cuda_ops_sim,
// label cuda-sim), where the bounds are tight.
#include <QTest>
#include <vector>

#include "cpu/ops.h"
#include "gpu_ops_runner.h"
#include "hearth/gpu.h"
#include "op_test_util.h"
#include "op_tolerance.h"

using namespace hearth;

using op_test::max_rel_diff;
using op_test::random_vector;

class TestCudaOpsDevice : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        if (!op_tolerance::kDevice) return;
        const GpuProbe probe = probe_gpus();
        if (!probe.available()) QSKIP(qPrintable(QStringLiteral("no GPU: ") + QString::fromStdString(probe.reason)));
    }

    void rmsnormMatchesCpu_data() {
        QTest::addColumn<int>("n_rows");
        QTest::addColumn<int>("n");
        QTest::newRow("warp rows (head norm)") << 40 << 128;
        QTest::newRow("block rows (n_embd 5120)") << 3 << 5120;
    }

    void rmsnormMatchesCpu() {
        QFETCH(int, n_rows);
        QFETCH(int, n);
        const std::vector<float> x = random_vector(size_t(n_rows) * n, 3, -3.0f, 3.0f);
        const std::vector<float> w = random_vector(size_t(n), 4, 0.5f, 1.5f);
        std::vector<float> cpu(x.size());
        rmsnorm_rows(x.data(), w.data(), cpu.data(), n_rows, n, 1e-6f);
        std::string error;
        const std::vector<float> gpu = hearth_test_ops::run_rmsnorm(x, w, n_rows, n, 1e-6f, error);
        QVERIFY2(error.empty(), error.c_str());
        const double diff = max_rel_diff(gpu, cpu);
        QVERIFY2(diff <= op_tolerance::rmsnorm(),
                 qPrintable(QString("%1 > %2").arg(diff).arg(op_tolerance::rmsnorm())));
    }

    void ropeMatchesCpu_data() {
        QTest::addColumn<bool>("neox");
        QTest::addColumn<bool>("yarn");
        QTest::addColumn<int>("pos0");
        QTest::newRow("normal, position 37") << false << false << 37;
        QTest::newRow("neox, position 30000") << true << false << 30000;
        QTest::newRow("neox, yarn, position 8190") << true << true << 8190;
    }

    void ropeMatchesCpu() {
        QFETCH(bool, neox);
        QFETCH(bool, yarn);
        QFETCH(int, pos0);
        RopeParams rp;
        rp.type = neox ? RopeType_neox : RopeType_normal;
        rp.n_rot = 128;
        rp.freq_base = yarn ? 1000000.0f : 10000.0f;
        if (yarn) {
            rp.freq_scale = 0.25f;
            rp.ext_factor = 1.0f;
            rp.corr_low = 3.0f;
            rp.corr_high = 50.0f;
        }
        const int64_t n_tokens = 4, n_heads = 8, head_dim = 128;
        const std::vector<float> x = random_vector(size_t(n_tokens * n_heads * head_dim), 5, -2.0f, 2.0f);
        std::vector<float> cpu = x;
        rope_rows(rp, cpu.data(), n_tokens, n_heads, head_dim, pos0);
        std::string error;
        const std::vector<float> gpu = hearth_test_ops::run_rope(rp, x, n_tokens, n_heads, head_dim, pos0, error);
        QVERIFY2(error.empty(), error.c_str());
        const double diff = max_rel_diff(gpu, cpu), bound = op_tolerance::rope(pos0 + n_tokens);
        QVERIFY2(diff <= bound, qPrintable(QString("%1 > %2").arg(diff).arg(bound)));
    }
};

QTEST_APPLESS_MAIN(TestCudaOpsDevice)
#include "test_cuda_ops_device.moc"
