// The CUDA backend compiled for the SIMT emulator (hearth_cuda_sim), around
// the kernels: checked calls, placement against VRAM, and (sim_forward.h)
// whole-model steps where the host code matters. The model-by-model forward
// comparison at every split is test_cuda_forward_sim.cpp.
#include <QtTest>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "hearth/error.h"
#include "sim_forward.h"
// After the Qt headers: the emulator's runtime shims (graph counters).
#include "cuda/cuda_check.h"
#include "cuda_sim_runtime.h"

using namespace hearth;
using namespace sim_forward;
using runtime_test::Golden;

class TestCudaBackendSim : public QObject {
    Q_OBJECT
private slots:
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
};

QTEST_APPLESS_MAIN(TestCudaBackendSim)
#include "test_cuda_backend_sim.moc"
