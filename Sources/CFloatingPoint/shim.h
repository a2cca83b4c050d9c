// The calling thread's treatment of subnormal floats, see Subnormals.swift.
// x86-64: MXCSR's flush-to-zero (bit 15) and denormals-are-zero (bit 6);
// AArch64: FPCR's flush-to-zero (bit 24), which covers inputs too.
#include <stdint.h>

#if defined(__x86_64__)
#include <xmmintrin.h>
#define GENOT_SUBNORMAL_BITS 0x8040u
static inline void genot_flush_subnormals(void) { _mm_setcsr(_mm_getcsr() | GENOT_SUBNORMAL_BITS); }
static inline void genot_keep_subnormals(void) { _mm_setcsr(_mm_getcsr() & ~GENOT_SUBNORMAL_BITS); }
static inline int genot_subnormals_flushed(void) { return (_mm_getcsr() & GENOT_SUBNORMAL_BITS) == GENOT_SUBNORMAL_BITS; }
#elif defined(__aarch64__)
static inline uint64_t genot_fpcr(void) { uint64_t r; __asm__ __volatile__("mrs %0, fpcr" : "=r"(r)); return r; }
static inline void genot_flush_subnormals(void) { uint64_t r = genot_fpcr() | (1u << 24); __asm__ __volatile__("msr fpcr, %0" : : "r"(r)); }
static inline void genot_keep_subnormals(void) { uint64_t r = genot_fpcr() & ~(1ull << 24); __asm__ __volatile__("msr fpcr, %0" : : "r"(r)); }
static inline int genot_subnormals_flushed(void) { return (genot_fpcr() >> 24) & 1; }
#else
static inline void genot_flush_subnormals(void) {}
static inline void genot_keep_subnormals(void) {}
static inline int genot_subnormals_flushed(void) { return 0; }
#endif
