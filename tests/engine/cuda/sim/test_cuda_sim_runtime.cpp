// The emulated CUDA runtime (cuda_sim_runtime.h): deferred execution per
// stream, graph capture and replay with the captured arguments, calls refused
// during capture, kernel faults and launch errors through the error API,
// devices and their memory, and failure injection. Each check is shown on
// the host-code mistake it exists to catch.
#include <QTest>
#include <vector>

#include "cuda_sim_runtime.h"

namespace {

__global__ void fill(int * out, int value, int n) {
    const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
    if (i < n) out[i] = value;
}

// out[i] = *pos + i: the position read from device memory at run time.
__global__ void from_device_pos(int * out, const int * pos, int n) {
    const int i = int(threadIdx.x);
    if (i < n) out[i] = *pos + i;
}

__global__ void misaligned(const unsigned char * p, int * out) {
    simt::check(reinterpret_cast<uintptr_t>(p) % 4 == 0, "misaligned load");
    out[0] = p[0];
}

template <class... A>
void launch(cudaStream_t s, dim3 grid, dim3 block, void (*k)(A...), A... args) {
    cuda_sim::launch_kernel(s, grid, block, 0, k, args...);
}

}  // namespace

class TestCudaSimRuntime : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { cuda_sim::reset(); }

    // A host read before the sync sees the old data, as on a GPU.
    void launchesRunAtSyncPoints() {
        cudaStream_t s = nullptr;
        QCOMPARE(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), cudaSuccess);
        int * d = nullptr;
        QCOMPARE(cudaMalloc(&d, 64 * sizeof(int)), cudaSuccess);
        QCOMPARE(d[0], -1);  // fresh device memory is poisoned
        launch(s, dim3(2), dim3(32), fill, d, 5, 64);
        QCOMPARE(cudaGetLastError(), cudaSuccess);
        QCOMPARE(d[0], -1);
        QCOMPARE(cudaStreamSynchronize(s), cudaSuccess);
        QCOMPARE(d[63], 5);
        // A synchronous copy waits for every stream.
        launch(s, dim3(2), dim3(32), fill, d, 6, 64);
        std::vector<int> host(64);
        QCOMPARE(cudaMemcpy(host.data(), d, 64 * sizeof(int), cudaMemcpyDeviceToHost), cudaSuccess);
        QCOMPARE(host[10], 6);
        cudaFree(d);
        cudaStreamDestroy(s);
    }

    // Replay uses the arguments the capture saw; a value copied from pinned
    // memory by a captured copy is read at each replay.
    void graphsReplayCapturedArguments() {
        cudaStream_t s = nullptr;
        cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
        int *d = nullptr, *d_pos = nullptr, *pinned = nullptr;
        cudaMalloc(&d, 8 * sizeof(int));
        cudaMalloc(&d_pos, sizeof(int));
        cudaMallocHost(reinterpret_cast<void **>(&pinned), sizeof(int));
        int host_pos = 100;
        *pinned = 100;
        QCOMPARE(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal), cudaSuccess);
        launch(s, dim3(1), dim3(32), fill, d, host_pos, 4);  // the position baked into an argument
        cudaMemcpyAsync(d_pos, pinned, sizeof(int), cudaMemcpyHostToDevice, s);
        launch(s, dim3(1), dim3(32), from_device_pos, d + 4, static_cast<const int *>(d_pos), 4);
        cudaGraph_t g = nullptr;
        QCOMPARE(cudaStreamEndCapture(s, &g), cudaSuccess);
        QCOMPARE(d[0], -1);  // nothing ran during capture
        cudaGraphExec_t e = nullptr;
        QCOMPARE(cudaGraphInstantiate(&e, g, 0), cudaSuccess);
        cudaGraphDestroy(g);
        for (int step = 0; step < 3; ++step) {
            host_pos = *pinned = 100 + step;
            QCOMPARE(cudaGraphLaunch(e, s), cudaSuccess);
            QCOMPARE(cudaStreamSynchronize(s), cudaSuccess);
            QCOMPARE(d[0], 100);         // stale: captured at step 0
            QCOMPARE(d[4], 100 + step);  // current: read through device memory
            QCOMPARE(d[7], 103 + step);
        }
        cudaGraphExecDestroy(e);
        cudaFreeHost(pinned);
        cudaFree(d_pos);
        cudaFree(d);
        cudaStreamDestroy(s);
    }

    void synchronousCallsFailCapture() {
        cudaStream_t s = nullptr;
        cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
        int * d = nullptr;
        cudaMalloc(&d, 32 * sizeof(int));
        cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal);
        launch(s, dim3(1), dim3(32), fill, d, 1, 32);
        QCOMPARE(cudaStreamSynchronize(s), cudaErrorStreamCaptureUnsupported);
        void * p = nullptr;
        QCOMPARE(cudaMalloc(&p, 16), cudaErrorStreamCaptureUnsupported);
        cudaGraph_t g = nullptr;
        QCOMPARE(cudaStreamEndCapture(s, &g), cudaErrorStreamCaptureInvalidated);
        QVERIFY(g == nullptr);
        cudaFree(d);
        cudaStreamDestroy(s);
    }

    // With lazy loading on a driver that cannot load modules during capture,
    // a kernel's first launch fails the capture; a launch before it does not.
    void firstLaunchDuringCaptureCanFail() {
        cuda_sim::options().lazy_loading_breaks_capture = true;
        cudaStream_t s = nullptr;
        cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
        int * d = nullptr;
        cudaMalloc(&d, 32 * sizeof(int));
        cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal);
        launch(s, dim3(1), dim3(32), fill, d, 1, 32);
        QCOMPARE(cudaGetLastError(), cudaErrorStreamCaptureUnsupported);
        cudaGraph_t g = nullptr;
        QCOMPARE(cudaStreamEndCapture(s, &g), cudaErrorStreamCaptureInvalidated);
        launch(s, dim3(1), dim3(32), fill, d, 2, 32);  // loads it
        cudaStreamSynchronize(s);
        cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal);
        launch(s, dim3(1), dim3(32), fill, d, 3, 32);
        QCOMPARE(cudaGetLastError(), cudaSuccess);
        QCOMPARE(cudaStreamEndCapture(s, &g), cudaSuccess);
        cudaGraphDestroy(g);
        cudaFree(d);
        cudaStreamDestroy(s);
    }

    void injectedFailures() {
        void * p = nullptr;
        cuda_sim::inject_failure(cuda_sim::Api_malloc, cudaErrorMemoryAllocation, 1);
        QCOMPARE(cudaMalloc(&p, 16), cudaSuccess);  // one call still succeeds
        cudaFree(p);
        QCOMPARE(cudaMalloc(&p, 16), cudaErrorMemoryAllocation);
        QCOMPARE(cudaMalloc(&p, 16), cudaSuccess);  // once only
        cudaFree(p);
        cuda_sim::inject_failure(cuda_sim::Api_malloc_host, cudaErrorMemoryAllocation);
        QCOMPARE(cudaMallocHost(&p, 16), cudaErrorMemoryAllocation);

        cudaStream_t s = nullptr;
        cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
        int * d = nullptr;
        cudaMalloc(&d, 32 * sizeof(int));
        auto capture = [&](int value) {
            cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal);
            launch(s, dim3(1), dim3(32), fill, d, value, 32);
            cudaGraph_t g = nullptr;
            const cudaError_t e = cudaStreamEndCapture(s, &g);
            return std::make_pair(e, g);
        };
        cuda_sim::inject_failure(cuda_sim::Api_end_capture, cudaErrorStreamCaptureInvalidated);
        auto [err, g] = capture(1);
        QCOMPARE(err, cudaErrorStreamCaptureInvalidated);
        QVERIFY(g == nullptr);
        std::tie(err, g) = capture(2);
        QCOMPARE(err, cudaSuccess);
        cudaGraphExec_t e = nullptr;
        QCOMPARE(cudaGraphInstantiate(&e, g, 0), cudaSuccess);
        cudaGraphDestroy(g);
        std::tie(err, g) = capture(3);
        cudaGraphExecUpdateResultInfo info;
        cuda_sim::inject_failure(cuda_sim::Api_exec_update, cudaErrorGraphExecUpdateFailure);
        QCOMPARE(cudaGraphExecUpdate(e, g, &info), cudaErrorGraphExecUpdateFailure);
        QCOMPARE(info.result, cudaGraphExecUpdateError);
        QCOMPARE(cudaGraphExecUpdate(e, g, &info), cudaSuccess);
        cudaGraphDestroy(g);
        cudaGraphLaunch(e, s);
        cudaStreamSynchronize(s);
        QCOMPARE(d[31], 3);  // the updated arguments
        cudaGraphExecDestroy(e);
        cudaFree(d);
        cudaStreamDestroy(s);
    }

    // A kernel fault comes back at the next sync and stays (a lost context).
    void kernelFaultsAreSticky() {
        std::vector<unsigned char> bytes(8);
        int * d = nullptr;
        cudaMalloc(&d, sizeof(int));
        cuda_sim::launch_kernel(nullptr, dim3(1), dim3(32), 0, misaligned,
                                static_cast<const unsigned char *>(bytes.data() + 1), d);
        QCOMPARE(cudaGetLastError(), cudaSuccess);  // the launch itself was fine
        QCOMPARE(cudaDeviceSynchronize(), cudaErrorMisalignedAddress);
        QVERIFY(QString::fromStdString(cuda_sim::fault()).contains("misaligned load"));
        QCOMPARE(cudaGetLastError(), cudaErrorMisalignedAddress);
        QCOMPARE(cudaGetLastError(), cudaErrorMisalignedAddress);
        void * p = nullptr;
        QCOMPARE(cudaMalloc(&p, 4), cudaErrorMisalignedAddress);
        cuda_sim::reset();
        QCOMPARE(cudaGetLastError(), cudaSuccess);
        cudaFree(d);
    }

    void badLaunchesSetTheLastError() {
        int * d = nullptr;
        cudaMalloc(&d, 64 * sizeof(int));
        launch(nullptr, dim3(1, 70000), dim3(32), fill, d, 1, 64);
        QCOMPARE(cudaGetLastError(), cudaErrorInvalidConfiguration);
        QCOMPARE(cudaGetLastError(), cudaSuccess);  // not sticky
        cuda_sim::inject_failure(cuda_sim::Api_launch, cudaErrorLaunchOutOfResources);
        launch(nullptr, dim3(1), dim3(32), fill, d, 1, 64);
        QCOMPARE(cudaGetLastError(), cudaErrorLaunchOutOfResources);
        cudaFree(d);
    }

    // Streams belong to a device: a launch needs that device current.
    void devicesAndTheirMemory() {
        cuda_sim::set_devices({{"Emulated A", 8, 6, size_t(1) << 20, 0}, {"Emulated B", 9, 0, size_t(2) << 20, 0}});
        int n = 0;
        QCOMPARE(cudaGetDeviceCount(&n), cudaSuccess);
        QCOMPARE(n, 2);
        cudaDeviceProp prop;
        QCOMPARE(cudaGetDeviceProperties(&prop, 1), cudaSuccess);
        QCOMPARE(QString(prop.name), QString("Emulated B"));
        QCOMPARE(cudaSetDevice(2), cudaErrorInvalidDevice);
        cudaStream_t s = nullptr;
        cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);  // on device 0
        void * p = nullptr;
        QCOMPARE(cudaMalloc(&p, size_t(2) << 20), cudaErrorMemoryAllocation);  // more than device 0 has
        QCOMPARE(cudaMalloc(&p, size_t(1) << 19), cudaSuccess);
        size_t free_bytes = 0, total = 0;
        cudaMemGetInfo(&free_bytes, &total);
        QCOMPARE(free_bytes, size_t(1) << 19);
        QCOMPARE(cudaSetDevice(1), cudaSuccess);
        cudaMemGetInfo(&free_bytes, &total);
        QCOMPARE(total, size_t(2) << 20);
        launch(s, dim3(1), dim3(32), fill, static_cast<int *>(p), 1, 32);
        QCOMPARE(cudaGetLastError(), cudaErrorInvalidResourceHandle);
        cudaSetDevice(0);
        launch(s, dim3(1), dim3(32), fill, static_cast<int *>(p), 1, 32);
        QCOMPARE(cudaGetLastError(), cudaSuccess);
        cudaStreamDestroy(s);
        cudaFree(p);
        cudaMemGetInfo(&free_bytes, &total);
        QCOMPARE(free_bytes, size_t(1) << 20);
    }
};

QTEST_APPLESS_MAIN(TestCudaSimRuntime)
#include "test_cuda_sim_runtime.moc"
