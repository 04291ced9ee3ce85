// Errors of gemm_prefill (gemm.cu). Launchers never throw, so a failing
// cuBLAS call is recorded here, named as cuda_check.h names it
// ("cublasGemmEx(...) failed at gemm.cu:NN: CUBLAS_STATUS_..."), and printed
// to stderr once; the backend polls it after a prefill.
#pragma once

#include <string>

namespace hearth::cuda {

// The first failure since the previous call (empty when none), cleared;
// *out_of_memory, when given, says whether it was CUBLAS_STATUS_ALLOC_FAILED.
std::string gemm_take_error(bool * out_of_memory = nullptr);

}  // namespace hearth::cuda
