// The emulated CUDA runtime's state (cuda_sim_runtime.h): error codes, the
// devices and their memory, failure injection, and the options tests set to
// reproduce what a real driver does.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "simt.h"

// The runtime's error codes (their values in driver_types.h).
using cudaError_t = int;
constexpr cudaError_t cudaSuccess = 0;
constexpr cudaError_t cudaErrorInvalidValue = 1;
constexpr cudaError_t cudaErrorMemoryAllocation = 2;
constexpr cudaError_t cudaErrorInvalidConfiguration = 9;
constexpr cudaError_t cudaErrorInsufficientDriver = 35;
constexpr cudaError_t cudaErrorNoDevice = 100;
constexpr cudaError_t cudaErrorInvalidDevice = 101;
constexpr cudaError_t cudaErrorInvalidResourceHandle = 400;
constexpr cudaError_t cudaErrorIllegalAddress = 700;
constexpr cudaError_t cudaErrorLaunchOutOfResources = 701;
constexpr cudaError_t cudaErrorMisalignedAddress = 716;
constexpr cudaError_t cudaErrorLaunchFailure = 719;
constexpr cudaError_t cudaErrorStreamCaptureUnsupported = 900;
constexpr cudaError_t cudaErrorStreamCaptureInvalidated = 901;
constexpr cudaError_t cudaErrorIllegalState = 401;
constexpr cudaError_t cudaErrorGraphExecUpdateFailure = 910;

inline const char * cudaGetErrorName(cudaError_t e) {
    switch (e) {
        case cudaSuccess:
            return "cudaSuccess";
        case cudaErrorInvalidValue:
            return "cudaErrorInvalidValue";
        case cudaErrorMemoryAllocation:
            return "cudaErrorMemoryAllocation";
        case cudaErrorInvalidConfiguration:
            return "cudaErrorInvalidConfiguration";
        case cudaErrorInsufficientDriver:
            return "cudaErrorInsufficientDriver";
        case cudaErrorNoDevice:
            return "cudaErrorNoDevice";
        case cudaErrorInvalidDevice:
            return "cudaErrorInvalidDevice";
        case cudaErrorInvalidResourceHandle:
            return "cudaErrorInvalidResourceHandle";
        case cudaErrorIllegalAddress:
            return "cudaErrorIllegalAddress";
        case cudaErrorLaunchOutOfResources:
            return "cudaErrorLaunchOutOfResources";
        case cudaErrorMisalignedAddress:
            return "cudaErrorMisalignedAddress";
        case cudaErrorLaunchFailure:
            return "cudaErrorLaunchFailure";
        case cudaErrorStreamCaptureUnsupported:
            return "cudaErrorStreamCaptureUnsupported";
        case cudaErrorStreamCaptureInvalidated:
            return "cudaErrorStreamCaptureInvalidated";
        case cudaErrorIllegalState:
            return "cudaErrorIllegalState";
        case cudaErrorGraphExecUpdateFailure:
            return "cudaErrorGraphExecUpdateFailure";
        default:
            return "cudaErrorUnknown";
    }
}
inline const char * cudaGetErrorString(cudaError_t e) {
    switch (e) {
        case cudaSuccess:
            return "no error";
        case cudaErrorMemoryAllocation:
            return "out of memory";
        case cudaErrorInvalidConfiguration:
            return "invalid configuration argument";
        case cudaErrorMisalignedAddress:
            return "misaligned address";
        case cudaErrorLaunchFailure:
            return "unspecified launch failure";
        case cudaErrorStreamCaptureUnsupported:
            return "operation not permitted when stream is capturing";
        case cudaErrorStreamCaptureInvalidated:
            return "operation failed due to a previous error during capture";
        default:
            return cudaGetErrorName(e);
    }
}

struct cudaDeviceProp {
    char name[256];
    size_t totalGlobalMem;
    int major, minor;
    int multiProcessorCount;
    int l2CacheSize;
    size_t sharedMemPerBlockOptin;
};

namespace cuda_sim {

// The runtime calls whose next failure a test can inject.
enum Api {
    Api_malloc,
    Api_malloc_host,
    Api_begin_capture,
    Api_end_capture,
    Api_instantiate,
    Api_exec_update,
    Api_graph_launch,
    Api_launch,
    Api_count
};

struct Device {
    std::string name = "Emulated GPU";
    int major = 8, minor = 6;
    size_t total = size_t(1) << 40;  // "VRAM": host memory, counted against this
    size_t used = 0;
    int memory_clock_khz = 9751000;  // an RTX 3090's: 936 GB/s on a 384-bit bus
    int bus_bits = 384;
};

// What a real driver does that tests can switch on.
struct Options {
    // A kernel's first launch while its stream is capturing fails the capture,
    // as on drivers that cannot load modules during capture (lazy loading,
    // the default since CUDA 12.2).
    bool lazy_loading_breaks_capture = false;
    // Device memory a handle's first cuBLAS GEMM takes for its workspace, and
    // an instantiated graph takes; both fail with out of memory when the
    // device is full, as the real ones do after the arenas were placed.
    size_t cublas_workspace = 0;
    size_t graph_exec_bytes = 0;
};

struct GraphCounters {
    int captures = 0;        // cudaStreamBeginCapture calls
    int instantiations = 0;  // graphs instantiated
    int updates = 0;         // cudaGraphExecUpdate calls
    int launches = 0;        // cudaGraphLaunch calls
};

struct Allocation {
    int device;
    size_t bytes;
    bool pinned;
};

struct State {
    std::vector<Device> devices{Device{}};
    std::unordered_map<void *, Allocation> allocations;
    std::unordered_set<const void *> loaded_kernels;
    struct Injection {
        int countdown = -1;  // successful calls left before the failure; -1: none
        cudaError_t error = cudaSuccess;
    } inject[Api_count];
    cudaError_t sticky = cudaSuccess;  // a kernel fault: every later call returns it
    std::string fault;                 // what the fault was
    Options options;
    GraphCounters counters;
    // Stream synchronisations and destructions made while another device was
    // current: the backend selects its device first (forward(), release()),
    // so a thread the probe or another model left elsewhere stays harmless.
    int off_device_stream_calls = 0;
};

inline State & state() {
    static State s;
    return s;
}
inline thread_local int g_device = 0;
inline thread_local cudaError_t g_last_error = cudaSuccess;

inline GraphCounters & graph_counters() {
    return state().counters;
}
inline Options & options() {
    return state().options;
}

// The call `api` fails with `error` after `after` more successful calls.
inline void inject_failure(Api api, cudaError_t error, int after = 0) {
    state().inject[api] = {after, error};
}

// cudaSuccess, or the injected failure of this call.
inline cudaError_t injected(Api api) {
    State::Injection & i = state().inject[api];
    if (i.countdown < 0) return cudaSuccess;
    if (i.countdown-- > 0) return cudaSuccess;
    return i.error;
}

// Emulated GPUs (index order); the first is current. Memory already in use stays counted.
inline void set_devices(std::vector<Device> devices) {
    state().devices = std::move(devices);
    g_device = 0;
}

// The last kernel fault, "" when none.
inline const std::string & fault() {
    return state().fault;
}

// A kernel broke a rule: the context is lost, as after a device-side fault.
inline void record_fault(cudaError_t error, const std::string & what) {
    State & s = state();
    if (s.sticky == cudaSuccess) {
        s.sticky = error;
        s.fault = what;
        std::fprintf(stderr, "cuda_sim: kernel fault (%s): %s\n", cudaGetErrorName(error), what.c_str());
    }
}

inline void set_last_error(cudaError_t e) {
    if (e != cudaSuccess && g_last_error == cudaSuccess) g_last_error = e;
}

inline cudaError_t alloc(void ** p, size_t n, bool pinned) {
    State & s = state();
    *p = nullptr;
    if (s.sticky != cudaSuccess) return s.sticky;
    if (const cudaError_t e = injected(pinned ? Api_malloc_host : Api_malloc)) return e;
    Device & d = s.devices[size_t(g_device)];
    if (!pinned && n > d.total - d.used) return cudaErrorMemoryAllocation;
    *p = std::malloc(n ? n : 1);
    if (*p == nullptr) return cudaErrorMemoryAllocation;
    std::memset(*p, 0xFF, n);  // uninitialised: NaN as f32, -1 as integers
    if (!pinned) d.used += n;
    s.allocations[*p] = Allocation{g_device, n, pinned};
    return cudaSuccess;
}

inline void release_device_bytes(int device, size_t n) {
    std::vector<Device> & d = state().devices;
    if (size_t(device) < d.size()) d[size_t(device)].used -= std::min(n, d[size_t(device)].used);
}

inline void release(void * p) {
    State & s = state();
    auto it = s.allocations.find(p);
    if (it == s.allocations.end()) return;
    if (!it->second.pinned) release_device_bytes(it->second.device, it->second.bytes);
    s.allocations.erase(it);
    std::free(p);
}

// Device memory the runtime or cuBLAS takes for itself.
inline bool reserve_device_bytes(size_t n) {
    Device & d = state().devices[size_t(g_device)];
    if (n > d.total - d.used) return false;
    d.used += n;
    return true;
}

}  // namespace cuda_sim
