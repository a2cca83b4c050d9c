// A single-threaded sgemm for AVX-512 CPUs, see MatrixKernel.c.
#include <stddef.h>

/// c[m, n] = alpha·op(a)·op(b) + beta·c (+ bias[n] on every row when bias
/// is not NULL), row-major; op(a) [m, k] is `a` stored [m, k] (lda its row
/// stride) or, when transpose_a, [k, m]; op(b) [k, n] likewise. Call only
/// on a CPU with AVX-512F (it is compiled for it whatever the build's flags).
/// Returns 0, or -1 when its packing buffer could not be allocated (c is
/// then untouched).
int genot_sgemm_avx512(int transpose_a, int transpose_b, int m, int n, int k, float alpha,
                       const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc,
                       const float *bias);
