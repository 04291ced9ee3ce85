// The decode step's CUDA Graph in the emulated backend: captured once and
// then only launched (the emulator replays a graph with the arguments it
// captured, so a position baked into one would show up as wrong logits), the
// same logits as decoding without graphs, and the fallback when capture fails.
#include <QtTest>
#include <string>
#include <vector>

#include "sim_forward.h"
// After the Qt headers: the emulator's runtime shims (counters, injection).
#include "cuda_sim_runtime.h"

using namespace hearth;
using namespace sim_forward;
using runtime_test::Golden;

namespace {

constexpr const char * kModel = "models/synthetic/llama-Q4_0.gguf";  // 2 layers, quantized: GEMV and GEMM paths

// kPrefill + kShort + n_decode prompt ids: the golden prompt, repeated.
std::vector<int32_t> long_prompt(const Golden & g, int32_t n_decode) {
    std::vector<int32_t> ids;
    while (int32_t(ids.size()) < kPrefill + kShort + n_decode)
        ids.push_back(g.prompt_ids[ids.size() % g.prompt_ids.size()]);
    return ids;
}

// The same run with HEARTH_CUDA_GRAPHS=0: the reference for the graph runs.
Run without_graphs(const Golden & g, const std::vector<int32_t> & ids, RunShape shape) {
    qputenv("HEARTH_CUDA_GRAPHS", "0");
    const Run r = run_model(g.model_path, ids, g.n_vocab, shape);
    qunsetenv("HEARTH_CUDA_GRAPHS");
    return r;
}

// The emulated GPU with every layer (and the output unless told otherwise).
RunShape decode_shape(const Golden & g, int32_t n_decode, bool warm_up, bool output_on_gpu = true) {
    const int32_t n_layer = Model::load(g.model_path)->hparams().n_layer;
    RunShape shape;
    shape.emulated_gpu = true;
    shape.n_gpu_layers = output_on_gpu ? n_layer + 1 : n_layer;
    shape.n_decode = n_decode;
    shape.warm_up = warm_up;
    return shape;
}

cuda_sim::GraphCounters since(const cuda_sim::GraphCounters & before) {
    const cuda_sim::GraphCounters & now = cuda_sim::graph_counters();
    return {now.captures - before.captures, now.instantiations - before.instantiations, now.updates - before.updates,
            now.launches - before.launches};
}

}  // namespace

class TestCudaBackendGraph : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { cuda_sim::reset(); }

    void capturedOnceAcrossDecodeSteps_data() {
        QTest::addColumn<bool>("output_on_gpu");
        QTest::addColumn<int>("kv");
        QTest::newRow("layers and output, f16 KV") << true << int(KvType_f16);
        QTest::newRow("layers only, q8_0 KV") << false << int(KvType_q8_0);
    }

    // 50 decode steps: one capture, one instantiation, no updates, a launch
    // per token (plus the warm-up's), and exactly the logits of decoding
    // without graphs.
    void capturedOnceAcrossDecodeSteps() {
        QFETCH(bool, output_on_gpu);
        QFETCH(int, kv);
        const Golden g = runtime_test::load_golden(kModel);
        RunShape shape = decode_shape(g, 50, true, output_on_gpu);
        shape.kv_type = KvType(kv);
        shape.n_ctx = 64;
        const std::vector<int32_t> ids = long_prompt(g, shape.n_decode);

        const cuda_sim::GraphCounters before = cuda_sim::graph_counters();
        const Run graphs = run_model(g.model_path, ids, g.n_vocab, shape);
        const cuda_sim::GraphCounters used = since(before);
        QCOMPARE(used.captures, 1);
        QCOMPARE(used.instantiations, 1);
        QCOMPARE(used.updates, 0);
        QCOMPARE(used.launches, 1 + shape.n_decode);

        const cuda_sim::GraphCounters before_plain = cuda_sim::graph_counters();
        const Run plain = without_graphs(g, ids, shape);
        QCOMPARE(since(before_plain).launches, 0);
        QVERIFY(graphs.logits == plain.logits);

        RunShape cpu_shape = shape;
        cpu_shape.emulated_gpu = false;
        cpu_shape.n_gpu_layers = 0;
        const Run cpu = run_model(g.model_path, ids, g.n_vocab, cpu_shape);
        const runtime_test::Agreement a = runtime_test::compare_logits(cpu.logits, graphs.logits, g.n_vocab);
        QVERIFY2(a.max_nrmse <= g.max_nrmse, qPrintable(QString::number(a.max_nrmse)));
    }

    void failedCaptureFallsBack_data() {
        QTest::addColumn<int>("api");
        QTest::addColumn<int>("error");
        QTest::addColumn<bool>("warm_up");
        const int oom = cudaErrorMemoryAllocation;
        QTest::newRow("begin, at load") << int(cuda_sim::Api_begin_capture) << cudaErrorStreamCaptureUnsupported
                                        << true;
        QTest::newRow("end, at load") << int(cuda_sim::Api_end_capture) << cudaErrorStreamCaptureInvalidated << true;
        QTest::newRow("instantiate, out of memory, at load") << int(cuda_sim::Api_instantiate) << oom << true;
        QTest::newRow("end, first captured decode step")
            << int(cuda_sim::Api_end_capture) << cudaErrorStreamCaptureInvalidated << false;
        QTest::newRow("a launch during capture")
            << int(cuda_sim::Api_launch) << cudaErrorStreamCaptureUnsupported << false;
    }

    // The failed capture leaves no error behind, graphs turn off for the
    // model (no second attempt), and every step still computes the logits of
    // decoding without graphs.
    void failedCaptureFallsBack() {
        QFETCH(int, api);
        QFETCH(int, error);
        QFETCH(bool, warm_up);
        const Golden g = runtime_test::load_golden(kModel);
        const RunShape shape = decode_shape(g, 4, warm_up);
        const std::vector<int32_t> ids = long_prompt(g, shape.n_decode);
        const Run plain = without_graphs(g, ids, shape);

        // Without the warm-up, the launch to fail is the first one of the
        // second decode step (the first runs uncaptured); count launches up to it.
        int after = 0;
        if (api == cuda_sim::Api_launch) {
            RunShape one = shape;
            one.n_decode = 1;
            cuda_sim::inject_failure(cuda_sim::Api_launch, cudaSuccess, 1 << 30);
            run_model(g.model_path, ids, g.n_vocab, one);
            after = (1 << 30) - cuda_sim::state().inject[cuda_sim::Api_launch].countdown;
        }
        cuda_sim::inject_failure(cuda_sim::Api(api), error, after);
        const cuda_sim::GraphCounters before = cuda_sim::graph_counters();
        const Run r = run_model(g.model_path, ids, g.n_vocab, shape);
        const cuda_sim::GraphCounters used = since(before);
        QCOMPARE(r.backend, expected_label(shape.n_gpu_layers, shape.n_gpu_layers - 1));
        QCOMPARE(used.captures, 1);
        QCOMPARE(used.launches, 0);
        QVERIFY(r.logits == plain.logits);
    }

    // Lazy loading on a driver that cannot load modules during capture: the
    // decode kernels (the 1-token GEMV variants, the output) first run in the
    // step before the capture, so capture succeeds, at load or, without the
    // warm-up, at the second decode step.
    void kernelsLoadBeforeCapture_data() {
        QTest::addColumn<bool>("warm_up");
        QTest::newRow("warm-up at load") << true;
        QTest::newRow("first decode step uncaptured") << false;
    }

    void kernelsLoadBeforeCapture() {
        QFETCH(bool, warm_up);
        cuda_sim::reset();  // every kernel unloaded again
        cuda_sim::options().lazy_loading_breaks_capture = true;
        const Golden g = runtime_test::load_golden(kModel);
        const RunShape shape = decode_shape(g, 4, warm_up);
        const std::vector<int32_t> ids = long_prompt(g, shape.n_decode);
        const cuda_sim::GraphCounters before = cuda_sim::graph_counters();
        const Run r = run_model(g.model_path, ids, g.n_vocab, shape);
        const cuda_sim::GraphCounters used = since(before);
        QCOMPARE(used.captures, 1);
        QCOMPARE(used.instantiations, 1);
        QCOMPARE(used.launches, warm_up ? 1 + shape.n_decode : shape.n_decode - 1);
        QVERIFY(r.logits == without_graphs(g, ids, shape).logits);
    }
};

QTEST_APPLESS_MAIN(TestCudaBackendGraph)
#include "test_cuda_backend_graph.moc"
