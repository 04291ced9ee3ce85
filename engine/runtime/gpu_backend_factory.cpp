#include "runtime/gpu_backend_factory.h"

namespace hearth {

GpuBackendFactory default_gpu_backend_factory() {
#ifdef HEARTH_HAVE_CUDA
    return &make_cuda_backend;
#else
    return nullptr;
#endif
}

}  // namespace hearth
