// CudaBackend (cuda_backend.h): how a step reaches the stream. Decode steps
// go through a CUDA Graph captured once per variant; the load's warm-up runs
// every step shape once, inside the evaluator's retry with fewer layers.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "cuda/cuda_backend.h"

namespace hearth::cuda {

// One step on the stream, from the pinned hidden state. A decode step takes
// its variant's graph once that variant has run uncaptured: its kernels are
// loaded by then (lazy loading, the default since CUDA 12.2, loads a module
// at a kernel's first launch, and older drivers refuse that during capture).
void CudaBackend::run_step(int32_t n_tokens, int32_t pos0, int32_t first_out, bool logits, float * host_logits) {
    *m_pinned_pos = pos0;  // the previous step has finished with it (forward synchronises)
    m_step_tokens = n_tokens;
    const int variant = logits ? 1 : 0;
    if (n_tokens == 1 && m_use_graphs && m_decode_warm[variant] && run_graph(logits)) return;
    enqueue_step(n_tokens, first_out, logits, host_logits);
    if (n_tokens == 1) m_decode_warm[variant] = true;
}

// Launches the variant's decode graph, capturing it first if need be.
// Returns false when graphs are off (now or from before): the caller then
// runs the step uncaptured.
bool CudaBackend::run_graph(bool logits) {
    cudaGraphExec_t & exec = m_graph[logits ? 1 : 0];
    if (!exec && !capture_graph(logits)) return false;
    CUDA_TRY(m_err, cudaGraphLaunch(exec, m_stream));
    return true;
}

// Records the decode step into a graph and instantiates it. Nothing in the
// step depends on the position but the device int its first copy writes
// (StepPos), and the attention's split count depends on n_ctx alone, so the
// graph serves every later token. Any failure (begin, a launch refused during
// capture, end, instantiate) turns graphs off for this model: nothing ran
// while capturing, so the caller runs the same step uncaptured.
bool CudaBackend::capture_graph(bool logits) {
    cudaError_t err = cudaStreamBeginCapture(m_stream, cudaStreamCaptureModeThreadLocal);
    cudaGraph_t graph = nullptr;
    if (err == cudaSuccess) {
        enqueue_step(1, 0, logits, nullptr);
        err = cudaStreamEndCapture(m_stream, &graph);
    }
    cudaGraphExec_t exec = nullptr;
    if (err == cudaSuccess && m_err.ok()) err = cudaGraphInstantiate(&exec, graph, 0);
    if (graph) cudaGraphDestroy(graph);
    if (err == cudaSuccess && m_err.ok()) {
        m_graph[logits ? 1 : 0] = exec;
        return true;
    }
    if (exec) cudaGraphExecDestroy(exec);
    const std::string why = !m_err.ok() ? m_err.first() : std::string(cudaGetErrorName(err));
    m_err.clear();  // forward() starts only when it was clear
    graphs_off("capturing the decode step failed: " + why);
    return false;
}

void CudaBackend::graphs_off(const std::string & why) {
    cudaGetLastError();  // a capture's failure is not sticky
    m_use_graphs = false;
    std::fprintf(stderr, "hearth: CUDA graphs off for this model (%s); decoding runs without them\n", why.c_str());
}

// At load, inside the evaluator's retry: one decode step (uncaptured, then
// through its graph), one short batch and one prefill batch, with the output
// when it is here. What the first steps allocate (kernel modules, cuBLAS's
// workspace, the graph, local memory) is allocated now, so a plan too tight
// for it fails here as out of memory, ErrorCode_resources, and the evaluator
// offloads a layer fewer; later it would fail a request. The steps write
// positions [0, n) of the KV cache, which every real step writes before it
// reads them.
void CudaBackend::warm_up() {
    std::memset(m_pinned_hidden, 0, size_t(m_n_batch) * size_t(m_hp.n_embd) * sizeof(float));
    const bool logits = m_output_on_gpu;
    const int32_t most = std::min(m_n_batch, m_n_ctx);
    std::vector<int32_t> shapes = {1, 1};  // uncaptured, then through the graph
    if (most > 1) shapes.push_back(std::min(most, kGemvMaxTokens));
    if (most > kGemvMaxTokens) shapes.push_back(most);
    for (const int32_t n : shapes) {
        run_step(n, 0, n - 1, logits, nullptr);
        CUDA_TRY(m_err, cudaStreamSynchronize(m_stream));
        if (!m_err.ok())
            throw Error(m_err.out_of_memory() ? ErrorCode_resources : ErrorCode_device,
                        "CUDA: the warm-up step of " + std::to_string(n) + " token(s) failed: " + m_err.first());
    }
}

}  // namespace hearth::cuda
