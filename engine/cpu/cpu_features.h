// Which SIMD kernels this CPU (and OS) can run, chosen once at run time.
//
// One binary runs on any x86-64: the kernels for each ISA live in their own
// translation units (vec_dot_avx2.cpp, vec_dot_avx512.cpp) compiled with those
// flags, and are only called when cpuid and xgetbv say the CPU and the OS
// (saved YMM/ZMM state) support them. HEARTH_CPU_ISA=scalar|avx2|avx512 forces
// a lower path (never a higher one than the machine has), for tests and benchmarks.
#pragma once

namespace hearth {

enum CpuIsa : int {
    CpuIsa_scalar = 0,
    CpuIsa_avx2 = 1,    // AVX2 + FMA + F16C
    CpuIsa_avx512 = 2,  // AVX-512 F/BW/VL/DQ + VNNI
};

const char * cpu_isa_name(CpuIsa isa);

// The best ISA the hardware and OS support, ignoring HEARTH_CPU_ISA.
CpuIsa cpu_isa_detected();

// The ISA the kernels use: HEARTH_CPU_ISA if set (clamped to what is detected),
// otherwise the detected one, unless set_cpu_isa overrode it.
CpuIsa cpu_isa_active();

// Forces the active ISA (tests, benchmarks). Returns false, changing nothing,
// when the machine lacks it. Not thread-safe against running kernels.
bool set_cpu_isa(CpuIsa isa);

}  // namespace hearth
