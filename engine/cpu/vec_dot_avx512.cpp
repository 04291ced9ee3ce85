// AVX-512 (F/BW/VL/DQ + VNNI) kernels: the 4-token and GEMV kernels of
// vec_dot_tiles.h rebuilt with VPDPBUSD for the u8 x s8 dots and the 32
// vector registers AVX-512VL gives, which keeps the unpacked weight blocks of
// the 4-token kernels out of memory. Types not listed here keep the AVX2 kernels.
#include "cpu/vec_dot.h"

#if defined(__AVX512VNNI__) && defined(__AVX512VL__) && defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)

#define HEARTH_SIMD_NS avx512vnni
#define HEARTH_SIMD_VNNI 1
#include "cpu/simd_avx2.h"
#include "cpu/vec_dot_tiles.h"

namespace hearth {

void fill_vec_dot_avx512(VecDotKernels & k) { avx512vnni::fill_vec_dot_tiles(k); }

}  // namespace hearth

#else

namespace hearth {
void fill_vec_dot_avx512(VecDotKernels &) {}
}  // namespace hearth

#endif
