// The evaluator's layer placement and its fallbacks, with stand-in GPU
// backends: no GPU backend in the build or no device (the probe's reason),
// too little VRAM, a backend that fails to start, and one that fails during a
// step (the evaluator reports the failed call as ErrorCode_device).
#include <QtTest>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/fixtures.h"
#include "golden.h"
#include "hearth/error.h"
#include "hearth/evaluator.h"
#include "hearth/gpu.h"
#include "hearth/model.h"
#include "runtime/backend.h"

using namespace hearth;

namespace {

int g_factory_calls = 0;

std::unique_ptr<GpuBackend> throwing_factory(const GpuBackendConfig &) {
    ++g_factory_calls;
    throw Error(ErrorCode_device, "CUDA: cublasCreate(&m_blas) failed at cuda_backend.cu:70: CUBLAS_STATUS_NOT_INITIALIZED");
}

// Takes its layers and "fails" its first step the way CudaBackend records a
// failed call.
class FailingBackend : public GpuBackend {
public:
    explicit FailingBackend(const GpuBackendConfig & c) : m_first(c.first_layer), m_output(c.output_on_gpu) {}
    const char * name() const override { return "failing"; }
    void run_layers(int, int, float *, int32_t, int32_t) override {}
    void forward(float *, int32_t, int32_t, int32_t, float *) override {
        m_error =
            "cudaMemcpyAsync(m_s.x, ...) failed at cuda_backend.cu:1: cudaErrorLaunchFailure (unspecified launch "
            "failure)";
    }
    bool output_on_gpu() const override { return m_output; }
    int32_t first_layer() const override { return m_first; }
    const std::string & error() const override { return m_error; }
    size_t vram_bytes() const override { return 0; }

private:
    int32_t m_first;
    bool m_output;
    std::string m_error;
};

GpuBackendConfig g_last_config;

std::unique_ptr<GpuBackend> failing_factory(const GpuBackendConfig & c) {
    ++g_factory_calls;
    g_last_config = c;
    return std::make_unique<FailingBackend>(c);
}

// A card whose driver takes more than the plan assumed: only one layer fits.
std::unique_ptr<GpuBackend> one_layer_factory(const GpuBackendConfig & c) {
    ++g_factory_calls;
    if (c.first_layer < c.hp->n_layer - 1 || c.output_on_gpu)
        throw Error(ErrorCode_resources, "CUDA: not enough free VRAM for the KV cache (12.0 MiB)");
    return std::make_unique<FailingBackend>(c);
}

std::shared_ptr<Model> load(int32_t n_gpu_layers) {
    LoadOptions lo;
    lo.n_ctx = 32;
    lo.n_threads = 1;
    lo.n_gpu_layers = n_gpu_layers;
    return Model::load(hearth_test::fixture("models/synthetic/qwen2-Q4_K_M.gguf"), lo);
}

std::vector<float> last_logits(Evaluator & ev, const std::vector<int32_t> & ids) {
    ev.eval(ids.data(), int32_t(ids.size()));
    return std::vector<float>(ev.last_logits(), ev.last_logits() + ev.n_vocab());
}

}  // namespace

class TestGpuPlacement : public QObject {
    Q_OBJECT
private slots:
    void zeroLayersIsCpuWithoutNote() {
        Evaluator ev(load(0));
        QCOMPARE(std::string(ev.backend_name()), std::string("cpu"));
        QVERIFY(ev.placement_note().empty());
        QCOMPARE(ev.placement().plan.n_gpu_layers, 0);
    }

    // This machine's own GPU backend: a CPU-only build has none, and a CUDA
    // build without a driver or device falls back; either way the note is the
    // probe's sentence and the logits are the CPU's.
    void noGpuFallsBackWithProbeReason() {
        const GpuProbe probe = probe_gpus();
        if (probe.available()) QSKIP("a GPU is present: the fallback cannot be observed here");
        Evaluator gpu_requested(load(-1));
        QCOMPARE(std::string(gpu_requested.backend_name()), std::string("cpu"));
        QCOMPARE(gpu_requested.placement_note(), probe.reason);
        QVERIFY(!probe.reason.empty());
        Evaluator cpu(load(0));
        const std::vector<int32_t> ids = {1, 17, 42, 7};
        QCOMPARE(last_logits(gpu_requested, ids), last_logits(cpu, ids));
    }

    void tooLittleVramKeepsLayersOnCpu() {
        g_factory_calls = 0;
        EvaluatorOptions eo;
        eo.gpu_factory = &failing_factory;
        eo.gpu_vram_free = 4096;
        Evaluator ev(load(-1), eo);
        QCOMPARE(std::string(ev.backend_name()), std::string("cpu"));
        QCOMPARE(g_factory_calls, 0);
        QVERIFY2(QString::fromStdString(ev.placement_note()).contains("VRAM"), ev.placement_note().c_str());
    }

    void backendThatCannotStartFallsBack() {
        g_factory_calls = 0;
        EvaluatorOptions eo;
        eo.gpu_factory = &throwing_factory;
        eo.gpu_vram_free = 1ull << 30;
        Evaluator ev(load(2), eo);
        QCOMPARE(g_factory_calls, 1);
        QCOMPARE(std::string(ev.backend_name()), std::string("cpu"));
        const QString note = QString::fromStdString(ev.placement_note());
        QVERIFY2(note.contains("CUBLAS_STATUS_NOT_INITIALIZED") && note.contains("CPU"), qPrintable(note));
        Evaluator cpu(load(0));
        const std::vector<int32_t> ids = {3, 5, 8};
        QCOMPARE(last_logits(ev, ids), last_logits(cpu, ids));
    }

    void outOfMemoryAtLoadTriesFewerLayers() {
        g_factory_calls = 0;
        EvaluatorOptions eo;
        eo.gpu_factory = &one_layer_factory;
        eo.gpu_vram_free = 1ull << 30;
        Evaluator ev(load(-1), eo);
        QCOMPARE(g_factory_calls, 3);  // 2 layers + output, 2 layers, 1 layer
        QCOMPARE(std::string(ev.backend_name()), std::string("cuda (1/2 layers)"));
        const QString note = QString::fromStdString(ev.placement_note());
        QVERIFY2(note.contains("ran out of memory with 2 layers") && note.contains("so 1 are offloaded"),
                 qPrintable(note));
    }

    // What the backend is asked for, in llama.cpp's -ngl numbering.
    void configFollowsThePlan() {
        EvaluatorOptions eo;
        eo.gpu_factory = &failing_factory;
        eo.gpu_vram_free = 1ull << 30;
        {
            Evaluator ev(load(1), eo);
            QCOMPARE(g_last_config.first_layer, 1);
            QVERIFY(!g_last_config.output_on_gpu);
            QCOMPARE(std::string(ev.backend_name()), std::string("cuda (1/2 layers)"));
        }
        {
            Evaluator ev(load(3), eo);
            QCOMPARE(g_last_config.first_layer, 0);
            QVERIFY(g_last_config.output_on_gpu);
            QCOMPARE(g_last_config.n_ctx, 32);
            QCOMPARE(std::string(ev.backend_name()), std::string("cuda (2/2 layers + output)"));
        }
        {
            Evaluator ev(load(99), eo);  // clamped to everything, and said so
            QCOMPARE(ev.placement().plan.n_gpu_layers, 3);
            QVERIFY(QString::fromStdString(ev.placement_note()).contains("99"));
        }
    }

    void failedStepThrowsDeviceError() {
        EvaluatorOptions eo;
        eo.gpu_factory = &failing_factory;
        eo.gpu_vram_free = 1ull << 30;
        Evaluator ev(load(-1), eo);
        const int32_t id = 5;
        try {
            ev.eval(&id, 1);
            QFAIL("a failed GPU step must throw");
        } catch (const Error & e) {
            QCOMPARE(e.code(), ErrorCode_device);
            QVERIFY2(QString(e.what()).contains("cudaMemcpyAsync"), e.what());
        }
        QCOMPARE(ev.n_past(), 0);
    }
};

QTEST_APPLESS_MAIN(TestGpuPlacement)
#include "test_gpu_placement.moc"
