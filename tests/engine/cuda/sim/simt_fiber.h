// Fibers for the SIMT emulator (simt.h): a context switch that saves only what
// the calling convention says a callee keeps.
//
// glibc's swapcontext saves and restores the signal mask with a system call on
// every switch; the emulator switches twice per thread per sync point, so that
// system call was nine tenths of an emulated forward pass. On x86-64 (without
// AddressSanitizer, which must see stack switches through swapcontext) the
// switch is a few instructions of assembly; elsewhere it falls back to ucontext.
//
//   start(ctx, stack, size, entry, arg)  prepares ctx so that the first
//                                        swap(.., ctx) calls entry(arg) on `stack`;
//   swap(from, to)                       saves the running context in `from`
//                                        and resumes `to`.
// entry must never return: it ends by swapping away for good.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define SIMT_FIBER_UCONTEXT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIMT_FIBER_UCONTEXT 1
#endif
#endif
#if !defined(SIMT_FIBER_UCONTEXT) && !defined(__x86_64__)
#define SIMT_FIBER_UCONTEXT 1
#endif

#if defined(SIMT_FIBER_UCONTEXT)
#include <ucontext.h>
#endif

namespace simt::fiber {

using Entry = void (*)(void *);

#if !defined(SIMT_FIBER_UCONTEXT)

struct Context {
    void * sp = nullptr;  // the saved frame (see the assembly below)
};

}  // namespace simt::fiber

// simt_fiber_swap(save, load): pushes the callee-saved registers and the
// MXCSR / x87 control words, stores the stack pointer in *save, switches to
// `load` and pops the same frame there. Frame, from the saved sp up:
//   +0 x87 control word, +8 MXCSR, +16 r15, r14, r13, r12, rbx, rbp, +64 return address.
// simt_fiber_trampoline is the return address of a new fiber: entry (r13)
// called with arg (r12), on a 16-byte aligned stack.
// Weak and hidden: every test that includes this header defines them once.
extern "C" void simt_fiber_swap(void ** save, void * load);
extern "C" void simt_fiber_trampoline();
asm(R"(
    .text
    .weak simt_fiber_swap
    .hidden simt_fiber_swap
    .type simt_fiber_swap, @function
simt_fiber_swap:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $16, %rsp
    stmxcsr 8(%rsp)
    fnstcw (%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr 8(%rsp)
    fldcw (%rsp)
    addq $16, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size simt_fiber_swap, .-simt_fiber_swap

    .weak simt_fiber_trampoline
    .hidden simt_fiber_trampoline
    .type simt_fiber_trampoline, @function
simt_fiber_trampoline:
    movq %r12, %rdi
    callq *%r13
    ud2
    .size simt_fiber_trampoline, .-simt_fiber_trampoline
)");

namespace simt::fiber {

inline void start(Context & ctx, char * stack, size_t size, Entry entry, void * arg) {
    uintptr_t top = (reinterpret_cast<uintptr_t>(stack) + size) & ~uintptr_t(15);
    auto * frame = reinterpret_cast<uint64_t *>(top - 72);  // rsp is top, 16-byte aligned, after the ret
    uint32_t mxcsr = 0;
    uint16_t fpucw = 0;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(fpucw));
    frame[0] = fpucw;
    frame[1] = mxcsr;
    frame[2] = 0;                                  // r15
    frame[3] = 0;                                  // r14
    frame[4] = reinterpret_cast<uint64_t>(entry);  // r13
    frame[5] = reinterpret_cast<uint64_t>(arg);    // r12
    frame[6] = 0;                                  // rbx
    frame[7] = 0;                                  // rbp
    frame[8] = reinterpret_cast<uint64_t>(&simt_fiber_trampoline);
    ctx.sp = frame;
}

inline void swap(Context & from, Context & to) {
    simt_fiber_swap(&from.sp, to.sp);
}

#else  // ucontext

struct Context {
    ucontext_t uc;
};

// makecontext passes int arguments: the entry and its argument in halves.
inline void ucontext_entry(unsigned e_lo, unsigned e_hi, unsigned a_lo, unsigned a_hi) {
    const auto entry = reinterpret_cast<Entry>(uintptr_t(e_lo) | (uintptr_t(e_hi) << 32));
    entry(reinterpret_cast<void *>(uintptr_t(a_lo) | (uintptr_t(a_hi) << 32)));
}

inline void start(Context & ctx, char * stack, size_t size, Entry entry, void * arg) {
    getcontext(&ctx.uc);
    ctx.uc.uc_stack.ss_sp = stack;
    ctx.uc.uc_stack.ss_size = size;
    ctx.uc.uc_link = nullptr;
    const auto e = reinterpret_cast<uintptr_t>(entry), a = reinterpret_cast<uintptr_t>(arg);
    makecontext(&ctx.uc, reinterpret_cast<void (*)()>(&ucontext_entry), 4, unsigned(e), unsigned(uint64_t(e) >> 32),
                unsigned(a), unsigned(uint64_t(a) >> 32));
}

inline void swap(Context & from, Context & to) {
    swapcontext(&from.uc, &to.uc);
}

#endif

}  // namespace simt::fiber
