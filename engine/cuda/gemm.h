// Errors of gemm_prefill (gemm.cu). Launchers never throw, so a failing
// cuBLAS call is recorded here, named as cuda_check.h names it
// ("cublasGemmEx(...) failed at gemm.cu:NN: CUBLAS_STATUS_..."), and printed
// to stderr once; the backend polls it after a prefill.
#pragma once

#include <string>

namespace hearth::cuda {

// The first failure since the previous call (empty when none), cleared.
std::string gemm_take_error();

}  // namespace hearth::cuda
