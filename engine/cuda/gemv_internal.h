// The per-family GEMV launchers behind kernels.h's gemv() (gemv.cu): each
// returns false, launching nothing, for a type outside its family.
#pragma once

#include "cuda/kernels.h"

namespace hearth::cuda {

// Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL, MXFP4 against Q8_0 activations.
bool gemv_legacy(const DeviceMatrix & w, const void * xq, float * y, int64_t n_tokens, cudaStream_t stream,
                 const ExpertSel * sel = nullptr);

// Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS against Q8_K activations.
bool gemv_kquant(const DeviceMatrix & w, const void * xq, float * y, int64_t n_tokens, cudaStream_t stream,
                 const ExpertSel * sel = nullptr);

// IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S against Q8_K activations.
bool gemv_iq(const DeviceMatrix & w, const void * xq, float * y, int64_t n_tokens, cudaStream_t stream,
             const ExpertSel * sel = nullptr);

// F32, F16, BF16 against f32 activations.
bool gemv_float(const DeviceMatrix & w, const float * x, float * y, int64_t n_tokens, cudaStream_t stream,
                const ExpertSel * sel = nullptr);

}  // namespace hearth::cuda
