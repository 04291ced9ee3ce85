// The synthetic goldens of the 2025-26 families (qwen3moe, gpt-oss with
// MXFP4, gemma3) that test_cuda_forward_sim and test_cuda_moe_offload_sim do
// not run, through the CUDA backend compiled for the SIMT emulator, at the
// splits whose code paths differ, with one CPU reference run per model:
//   full offload (-ngl n_layer + 1)  every layer and the output on the device,
//                                    experts through the expert-indexed GEMV
//   partial (-ngl 1)                 the last layer only, the output on the CPU
//   experts in RAM (MoE models)      full offload with the first layer's experts
//                                    on the CPU (--n-cpu-moe 1): host callback
//                                    and device experts in one run
// Each against the CPU backend and llama.cpp's golden logits within the
// fixture's tolerance (nrmse and top-1), over sim_forward.h's steps (a prefill
// batch, a short batch, decode tokens through the CUDA Graph).
//
// CMake registers one CTest entry per data row (label slow), read from the
// newRow lines below: keep each row on one line.
#include <QtTest>

#include "sim_agreement.h"

using namespace hearth;
using namespace sim_forward;
using runtime_test::Golden;

class TestCudaFamilyGoldensSim : public QObject {
    Q_OBJECT
private slots:
    void splitsMatchCpu_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("kv");
        QTest::newRow("qwen3moe-Q8_0 f16") << "models/synthetic/qwen3moe-Q8_0.gguf" << int(KvType_f16);
        QTest::newRow("gpt-oss-MXFP4_MOE f16") << "models/synthetic/gpt-oss-MXFP4_MOE.gguf" << int(KvType_f16);
        QTest::newRow("gpt-oss-Q4_K_M q8_0") << "models/synthetic/gpt-oss-Q4_K_M.gguf" << int(KvType_q8_0);
        QTest::newRow("gpt-oss-IQ4_XS f16") << "models/synthetic/gpt-oss-IQ4_XS.gguf" << int(KvType_f16);
        QTest::newRow("gemma3-Q8_0 q8_0") << "models/synthetic/gemma3-Q8_0.gguf" << int(KvType_q8_0);
        QTest::newRow("gemma3-IQ4_XS f16") << "models/synthetic/gemma3-IQ4_XS.gguf" << int(KvType_f16);
    }

    void splitsMatchCpu() {
        QFETCH(QString, model);
        QFETCH(int, kv);
        const Golden g = runtime_test::load_golden(model.toStdString());
        QVERIFY(int32_t(g.prompt_ids.size()) >= kPositions);
        RunShape shape;
        shape.kv_type = KvType(kv);
        shape.n_cpu_moe = 0;
        const Run cpu = run_model(g.model_path, g.prompt_ids, g.n_vocab, shape);
        QCOMPARE(cpu.backend, std::string("cpu"));
        const runtime_test::Agreement cpu_vs_golden =
            runtime_test::compare_logits(golden_rows(g), cpu.logits, g.n_vocab);
        QVERIFY2(cpu_vs_golden.max_nrmse <= g.max_nrmse, qPrintable(QString::number(cpu_vs_golden.max_nrmse)));
        QVERIFY2(cpu_vs_golden.top1 >= g.min_top1, qPrintable(QString::number(cpu_vs_golden.top1)));

        const ModelHparams hp = Model::load(g.model_path)->hparams();
        struct Split {
            int32_t ngl, n_cpu_moe;
        };
        std::vector<Split> splits = {{hp.n_layer + 1, 0}, {1, 0}};
        if (hp.is_moe()) splits.push_back({hp.n_layer + 1, 1});
        shape.emulated_gpu = true;
        for (const Split & sp : splits) {
            shape.n_gpu_layers = sp.ngl;
            shape.n_cpu_moe = sp.n_cpu_moe;
            const Run gpu = run_model(g.model_path, g.prompt_ids, g.n_vocab, shape);
            const QString what = QStringLiteral("-ngl %1 --n-cpu-moe %2").arg(sp.ngl).arg(sp.n_cpu_moe);
            QCOMPARE(gpu.plan.n_gpu_layers, sp.ngl);
            QCOMPARE(gpu.plan.cpu_moe_layers, sp.n_cpu_moe);
            QVERIFY2(gpu.backend == expected_label(sp.ngl, hp.n_layer, sp.n_cpu_moe),
                     qPrintable(what + ": " + QString::fromStdString(gpu.backend)));
            QVERIFY2(gpu.note.empty(), qPrintable(what + ": " + QString::fromStdString(gpu.note)));
            check_agreement(g, cpu.logits, gpu, model + " " + what);
            if (QTest::currentTestFailed()) return;
        }
    }
};

QTEST_APPLESS_MAIN(TestCudaFamilyGoldensSim)
#include "test_cuda_family_goldens_sim.moc"
