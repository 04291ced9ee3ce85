// cuBLAS for the SIMT emulator build: the handle and the calls the backend
// makes, routed to a reference GEMM on the host.
#pragma once

struct cublasContext {};
using cublasHandle_t = cublasContext *;
using cublasStatus_t = int;
constexpr cublasStatus_t CUBLAS_STATUS_SUCCESS = 0;
