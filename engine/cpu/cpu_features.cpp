#include "cpu/cpu_features.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#define HEARTH_X86 1
#endif

namespace hearth {

namespace {

#if defined(HEARTH_X86)
void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
#if defined(_MSC_VER)
    int out[4];
    __cpuidex(out, static_cast<int>(leaf), static_cast<int>(sub));
    for (int i = 0; i < 4; ++i) r[i] = static_cast<unsigned>(out[i]);
#else
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#endif
}

unsigned long long xgetbv0() {
#if defined(_MSC_VER)
    return _xgetbv(0);
#else
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<unsigned long long>(hi) << 32) | lo;
#endif
}

CpuIsa detect() {
    unsigned r[4];
    cpuid(0, 0, r);
    const unsigned max_leaf = r[0];
    if (max_leaf < 7) return CpuIsa_scalar;
    cpuid(1, 0, r);
    const bool osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1;
    const bool fma = (r[2] >> 12) & 1, f16c = (r[2] >> 29) & 1;
    if (!osxsave || !avx) return CpuIsa_scalar;
    const unsigned long long xcr0 = xgetbv0();
    const bool os_ymm = (xcr0 & 0x6) == 0x6;    // SSE + AVX state
    const bool os_zmm = (xcr0 & 0xe6) == 0xe6;  // + opmask, ZMM_Hi256, Hi16_ZMM
    cpuid(7, 0, r);
    const bool avx2 = (r[1] >> 5) & 1;
    const bool avx512f = (r[1] >> 16) & 1, avx512dq = (r[1] >> 17) & 1;
    const bool avx512bw = (r[1] >> 30) & 1, avx512vl = (r[1] >> 31) & 1;
    const bool vnni = (r[2] >> 11) & 1;
    if (!(os_ymm && avx2 && fma && f16c)) return CpuIsa_scalar;
    if (os_zmm && avx512f && avx512dq && avx512bw && avx512vl && vnni) return CpuIsa_avx512;
    return CpuIsa_avx2;
}
#else
CpuIsa detect() {
    return CpuIsa_scalar;
}
#endif

CpuIsa from_env(CpuIsa detected) {
    const char * v = std::getenv("HEARTH_CPU_ISA");
    if (v == nullptr || *v == '\0') return detected;
    CpuIsa want = detected;
    if (std::strcmp(v, "scalar") == 0)
        want = CpuIsa_scalar;
    else if (std::strcmp(v, "avx2") == 0)
        want = CpuIsa_avx2;
    else if (std::strcmp(v, "avx512") == 0)
        want = CpuIsa_avx512;
    return want < detected ? want : detected;
}

std::atomic<int> g_forced{-1};

}  // namespace

const char * cpu_isa_name(CpuIsa isa) {
    switch (isa) {
        case CpuIsa_scalar:
            return "scalar";
        case CpuIsa_avx2:
            return "avx2";
        case CpuIsa_avx512:
            return "avx512";
    }
    return "unknown";
}

CpuIsa cpu_isa_detected() {
    static const CpuIsa isa = detect();
    return isa;
}

CpuIsa cpu_isa_active() {
    const int forced = g_forced.load(std::memory_order_relaxed);
    if (forced >= 0) return static_cast<CpuIsa>(forced);
    static const CpuIsa isa = from_env(cpu_isa_detected());
    return isa;
}

bool set_cpu_isa(CpuIsa isa) {
    if (isa > cpu_isa_detected()) return false;
    g_forced.store(isa, std::memory_order_relaxed);
    return true;
}

}  // namespace hearth
