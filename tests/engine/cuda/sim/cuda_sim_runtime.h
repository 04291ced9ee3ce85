// Host shims of the CUDA runtime calls the backend makes, for the SIMT
// emulator build (HEARTH_CUDA_SIM). "Device" memory is host memory, and the
// semantics a GPU has that host code can get wrong are kept:
//   - deferred execution: launches, copies and memsets queue on their stream
//     and run at a sync point (cudaStreamSynchronize, cudaEventSynchronize,
//     cudaDeviceSynchronize, a synchronous cudaMemcpy, cudaFree), so a host
//     read before the sync sees the old data;
//   - graphs: capture records each operation with its arguments, and
//     cudaGraphLaunch replays exactly those, so a value baked into a captured
//     kernel argument stays stale; synchronous calls during capture fail it;
//   - errors: launch configurations hardware rejects, launches on another
//     device's stream, and kernel faults (simt::Violation: a broken rule,
//     a misaligned load) come back through cudaGetLastError and the next sync,
//     a fault stickily, as a lost context;
//   - devices: their number, names and memory (cuda_sim::set_devices), the
//     current device per host thread, allocations counted against VRAM;
//   - failure injection (cuda_sim::inject_failure) and driver behaviour
//     switches (cuda_sim::options()).
// Kernels run on simt.h; cuBLAS is routed to a reference GEMM (cublas_sim.h).
#pragma once

#include "cuda_sim_state.h"

enum cudaMemcpyKind {
    cudaMemcpyHostToHost = 0,
    cudaMemcpyHostToDevice = 1,
    cudaMemcpyDeviceToHost = 2,
    cudaMemcpyDeviceToDevice = 3,
    cudaMemcpyDefault = 4
};
constexpr unsigned cudaStreamNonBlocking = 1;
constexpr unsigned cudaEventDisableTiming = 2;
enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };
enum cudaStreamCaptureMode {
    cudaStreamCaptureModeGlobal = 0,
    cudaStreamCaptureModeThreadLocal = 1,
    cudaStreamCaptureModeRelaxed = 2
};
enum cudaGraphExecUpdateResult { cudaGraphExecUpdateSuccess = 0, cudaGraphExecUpdateError = 1 };
struct cudaGraphExecUpdateResultInfo {
    cudaGraphExecUpdateResult result = cudaGraphExecUpdateSuccess;
};

namespace cuda_sim {
// One queued or captured operation. kernel: the kernel (nullptr for copies).
struct Op {
    const void * kernel = nullptr;
    std::function<void()> run;
};
}  // namespace cuda_sim

struct CUstream_st {
    int device = 0;
    std::deque<cuda_sim::Op> queue;
    bool capturing = false;
    bool capture_invalid = false;
    std::vector<cuda_sim::Op> captured;
};
using cudaStream_t = CUstream_st *;
struct CUevent_st {
    CUstream_st * stream = nullptr;
};
using cudaEvent_t = CUevent_st *;
struct CUgraph_st {
    std::vector<cuda_sim::Op> ops;
};
struct CUgraphExec_st {
    std::vector<cuda_sim::Op> ops;
    int device = 0;
    size_t bytes = 0;  // device memory it holds (Options::graph_exec_bytes)
};
using cudaGraph_t = CUgraph_st *;
using cudaGraphExec_t = CUgraphExec_st *;

namespace cuda_sim {

struct Streams {
    std::vector<CUstream_st *> all;
    std::vector<CUstream_st> legacy{std::vector<CUstream_st>(16)};  // stream 0, per device
};
inline Streams & streams() {
    static Streams s;
    return s;
}

inline CUstream_st * stream_of(cudaStream_t s) {
    if (s) return s;
    CUstream_st * q = &streams().legacy[size_t(g_device) % streams().legacy.size()];
    q->device = g_device;
    return q;
}

inline cudaError_t fault_code(const std::string & what) {
    return what.rfind("misaligned", 0) == 0 ? cudaErrorMisalignedAddress : cudaErrorLaunchFailure;
}

// Runs a stream's queue; a kernel fault drops what follows, as a lost context does.
inline void drain(CUstream_st * q) {
    while (!q->queue.empty()) {
        Op op = std::move(q->queue.front());
        q->queue.pop_front();
        if (state().sticky != cudaSuccess) continue;
        try {
            op.run();
        } catch (const simt::Violation & v) {
            record_fault(fault_code(v.what()), v.what());
        }
    }
}

inline void drain_all() {
    for (CUstream_st * q : streams().all) drain(q);
    for (CUstream_st & q : streams().legacy) drain(&q);
}

// A call that synchronises with the device: during a capture it is refused
// and the capture is invalidated (cudaStreamCaptureModeThreadLocal).
inline bool refused_during_capture() {
    bool refused = false;
    for (CUstream_st * q : streams().all)
        if (q->capturing) refused = q->capture_invalid = true;
    for (CUstream_st & q : streams().legacy)
        if (q.capturing) refused = q.capture_invalid = true;
    return refused;
}

inline void note_stream_device(const CUstream_st * q) {
    if (q->device != g_device) ++state().off_device_stream_calls;
}

inline void submit(CUstream_st * q, Op op) {
    if (q->capturing)
        q->captured.push_back(std::move(op));
    else
        q->queue.push_back(std::move(op));
}

// A kernel's module loads at its first launch (lazy loading). Returns false,
// with the error set, when that is refused.
inline bool load_kernel(CUstream_st * q, const void * key) {
    State & s = state();
    if (key == nullptr || s.loaded_kernels.count(key)) return true;
    if (q->capturing && s.options.lazy_loading_breaks_capture) {
        q->capture_invalid = true;
        set_last_error(cudaErrorStreamCaptureUnsupported);
        return false;
    }
    s.loaded_kernels.insert(key);
    return true;
}

// HEARTH_LAUNCH: checks the launch as the driver does, then queues it (or
// records it into the stream's capture) with its arguments copied.
template <class Kernel, class... Args>
void launch_kernel(cudaStream_t stream, dim3 grid, dim3 block, size_t shared_bytes, Kernel kernel, Args... args) {
    CUstream_st * q = stream_of(stream);
    if (state().sticky != cudaSuccess) return set_last_error(state().sticky);
    if (const cudaError_t e = injected(Api_launch)) return set_last_error(e);
    const void * key = simt::kernel_key(kernel);
    try {
        simt::validate_launch(grid, block, shared_bytes, key);
    } catch (const simt::LaunchError & e) {
        std::fprintf(stderr, "cuda_sim: launch refused: %s\n", e.what());
        return set_last_error(cudaErrorInvalidConfiguration);
    }
    if (q->device != g_device) {
        std::fprintf(stderr, "cuda_sim: launch on a stream of device %d while device %d is current\n", q->device,
                     g_device);
        return set_last_error(cudaErrorInvalidResourceHandle);
    }
    if (!load_kernel(q, key)) return;
    submit(q, Op{key, [=] { simt::launch(grid, block, shared_bytes, kernel, args...); }});
}

// Clears every error, injection and option, and drops queued work: for tests
// that provoked a fault. Devices go back to the default one.
inline void reset() {
    for (CUstream_st * q : streams().all) q->queue.clear();
    for (CUstream_st & q : streams().legacy) q.queue.clear();
    State & s = state();
    s.sticky = cudaSuccess;
    s.fault.clear();
    for (auto & i : s.inject) i = State::Injection{};
    s.options = Options{};
    s.loaded_kernels.clear();
    s.off_device_stream_calls = 0;
    g_last_error = cudaSuccess;
    g_device = 0;
}

}  // namespace cuda_sim

// ---- errors, devices, memory -----------------------------------------------------

inline cudaError_t cudaGetLastError() {
    const cudaError_t sticky = cuda_sim::state().sticky;
    const cudaError_t e = sticky != cudaSuccess ? sticky : cuda_sim::g_last_error;
    cuda_sim::g_last_error = cudaSuccess;
    return e;
}
inline cudaError_t cudaPeekAtLastError() {
    const cudaError_t sticky = cuda_sim::state().sticky;
    return sticky != cudaSuccess ? sticky : cuda_sim::g_last_error;
}

inline cudaError_t cudaGetDeviceCount(int * n) {
    *n = int(cuda_sim::state().devices.size());
    return *n > 0 ? cudaSuccess : cudaErrorNoDevice;
}
inline cudaError_t cudaGetDevice(int * d) {
    *d = cuda_sim::g_device;
    return cudaSuccess;
}
inline cudaError_t cudaSetDevice(int d) {
    if (d < 0 || size_t(d) >= cuda_sim::state().devices.size()) return cudaErrorInvalidDevice;
    cuda_sim::g_device = d;
    return cudaSuccess;
}
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp * p, int d) {
    if (d < 0 || size_t(d) >= cuda_sim::state().devices.size()) return cudaErrorInvalidDevice;
    const cuda_sim::Device & dev = cuda_sim::state().devices[size_t(d)];
    *p = cudaDeviceProp{};
    std::snprintf(p->name, sizeof p->name, "%s", dev.name.c_str());
    p->totalGlobalMem = dev.total;
    p->major = dev.major;
    p->minor = dev.minor;
    p->multiProcessorCount = 82;
    p->l2CacheSize = 6 << 20;
    p->sharedMemPerBlockOptin = simt::kMaxSharedOptIn;
    return cudaSuccess;
}
enum cudaDeviceAttr { cudaDevAttrMemoryClockRate = 36, cudaDevAttrGlobalMemoryBusWidth = 37 };
inline cudaError_t cudaDeviceGetAttribute(int * value, cudaDeviceAttr attr, int d) {
    if (d < 0 || size_t(d) >= cuda_sim::state().devices.size()) return cudaErrorInvalidDevice;
    const cuda_sim::Device & dev = cuda_sim::state().devices[size_t(d)];
    if (attr == cudaDevAttrMemoryClockRate)
        *value = dev.memory_clock_khz;
    else if (attr == cudaDevAttrGlobalMemoryBusWidth)
        *value = dev.bus_bits;
    else
        return cudaErrorInvalidValue;
    return cudaSuccess;
}
inline cudaError_t cudaMemGetInfo(size_t * free_bytes, size_t * total) {
    const cuda_sim::Device & d = cuda_sim::state().devices[size_t(cuda_sim::g_device)];
    *free_bytes = d.total - d.used;
    *total = d.total;
    return cudaSuccess;
}

inline cudaError_t cudaMalloc(void ** p, size_t n) {
    if (cuda_sim::refused_during_capture()) return cudaErrorStreamCaptureUnsupported;
    return cuda_sim::alloc(p, n, false);
}
template <class T>
cudaError_t cudaMalloc(T ** p, size_t n) {
    return cudaMalloc(reinterpret_cast<void **>(p), n);
}
inline cudaError_t cudaMallocHost(void ** p, size_t n) {
    if (cuda_sim::refused_during_capture()) return cudaErrorStreamCaptureUnsupported;
    return cuda_sim::alloc(p, n, true);
}
// Freeing waits for the device, as the real calls do.
inline cudaError_t cudaFree(void * p) {
    if (cuda_sim::refused_during_capture()) return cudaErrorStreamCaptureUnsupported;
    cuda_sim::drain_all();
    cuda_sim::release(p);
    return cudaSuccess;
}
inline cudaError_t cudaFreeHost(void * p) {
    return cudaFree(p);
}

inline cudaError_t cudaMemcpy(void * dst, const void * src, size_t n, cudaMemcpyKind) {
    if (cuda_sim::refused_during_capture()) return cudaErrorStreamCaptureUnsupported;
    cuda_sim::drain_all();
    if (cuda_sim::state().sticky != cudaSuccess) return cuda_sim::state().sticky;
    if (n) std::memmove(dst, src, n);
    return cudaSuccess;
}
inline cudaError_t cudaMemcpyAsync(void * dst, const void * src, size_t n, cudaMemcpyKind, cudaStream_t s = nullptr) {
    if (cuda_sim::state().sticky != cudaSuccess) return cuda_sim::state().sticky;
    if (n) cuda_sim::submit(cuda_sim::stream_of(s), cuda_sim::Op{nullptr, [=] { std::memmove(dst, src, n); }});
    return cudaSuccess;
}
inline cudaError_t cudaMemsetAsync(void * p, int v, size_t n, cudaStream_t s = nullptr) {
    if (cuda_sim::state().sticky != cudaSuccess) return cuda_sim::state().sticky;
    if (n) cuda_sim::submit(cuda_sim::stream_of(s), cuda_sim::Op{nullptr, [=] { std::memset(p, v, n); }});
    return cudaSuccess;
}

// A host function in stream order (and recorded by a capture, as a host node).
using cudaHostFn_t = void (*)(void *);
inline cudaError_t cudaLaunchHostFunc(cudaStream_t s, cudaHostFn_t fn, void * data) {
    if (cuda_sim::state().sticky != cudaSuccess) return cuda_sim::state().sticky;
    if (fn == nullptr) return cudaErrorInvalidValue;
    cuda_sim::submit(cuda_sim::stream_of(s), cuda_sim::Op{nullptr, [=] { fn(data); }});
    return cudaSuccess;
}

template <class Kernel>
cudaError_t cudaFuncSetAttribute(Kernel kernel, cudaFuncAttribute, int value) {
    return value >= 0 && simt::set_max_dynamic_shared(simt::kernel_key(kernel), size_t(value)) ? cudaSuccess
                                                                                               : cudaErrorInvalidValue;
}

// ---- streams and events ------------------------------------------------------------

inline cudaError_t cudaStreamCreateWithFlags(cudaStream_t * s, unsigned) {
    *s = new CUstream_st;
    (*s)->device = cuda_sim::g_device;
    cuda_sim::streams().all.push_back(*s);
    return cudaSuccess;
}
inline cudaError_t cudaStreamDestroy(cudaStream_t s) {
    if (s == nullptr) return cudaErrorInvalidResourceHandle;
    cuda_sim::note_stream_device(s);
    cuda_sim::drain(s);
    auto & all = cuda_sim::streams().all;
    all.erase(std::remove(all.begin(), all.end(), s), all.end());
    delete s;
    return cudaSuccess;
}
inline cudaError_t cudaStreamSynchronize(cudaStream_t s) {
    CUstream_st * q = cuda_sim::stream_of(s);
    if (q->capturing) {
        q->capture_invalid = true;
        return cudaErrorStreamCaptureUnsupported;
    }
    if (s) cuda_sim::note_stream_device(q);
    cuda_sim::drain(q);
    return cuda_sim::state().sticky;
}
inline cudaError_t cudaDeviceSynchronize() {
    if (cuda_sim::refused_during_capture()) return cudaErrorStreamCaptureUnsupported;
    cuda_sim::drain_all();
    return cuda_sim::state().sticky;
}

inline cudaError_t cudaEventCreateWithFlags(cudaEvent_t * e, unsigned) {
    *e = new CUevent_st;
    return cudaSuccess;
}
inline cudaError_t cudaEventDestroy(cudaEvent_t e) {
    delete e;
    return cudaSuccess;
}
inline cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t s = nullptr) {
    e->stream = cuda_sim::stream_of(s);
    return cudaSuccess;
}
// Waits for the event's stream (all of it: a little more than CUDA waits for).
inline cudaError_t cudaEventSynchronize(cudaEvent_t e) {
    if (cuda_sim::refused_during_capture()) return cudaErrorStreamCaptureUnsupported;
    if (e->stream) cuda_sim::drain(e->stream);
    return cuda_sim::state().sticky;
}

// ---- graphs --------------------------------------------------------------------------

inline cudaError_t cudaStreamBeginCapture(cudaStream_t s, cudaStreamCaptureMode) {
    CUstream_st * q = cuda_sim::stream_of(s);
    ++cuda_sim::graph_counters().captures;
    if (const cudaError_t e = cuda_sim::injected(cuda_sim::Api_begin_capture)) return e;
    if (q->capturing) return cudaErrorIllegalState;
    q->capturing = true;
    q->capture_invalid = false;
    q->captured.clear();
    return cudaSuccess;
}
inline cudaError_t cudaStreamEndCapture(cudaStream_t s, cudaGraph_t * g) {
    CUstream_st * q = cuda_sim::stream_of(s);
    *g = nullptr;
    if (!q->capturing) return cudaErrorIllegalState;
    q->capturing = false;
    std::vector<cuda_sim::Op> ops = std::move(q->captured);
    q->captured.clear();
    if (const cudaError_t e = cuda_sim::injected(cuda_sim::Api_end_capture)) return e;
    if (q->capture_invalid) return cudaErrorStreamCaptureInvalidated;
    *g = new CUgraph_st{std::move(ops)};
    return cudaSuccess;
}
inline cudaError_t cudaGraphDestroy(cudaGraph_t g) {
    delete g;
    return cudaSuccess;
}
inline cudaError_t cudaGraphInstantiate(cudaGraphExec_t * e, cudaGraph_t g, unsigned long long = 0) {
    *e = nullptr;
    if (g == nullptr) return cudaErrorInvalidValue;
    if (const cudaError_t err = cuda_sim::injected(cuda_sim::Api_instantiate)) return err;
    if (!cuda_sim::reserve_device_bytes(cuda_sim::options().graph_exec_bytes)) return cudaErrorMemoryAllocation;
    ++cuda_sim::graph_counters().instantiations;
    *e = new CUgraphExec_st{g->ops, cuda_sim::g_device, cuda_sim::options().graph_exec_bytes};
    return cudaSuccess;
}
// Succeeds when the graph has the instantiated one's topology: the same
// operations, the same kernels, in the same order; only arguments change.
inline cudaError_t cudaGraphExecUpdate(cudaGraphExec_t e, cudaGraph_t g, cudaGraphExecUpdateResultInfo * info) {
    ++cuda_sim::graph_counters().updates;
    bool same = cuda_sim::injected(cuda_sim::Api_exec_update) == cudaSuccess && e->ops.size() == g->ops.size();
    for (size_t i = 0; same && i < g->ops.size(); ++i) same = e->ops[i].kernel == g->ops[i].kernel;
    if (info) info->result = same ? cudaGraphExecUpdateSuccess : cudaGraphExecUpdateError;
    if (!same) return cudaErrorGraphExecUpdateFailure;
    e->ops = g->ops;
    return cudaSuccess;
}
inline cudaError_t cudaGraphExecDestroy(cudaGraphExec_t e) {
    if (e) cuda_sim::release_device_bytes(e->device, e->bytes);
    delete e;
    return cudaSuccess;
}
inline cudaError_t cudaGraphLaunch(cudaGraphExec_t e, cudaStream_t s) {
    if (e == nullptr) return cudaErrorInvalidValue;
    if (cuda_sim::state().sticky != cudaSuccess) return cuda_sim::state().sticky;
    if (const cudaError_t err = cuda_sim::injected(cuda_sim::Api_graph_launch)) return err;
    ++cuda_sim::graph_counters().launches;
    CUstream_st * q = cuda_sim::stream_of(s);
    for (const cuda_sim::Op & op : e->ops) cuda_sim::submit(q, op);
    return cudaSuccess;
}

#include "cublas_sim.h"
