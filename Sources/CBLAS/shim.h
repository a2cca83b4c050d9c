// OpenBLAS's cblas plus the Fortran LAPACK symbols libopenblas exports
// (gfortran ABI: every argument by pointer, hidden string lengths last).
#include <stddef.h>
#include <cblas.h>

void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a,
             const int *lda, float *w, float *work, const int *lwork,
             int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t uplo_len);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a,
             const int *lda, double *w, double *work, const int *lwork,
             int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t uplo_len);

// Stops OpenBLAS's worker threads (its fork handler); the next
// multi-threaded call starts them again from the calling thread.
int blas_thread_shutdown_(void);
