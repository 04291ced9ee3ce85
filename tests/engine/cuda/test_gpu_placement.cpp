// The evaluator's layer placement and its fallbacks, with stand-in GPU
// backends: no GPU backend in the build or no device (the probe's reason),
// too little VRAM, a backend that fails to start, and one that fails during a
// step (the evaluator reports the failed call as ErrorCode_device); the
// planner's VRAM headroom, and the app's GPU choice (and its picker's
// entries) reaching the backend.
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/fixtures.h"
#include "core/app_settings.h"
#include "core/gpu_choices.h"
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
    throw Error(ErrorCode_device,
                "CUDA: cublasCreate(&m_blas) failed at cuda_backend.cu:70: CUBLAS_STATUS_NOT_INITIALIZED");
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

    // One headroom rule, the planner's (usable_vram, as hearth-cli plan and the
    // fit badges use): at least 5% of the card or 512 MiB, whichever is more.
    // The evaluator offloads everything only when the whole plan fits in the
    // free VRAM less that headroom, on a card where 512 MiB is more than 5%
    // (8 GiB) and on one where 5% is more (24 GiB).
    void evaluatorKeepsThePlannersHeadroom() {
        const uint64_t gib = 1ull << 30;
        QCOMPARE(vram_headroom(8 * gib), kVramHeadroomMin);
        QCOMPARE(vram_headroom(24 * gib), 24 * gib / 20);
        QCOMPARE(usable_vram(6 * gib, 24 * gib), 6 * gib - 24 * gib / 20);
        QCOMPARE(usable_vram(kVramHeadroomMin, 8 * gib), uint64_t(0));

        EvaluatorOptions eo;
        eo.gpu_factory = &failing_factory;
        auto model = load(-1);
        auto placement_on = [&](uint64_t card, uint64_t free_bytes) {
            GpuProbe probe;
            probe.built_with_cuda = true;
            GpuDevice d;
            d.name = "test GPU";
            d.vram_total = size_t(card);
            d.vram_free = size_t(free_bytes);
            probe.devices.push_back(d);
            eo.gpu_probe = &probe;
            Evaluator ev(model, eo);
            return ev.placement().plan;
        };
        const MemoryPlan all = placement_on(64 * gib, 60 * gib);
        QVERIFY(all.full_offload);
        const uint64_t need = all.vram.total();
        for (const uint64_t card : {8 * gib, 24 * gib}) {
            const uint64_t headroom = vram_headroom(card);
            const MemoryPlan fits = placement_on(card, need + headroom);
            QVERIFY(fits.full_offload);
            QCOMPARE(fits.vram.total(), need);
            const MemoryPlan short_by_one = placement_on(card, need + headroom - 1);
            QVERIFY(!short_by_one.full_offload);
            QVERIFY(short_by_one.n_gpu_layers < all.n_gpu_layers);
        }
    }

    // The app's GPU choice (Settings, one for the machine) goes through the
    // engine bridge's hook into LoadOptions, and the evaluator hands the
    // device it names, by index or by part of its name, to the backend.
    void appGpuChoiceReachesTheBackend() {
        QTemporaryDir data;
        qputenv("HEARTH_DATA_DIR", data.path().toUtf8());
        const QString model_path = QString::fromStdString(hearth_test::fixture("models/synthetic/qwen2-Q4_K_M.gguf"));
        GpuProbe probe;
        probe.built_with_cuda = true;
        for (const char * name : {"NVIDIA GeForce RTX 3090", "NVIDIA RTX A6000"}) {
            GpuDevice d;
            d.index = int(probe.devices.size());
            d.name = name;
            d.vram_free = d.vram_total = size_t(8) << 30;
            probe.devices.push_back(d);
        }
        EvaluatorOptions eo;
        eo.gpu_factory = &failing_factory;
        eo.gpu_probe = &probe;
        struct Case {
            QString setting;
            int device;  // -1: no GPU matches, the CPU
        };
        // The Models settings' picker stores its entries' values: each reaches its own device.
        const QVariantList picker = Hearth::gpuChoices(probe, true, QString()).items;
        QCOMPARE(picker.size(), 3);  // Automatic, RTX 3090, RTX A6000
        const auto pickerValue = [&](int row) { return picker[row].toMap().value(QStringLiteral("value")).toString(); };
        for (const Case & c : {Case{"", 0}, Case{"a6000", 1}, Case{" 1 ", 1}, Case{"0", 0}, Case{"4090", -1},
                               Case{pickerValue(1), 0}, Case{pickerValue(2), 1}}) {
            Hearth::AppSettings().setGpuDevice(c.setting);
            // The row the picker marks for this setting is the device the load uses
            // (Automatic for "", "<setting> (not found)" after the devices when none matches).
            const int row = c.setting.trimmed().isEmpty() ? 0 : c.device >= 0 ? c.device + 1 : 3;
            QCOMPARE(Hearth::gpuChoices(probe, true, Hearth::AppSettings().gpuDevice()).current, row);
            LoadOptions lo;
            lo.n_ctx = 32;
            lo.n_threads = 1;
            Hearth::applyModelLoadSettings(model_path, lo);
            QCOMPARE(QString::fromStdString(lo.gpu_device), c.setting.trimmed());
            QCOMPARE(lo.n_gpu_layers, -1);  // no per-model choice saved: auto
            g_last_config = GpuBackendConfig{};
            g_last_config.device = -1;
            Evaluator ev(Model::load(model_path.toStdString(), lo), eo);
            if (c.device >= 0) {
                QVERIFY2(ev.placement().plan.n_gpu_layers > 0, ev.placement_note().c_str());
                QCOMPARE(g_last_config.device, c.device);
            } else {
                QCOMPARE(std::string(ev.backend_name()), std::string("cpu"));
                QCOMPARE(g_last_config.device, -1);  // no backend was made
                QVERIFY2(QString::fromStdString(ev.placement_note())
                             .contains("no GPU matches '4090' (GPUs: 0: NVIDIA GeForce RTX 3090, 1: NVIDIA RTX A6000)"),
                         ev.placement_note().c_str());
            }
        }
        qunsetenv("HEARTH_DATA_DIR");
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
