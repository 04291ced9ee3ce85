// The CUDA backend on a real GPU (label gpu): fixture models fully offloaded
// (-ngl all) and split, logits against the CPU backend and llama.cpp's golden
// logits within the fixture tolerance. Without a usable GPU it skips, printing
// the probe's reason.
#include <QtTest>
#include <cstring>
#include <string>
#include <vector>

#include "golden.h"
#include "hearth/evaluator.h"
#include "hearth/gpu.h"
#include "hearth/model.h"

using namespace hearth;
using runtime_test::Golden;

namespace {

constexpr int32_t kPrefill = 48;  // cuBLAS prefill
constexpr int32_t kDecode = 16;   // CUDA Graph decode steps
constexpr int32_t kPositions = kPrefill + kDecode;

struct Run {
    std::vector<float> logits;
    std::string backend;
};

Run run_model(const Golden & g, int32_t n_gpu_layers, KvType kv, int32_t n_cpu_moe = -1) {
    LoadOptions lo;
    lo.n_ctx = 128;
    lo.n_gpu_layers = n_gpu_layers;
    lo.n_cpu_moe = n_cpu_moe;
    lo.kv_type = kv;
    Evaluator ev(Model::load(g.model_path, lo));
    Run r;
    r.backend = ev.backend_name();
    const size_t nv = size_t(g.n_vocab);
    r.logits.resize(size_t(kPositions) * nv);
    ev.eval(g.prompt_ids.data(), kPrefill, r.logits.data());
    for (int32_t p = kPrefill; p < kPositions; ++p) {
        ev.eval(&g.prompt_ids[size_t(p)], 1);
        std::memcpy(r.logits.data() + size_t(p) * nv, ev.last_logits(), nv * sizeof(float));
    }
    return r;
}

}  // namespace

class TestGpuForward : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        const GpuProbe probe = probe_gpus();
        if (!probe.available()) QSKIP(qPrintable(QStringLiteral("no GPU: ") + QString::fromStdString(probe.reason)));
    }

    void matchesCpu_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("kv");
        QTest::newRow("llama-Q4_K_S f16") << "models/synthetic/llama-Q4_K_S.gguf" << int(KvType_f16);
        QTest::newRow("llama-F16 f16") << "models/synthetic/llama-F16.gguf" << int(KvType_f16);
        QTest::newRow("qwen2-Q4_K_M q8_0") << "models/synthetic/qwen2-Q4_K_M.gguf" << int(KvType_q8_0);
        QTest::newRow("qwen3-IQ4_XS f16") << "models/synthetic/qwen3-IQ4_XS.gguf" << int(KvType_f16);
        QTest::newRow("stories260K f16") << "models/stories260K.gguf" << int(KvType_f16);
    }

    void matchesCpu() {
        QFETCH(QString, model);
        QFETCH(int, kv);
        const Golden g = runtime_test::load_golden(model.toStdString());
        const std::vector<float> golden(g.logits.begin(), g.logits.begin() + ptrdiff_t(kPositions) * g.n_vocab);
        const Run cpu = run_model(g, 0, KvType(kv));
        for (int32_t ngl : {-1, 1}) {
            const Run gpu = run_model(g, ngl, KvType(kv));
            QVERIFY2(gpu.backend.rfind("cuda (", 0) == 0, gpu.backend.c_str());
            if (ngl < 0) QVERIFY2(gpu.backend.find("+ output") != std::string::npos, gpu.backend.c_str());
            const auto vs_cpu = runtime_test::compare_logits(cpu.logits, gpu.logits, g.n_vocab);
            const auto vs_golden = runtime_test::compare_logits(golden, gpu.logits, g.n_vocab);
            qInfo("%s %s: nrmse vs CPU %.2e, vs llama.cpp %.2e (tolerance %.2e)", qPrintable(model),
                  gpu.backend.c_str(), vs_cpu.max_nrmse, vs_golden.max_nrmse, g.max_nrmse);
            QVERIFY(vs_cpu.max_nrmse <= g.max_nrmse);
            QVERIFY(vs_golden.max_nrmse <= g.max_nrmse);
            QVERIFY(vs_golden.top1 >= g.min_top1);
        }
    }

    // Experts in RAM (--n-cpu-moe): the host callbacks inside the real decode
    // graph, and the CPU's experts between GPU attention layers.
    void expertsInRamMatchCpu_data() {
        QTest::addColumn<QString>("model");
        QTest::newRow("qwen3moe-Q4_K_M") << "models/synthetic/qwen3moe-Q4_K_M.gguf";
        QTest::newRow("gpt-oss-Q8_0") << "models/synthetic/gpt-oss-Q8_0.gguf";
    }

    void expertsInRamMatchCpu() {
        QFETCH(QString, model);
        const Golden g = runtime_test::load_golden(model.toStdString());
        const Run cpu = run_model(g, 0, KvType_f16);
        for (int32_t n_cpu_moe : {1, 99}) {
            const Run gpu = run_model(g, -1, KvType_f16, n_cpu_moe);
            QVERIFY2(gpu.backend.find(" on the CPU)") != std::string::npos, gpu.backend.c_str());
            const auto vs_cpu = runtime_test::compare_logits(cpu.logits, gpu.logits, g.n_vocab);
            qInfo("%s %s: nrmse vs CPU %.2e (tolerance %.2e)", qPrintable(model), gpu.backend.c_str(), vs_cpu.max_nrmse,
                  g.max_nrmse);
            QVERIFY(vs_cpu.max_nrmse <= g.max_nrmse);
            QVERIFY(vs_cpu.top1 >= g.min_top1);
        }
    }
};

QTEST_APPLESS_MAIN(TestGpuForward)
#include "test_gpu_forward.moc"
