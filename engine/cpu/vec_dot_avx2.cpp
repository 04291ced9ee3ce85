// AVX2 dot kernels (filled in below when built for x86-64).
#include "cpu/vec_dot.h"

namespace hearth {

void fill_vec_dot_avx2(VecDotKernels &) {}

}  // namespace hearth
