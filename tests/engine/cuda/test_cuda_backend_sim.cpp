// The CUDA backend compiled for the SIMT emulator (hearth_cuda_sim), around
// the kernels: checked calls, placement against VRAM and its retry, the
// load's warm-up, pinned memory failures, the choice of device. The decode
// graph is test_cuda_backend_graph.cpp; the model-by-model forward comparison
// at every split is test_cuda_forward_sim.cpp.
#include <QtTest>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "hearth/error.h"
#include "sim_forward.h"
// After the Qt headers: the emulator's runtime shims (graph counters).
#include "cuda/cuda_check.h"
#include "cuda/device_probe.h"
#include "cuda_sim_runtime.h"
#include "model/weights.h"
#include "runtime/backend.h"

using namespace hearth;
using namespace sim_forward;
using runtime_test::Golden;

namespace {

constexpr const char * kQuantModel = "models/synthetic/llama-Q4_0.gguf";  // 2 layers
// F16 layer matrices: its prefill goes through cuBLAS (quantized ones take the GEMV at any batch).
constexpr const char * kGemmModel = "models/synthetic/llama-F16.gguf";

// Device memory a backend holds with the last n_gpu_layers layers (llama.cpp's -ngl).
size_t backend_bytes(const Model & model, int32_t n_gpu_layers) {
    const ModelHparams & hp = model.hparams();
    GpuBackendConfig c;
    c.hp = &hp;
    c.weights = &model.weights();
    c.first_layer = hp.n_layer - std::min(n_gpu_layers, hp.n_layer);
    c.output_on_gpu = n_gpu_layers > hp.n_layer;
    c.n_ctx = model.n_ctx();
    c.n_batch = model.options().n_batch;
    c.warm_up = false;
    return make_cuda_backend(c)->vram_bytes();
}

}  // namespace

class TestCudaBackendSim : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { cuda_sim::reset(); }

    // A failed call names itself, its file and line: thrown at load, recorded
    // (first failure only) on the decode path.
    void checkedCallsNameTheCall() {
        auto out_of_memory = [] { return cudaErrorMemoryAllocation; };
        try {
            CUDA_CHECK(out_of_memory());
            QFAIL("CUDA_CHECK must throw");
        } catch (const Error & e) {
            QCOMPARE(e.code(), ErrorCode_resources);
            const QString what = e.what();
            QVERIFY2(what.contains("out_of_memory() failed at test_cuda_backend_sim.cpp:") &&
                         what.contains("cudaErrorMemoryAllocation"),
                     e.what());
        }
        cuda::CudaErrorLog log;
        CUDA_TRY(log, cudaSuccess);
        QVERIFY(log.ok());
        CUDA_TRY(log, out_of_memory());
        CUDA_TRY(log, cudaErrorMemoryAllocation);
        QVERIFY(!log.ok());
        QVERIFY2(QString::fromStdString(log.first()).startsWith("out_of_memory() failed"), log.first().c_str());
    }

    // Auto placement against a VRAM figure that holds exactly one layer.
    void autoPlacementFollowsVram() {
        const Golden g = runtime_test::load_golden("models/synthetic/llama-Q4_0.gguf");
        LoadOptions lo;
        lo.n_ctx = 32;
        lo.n_batch = 16;
        lo.n_gpu_layers = -1;
        auto model = Model::load(g.model_path, lo);
        PlanRequest req;
        req.n_ctx = 32;
        req.n_batch = 16;
        req.n_outputs = 8;
        req.n_gpu_layers = 1;
        req.vram_budget = 1ull << 40;
        const MemoryPlan one = plan_memory(footprint_from_gguf(model->gguf()), req);
        QCOMPARE(one.n_gpu_layers, 1);

        EvaluatorOptions eo;
        eo.gpu_factory = &make_cuda_backend;
        eo.gpu_vram_free = one.vram.total() + kVramHeadroomMin;  // usable_vram() leaves the headroom
        Evaluator ev(model, eo);
        QCOMPARE(std::string(ev.backend_name()), std::string("cuda (1/2 layers)"));
        QCOMPARE(ev.placement().plan.n_gpu_layers, 1);
        QVERIFY2(QString::fromStdString(ev.placement_note()).contains("VRAM"), ev.placement_note().c_str());
        // It still computes the right thing.
        std::vector<float> logits(size_t(kPrefill) * size_t(g.n_vocab));
        ev.eval(g.prompt_ids.data(), kPrefill, logits.data());
        const std::vector<float> golden(g.logits.begin(), g.logits.begin() + ptrdiff_t(kPrefill) * g.n_vocab);
        QVERIFY(runtime_test::compare_logits(golden, logits, g.n_vocab).max_nrmse <= g.max_nrmse);
    }

    // A device that holds every arena of the full offload but not, on top,
    // the cuBLAS workspace the first prefill takes: the warm-up finds that at
    // load and the evaluator offloads a layer fewer. Without the warm-up the
    // same plan loads, then fails the first request.
    void warmUpOutOfMemoryOffloadsFewerLayers() {
        LoadOptions lo;
        lo.n_ctx = 32;
        lo.n_batch = 16;
        lo.n_gpu_layers = -1;
        auto model = Model::load(runtime_test::load_golden(kGemmModel).model_path, lo);
        const int32_t n_layer = model->hparams().n_layer;
        const size_t all = backend_bytes(*model, n_layer + 1), fewer = backend_bytes(*model, n_layer);
        QVERIFY(all > fewer);
        const size_t workspace = all - fewer;
        for (const bool warm_up : {true, false}) {
            cuda_sim::set_devices({{"Emulated", 8, 6, all + workspace / 2, 0}});
            cuda_sim::options().cublas_workspace = workspace;
            EvaluatorOptions eo;
            eo.gpu_factory = &make_cuda_backend;
            eo.gpu_vram_free = 1ull << 40;  // the plan believes everything fits
            eo.gpu_warm_up = warm_up;
            Evaluator ev(model, eo);
            const QString note = QString::fromStdString(ev.placement_note());
            std::vector<int32_t> ids(kPrefill, 1);
            if (warm_up) {
                QCOMPARE(ev.placement().plan.n_gpu_layers, n_layer);
                QVERIFY2(note.contains("ran out of memory with " + QString::number(n_layer + 1) + " layers") &&
                             note.contains("CUBLAS_STATUS_ALLOC_FAILED"),
                         qPrintable(note));
                ev.eval(ids.data(), kPrefill);
            } else {
                QCOMPARE(ev.placement().plan.n_gpu_layers, n_layer + 1);
                try {
                    ev.eval(ids.data(), kPrefill);
                    QFAIL("the first prefill must fail without the warm-up");
                } catch (const Error & e) {
                    QVERIFY2(QString(e.what()).contains("GPU failed during evaluation"), e.what());
                }
            }
            cuda_sim::reset();
        }
    }

    // Page-locked host memory is the host's: the failure says so, and the
    // evaluator does not retry with fewer layers (that frees no host memory).
    void pinnedHostFailureIsReportedAsSuch() {
        const Golden g = runtime_test::load_golden(kQuantModel);
        cuda_sim::inject_failure(cuda_sim::Api_malloc_host, cudaErrorMemoryAllocation);
        RunShape shape;
        shape.emulated_gpu = true;
        shape.n_gpu_layers = -1;
        const Run r = run_model(g.model_path, g.prompt_ids, g.n_vocab, shape);
        QCOMPARE(r.backend, std::string("cpu"));
        const QString note = QString::fromStdString(r.note);
        QVERIFY2(note.contains("pinned (page-locked) host memory for the hidden state") &&
                     !note.contains("ran out of memory") && !note.contains("VRAM"),
                 qPrintable(note));
    }

    // Two emulated GPUs: the one LoadOptions::gpu_device names (by name or
    // index) holds the layers, and forward() selects it again, whatever the
    // calling thread's current device is by then.
    void chosenDeviceRunsTheLayers() {
        const Golden g = runtime_test::load_golden(kQuantModel);
        const size_t gib = size_t(1) << 30;
        RunShape cpu_shape;
        const Run cpu = run_model(g, 0, KvType_f16, false);
        for (const std::string which : {"Emulated B", "1"}) {
            cuda_sim::set_devices({{"Emulated A", 8, 6, 4 * gib, 0}, {"Emulated B", 9, 0, 4 * gib, 0}});
            const GpuProbe probe = cuda::probe_devices();
            QCOMPARE(int(probe.devices.size()), 2);
            LoadOptions lo;
            lo.n_ctx = 32;
            lo.n_batch = 16;
            lo.n_gpu_layers = -1;
            lo.gpu_device = which;
            auto model = Model::load(g.model_path, lo);
            EvaluatorOptions eo;
            eo.gpu_factory = &make_cuda_backend;
            eo.gpu_probe = &probe;
            auto ev = std::make_unique<Evaluator>(model, eo);
            QVERIFY2(ev->placement().plan.full_offload, ev->placement_note().c_str());
            QCOMPARE(cuda_sim::state().devices[0].used, size_t(0));
            QVERIFY(cuda_sim::state().devices[1].used > 0);
            QCOMPARE(cudaSetDevice(0), cudaSuccess);  // as a probe of another thread's making would leave it
            std::vector<float> logits(size_t(kPositions) * size_t(g.n_vocab));
            ev->eval(g.prompt_ids.data(), kPositions, logits.data());
            const runtime_test::Agreement a = runtime_test::compare_logits(
                std::vector<float>(cpu.logits.begin(), cpu.logits.begin() + ptrdiff_t(logits.size())), logits,
                g.n_vocab);
            QVERIFY2(a.max_nrmse <= g.max_nrmse, qPrintable(QString::number(a.max_nrmse)));
            // release() selects the device again before it waits for and destroys the stream.
            QCOMPARE(cudaSetDevice(0), cudaSuccess);
            ev.reset();
            QCOMPARE(cuda_sim::state().off_device_stream_calls, 0);
            QCOMPARE(cuda_sim::state().devices[1].used, size_t(0));
            cuda_sim::reset();
        }
        // A name no device has: the CPU, saying which GPUs there are.
        cuda_sim::set_devices({{"Emulated A", 8, 6, 4 * gib, 0}});
        const GpuProbe probe = cuda::probe_devices();
        RunShape shape;
        shape.emulated_gpu = true;
        shape.n_gpu_layers = -1;
        shape.probe = &probe;
        shape.device = "4090";
        const Run r = run_model(g.model_path, g.prompt_ids, g.n_vocab, shape);
        QCOMPARE(r.backend, std::string("cpu"));
        QVERIFY2(QString::fromStdString(r.note).contains("no GPU matches '4090' (GPUs: 0: Emulated A)"),
                 r.note.c_str());
    }

    // The probe visits every device to read its free memory, then puts the
    // calling thread back on the device it was on.
    void probeRestoresTheCurrentDevice() {
        cuda_sim::set_devices({{"A", 8, 6, 1u << 30, 0}, {"B", 8, 6, 2u << 30, 0}, {"C", 8, 6, 3u << 30, 0}});
        QCOMPARE(cudaSetDevice(1), cudaSuccess);
        const GpuProbe probe = cuda::probe_devices();
        QCOMPARE(int(probe.devices.size()), 3);
        QCOMPARE(probe.devices[2].vram_free, size_t(3u) << 30);
        QVERIFY(std::fabs(probe.devices[0].memory_bandwidth - 936.096e9) < 1e6);  // the emulated RTX 3090's
        int current = -1;
        cudaGetDevice(&current);
        QCOMPARE(current, 1);
        cuda_sim::set_devices({});
        const GpuProbe none = cuda::probe_devices();
        QVERIFY(!none.available());
        QVERIFY(QString::fromStdString(none.reason).contains("no NVIDIA GPU"));
    }
};

QTEST_APPLESS_MAIN(TestCudaBackendSim)
#include "test_cuda_backend_sim.moc"
