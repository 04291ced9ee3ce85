// Tensor layouts other converters write, through the CUDA backend compiled for
// the SIMT emulator, against the CPU backend on the same file:
//   - llama3's rope_freqs: per-pair frequency divisors, uploaded and applied
//     by the device RoPE (both the full and the sliding-window one);
//   - a fused attn_qkv (rows q | k | v, with its bias for qwen2) and a fused
//     ffn_up of 2 * n_ff rows (gate | up), split into their parts at upload.
// The models come from the synthetic model maker (src/cli/synthetic_model.*),
// small and random. The fused layouts hold exactly the weights of the split
// ones made from the same seed (the same rows in the same order): the CPU
// gives the same logits for both, and so must the GPU, bit for bit, since
// the split matrices are the separate ones. rope_freqs must matter, or the
// test would prove nothing: the CPU logits with and without it differ by
// several times the tolerance.
#include <QTemporaryDir>
#include <QtTest>

#include "model/weights.h"
#include "sim_forward.h"
#include "synthetic_model.h"

using namespace hearth;
using namespace sim_forward;

namespace {

// Normalized RMSE of the GPU against the CPU: the fixtures' goldens allow
// 2-3e-2 on random models (the GPU quantizes activations to q8_1).
constexpr double kTolerance = 3e-2;
constexpr double kMinTop1 = 0.9;
constexpr int32_t kVocab = 320;

struct Variant {
    const char * arch;
    TensorType type;
    bool rope_freqs, fused_qkv, fused_gate_up;
};

std::string make_model(const QTemporaryDir & dir, const std::string & name, const Variant & v, bool variant_on) {
    Hearth::Cli::SyntheticShape s;
    s.arch = v.arch;
    s.nEmbd = 64;
    s.nLayer = 2;
    s.nFf = 128;
    s.nHead = 4;  // head_dim 16: 8 RoPE pairs, the slower ones divided by up to 8
    s.nHeadKv = 2;
    s.nCtx = 256;
    s.nVocab = kVocab;
    s.ropeFreqs = variant_on && v.rope_freqs;
    s.fusedQkv = variant_on && v.fused_qkv;
    s.fusedGateUp = variant_on && v.fused_gate_up;
    Hearth::Cli::SyntheticTypes t;
    t.weights = v.type;
    Hearth::Cli::checkSyntheticShape(s, t);
    GgufWriter w;
    Hearth::Cli::buildSyntheticModel(w, s, t, nullptr, 7, false, nullptr);
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    w.write_file(path);
    return path;
}

std::vector<int32_t> prompt() {
    std::vector<int32_t> ids;
    for (int32_t i = 0; i < kPositions; ++i) ids.push_back(3 + (i * 97 + 11) % (kVocab - 3));
    return ids;
}

Run run_at(const std::string & path, int32_t n_gpu_layers) {
    RunShape shape;
    shape.n_gpu_layers = n_gpu_layers;
    shape.emulated_gpu = n_gpu_layers != 0;
    return run_model(path, prompt(), kVocab, shape);
}

}  // namespace

class TestCudaLayoutVariantsSim : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void variantMatchesCpu_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("type");
        QTest::addColumn<bool>("ropeFreqs");
        QTest::addColumn<bool>("fusedQkv");
        QTest::addColumn<bool>("fusedGateUp");
        QTest::newRow("llama rope_freqs Q8_0") << "llama" << int(TensorType_Q8_0) << true << false << false;
        QTest::newRow("llama fused qkv Q4_0") << "llama" << int(TensorType_Q4_0) << false << true << false;
        QTest::newRow("llama fused gate_up Q8_0") << "llama" << int(TensorType_Q8_0) << false << false << true;
        QTest::newRow("qwen2 fused qkv bias Q8_0") << "qwen2" << int(TensorType_Q8_0) << false << true << false;
        QTest::newRow("llama fused gate_up F32") << "llama" << int(TensorType_F32) << false << false << true;
        QTest::newRow("llama all three Q8_0") << "llama" << int(TensorType_Q8_0) << true << true << true;
    }

    // Fully offloaded (layers + output) and split after the first layer.
    void variantMatchesCpu() {
        QFETCH(QString, arch);
        QFETCH(int, type);
        QFETCH(bool, ropeFreqs);
        QFETCH(bool, fusedQkv);
        QFETCH(bool, fusedGateUp);
        QVERIFY(m_dir.isValid());
        const std::string a = arch.toStdString();
        const Variant v{a.c_str(), TensorType(type), ropeFreqs, fusedQkv, fusedGateUp};
        const std::string tag = QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_').toStdString();
        const std::string plain = make_model(m_dir, tag + "-plain.gguf", v, false);
        const std::string variant = make_model(m_dir, tag + ".gguf", v, true);
        {
            auto m = Model::load(variant);
            QCOMPARE(m->weights().rope_freqs != nullptr, ropeFreqs);
            QCOMPARE(m->weights().layers[0].attn.wqkv.data != nullptr, fusedQkv);
            QCOMPARE(m->weights().layers[0].ffn.fused(), fusedGateUp);
        }
        const Run cpu = run_at(variant, 0);
        const Run cpu_plain = run_at(plain, 0);
        const runtime_test::Agreement layouts = runtime_test::compare_logits(cpu_plain.logits, cpu.logits, kVocab);
        if (ropeFreqs) {
            QVERIFY2(layouts.max_nrmse > 3 * kTolerance, qPrintable(QString::number(layouts.max_nrmse)));
        } else {
            QCOMPARE(layouts.max_nrmse, 0.0);  // the same weights, fused or not
        }
        for (const int32_t ngl : {3, 1}) {
            const Run gpu = run_at(variant, ngl);
            if (!ropeFreqs) {
                const Run gpu_plain = run_at(plain, ngl);
                QCOMPARE(runtime_test::compare_logits(gpu_plain.logits, gpu.logits, kVocab).max_nrmse, 0.0);
            }
            const QString what = QStringLiteral("-ngl %1: ").arg(ngl);
            QVERIFY2(gpu.backend == expected_label(ngl, 2), qPrintable(what + QString::fromStdString(gpu.backend)));
            QVERIFY2(gpu.note.empty(), qPrintable(what + QString::fromStdString(gpu.note)));
            const runtime_test::Agreement vs_cpu = runtime_test::compare_logits(cpu.logits, gpu.logits, kVocab);
            qInfo("%s -ngl %d: nrmse vs CPU %.2e, top-1 %.2f", QTest::currentDataTag(), ngl, vs_cpu.max_nrmse,
                  vs_cpu.top1);
            QVERIFY2(vs_cpu.max_nrmse <= kTolerance, qPrintable(what + QString::number(vs_cpu.max_nrmse)));
            QVERIFY2(vs_cpu.top1 >= kMinTop1, qPrintable(what + QString::number(vs_cpu.top1)));
        }
    }
};

QTEST_APPLESS_MAIN(TestCudaLayoutVariantsSim)
#include "test_cuda_layout_variants_sim.moc"
