// Row-major sgemm on one core with AVX-512, for the products of a sharded
// training step (each core runs its own products; no threads here).
//
// OpenBLAS packs both operands of every product. This kernel packs only
// op(b), into panels of 32 columns (zero-padded), reads op(a) in place (a
// transposed a is copied row-major first) and broadcasts one element per
// row into a 12 × 32 tile of c held in 24 registers; a row tile of a, once
// read, runs against every panel, and a layer's bias is added as the tile
// is written (docs/experiments.md §23 compares it with OpenBLAS's kernels).
#include "CMatrixKernel.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdlib.h>

#define AVX512 __attribute__((target("avx512f")))

enum { PANEL = 32, ROWS = 12, DEPTH = 256 };

// dst[kk·ldd + x] = src[x·lds + kk] for x, kk < 16: a 16 × 16 block
// transposed in registers (unpacks, then 128-bit lane shuffles).
AVX512 static inline void transpose16(const float *src, long lds, float *dst, long ldd) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(src + i * lds);
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {
        r[4 * i + 0] = _mm512_shuffle_ps(t[4 * i + 0], t[4 * i + 2], 0x44);
        r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i + 0], t[4 * i + 2], 0xEE);
        r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        t[i + 0] = _mm512_shuffle_f32x4(r[i + 0], r[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_f32x4(r[i + 0], r[i + 4], 0xDD);
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
    }
    for (int i = 0; i < 4; i++) {
        r[i + 0] = _mm512_shuffle_f32x4(t[i + 0], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i + 0], t[i + 8], 0xDD);
        r[i + 4] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0x88);
        r[i + 12] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0xDD);
    }
    for (int i = 0; i < 16; i++) _mm512_storeu_ps(dst + i * ldd, r[i]);
}

// The masks of a panel row's two vectors for its first `width` ≤ PANEL columns.
static inline void panel_masks(int width, __mmask16 *low, __mmask16 *high) {
    *low = width >= 16 ? 0xFFFF : (__mmask16)((1u << width) - 1);
    *high = width >= 32 ? 0xFFFF : width <= 16 ? 0 : (__mmask16)((1u << (width - 16)) - 1);
}

// Packs columns [j, j + PANEL) of op(b) over depths [k0, k0 + depth): row kk
// of the panel holds op(b)[k0 + kk, j ..< j + PANEL], zeros past column n.
AVX512 static void pack_panel(const float *b, int ldb, int transpose_b, int n, int j, int k0, int depth, float *panel) {
    int width = n - j < PANEL ? n - j : PANEL;
    if (!transpose_b) {
        // Two vectors a row (masked past column n; a memcpy call per row
        // cost more than the copy).
        __mmask16 low, high;
        panel_masks(width, &low, &high);
        for (int kk = 0; kk < depth; kk++) {
            const float *row = b + (size_t)(k0 + kk) * ldb + j;
            float *dst = panel + (size_t)kk * PANEL;
            _mm512_store_ps(dst, _mm512_maskz_loadu_ps(low, row));
            _mm512_store_ps(dst + 16, _mm512_maskz_loadu_ps(high, row + 16));
        }
        return;
    }
    // op(b)[kk, j + x] = b[j + x, kk]: whole 16 × 16 blocks transposed in
    // registers (far faster than scattering each element down the panel),
    // the rest element by element.
    int done = 0;
    if (width == PANEL) {
        for (; done + 16 <= depth; done += 16) {
            transpose16(b + (size_t)j * ldb + k0 + done, ldb, panel + (size_t)done * PANEL, PANEL);
            transpose16(b + (size_t)(j + 16) * ldb + k0 + done, ldb, panel + (size_t)done * PANEL + 16, PANEL);
        }
    }
    for (int x = 0; x < PANEL; x++) {
        float *dst = panel + x;
        const float *row = b + (size_t)(j + x) * ldb + k0;
        for (int kk = done; kk < depth; kk++) dst[(size_t)kk * PANEL] = x < width ? row[kk] : 0;
    }
}

// Writes a tile's row: c = alpha·acc + beta·c (+ bias) over `width` ≤ PANEL
// columns; `bias` points at the tile's first column, or is NULL.
AVX512 static inline void store_row(float *row, __m512 acc0, __m512 acc1, int width, float alpha, float beta,
                                    const float *bias) {
    __mmask16 low, high;
    panel_masks(width, &low, &high);
    __m512 y0 = _mm512_mul_ps(_mm512_set1_ps(alpha), acc0), y1 = _mm512_mul_ps(_mm512_set1_ps(alpha), acc1);
    if (bias) {
        y0 = _mm512_add_ps(y0, _mm512_maskz_loadu_ps(low, bias));
        y1 = _mm512_add_ps(y1, _mm512_maskz_loadu_ps(high, bias + 16));
    }
    if (beta != 0) {
        y0 = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(low, row), y0);
        y1 = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(high, row + 16), y1);
    }
    _mm512_mask_storeu_ps(row, low, y0);
    _mm512_mask_storeu_ps(row + 16, high, y1);
}

// A full tile, ROWS rows: its 24 accumulators named, so that they live in
// registers. a's element (r, kk) is a[r·rs + kk·ks].
AVX512 static void full_tile(const float *a, long rs, long ks, const float *panel, int depth, int width,
                             float alpha, float beta, const float *bias, float *c, int ldc) {
#define ZERO(r) __m512 x##r##0 = _mm512_setzero_ps(), x##r##1 = _mm512_setzero_ps();
    ZERO(0) ZERO(1) ZERO(2) ZERO(3) ZERO(4) ZERO(5) ZERO(6) ZERO(7) ZERO(8) ZERO(9) ZERO(10) ZERO(11)
#undef ZERO
    const float *p = panel;
    for (int kk = 0; kk < depth; kk++, p += PANEL) {
        __m512 b0 = _mm512_load_ps(p), b1 = _mm512_load_ps(p + 16);
        const float *ak = a + kk * ks;
#define FMA(r) { __m512 v = _mm512_set1_ps(ak[(r) * rs]); x##r##0 = _mm512_fmadd_ps(v, b0, x##r##0); x##r##1 = _mm512_fmadd_ps(v, b1, x##r##1); }
        FMA(0) FMA(1) FMA(2) FMA(3) FMA(4) FMA(5) FMA(6) FMA(7) FMA(8) FMA(9) FMA(10) FMA(11)
#undef FMA
    }
#define STORE(r) store_row(c + (size_t)(r) * ldc, x##r##0, x##r##1, width, alpha, beta, bias);
    STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5) STORE(6) STORE(7) STORE(8) STORE(9) STORE(10) STORE(11)
#undef STORE
}

// The last rows of c (fewer than ROWS), one at a time.
AVX512 static void edge_rows(const float *a, long rs, long ks, const float *panel, int depth, int rows, int width,
                             float alpha, float beta, const float *bias, float *c, int ldc) {
    for (int r = 0; r < rows; r++) {
        __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
        const float *p = panel;
        for (int kk = 0; kk < depth; kk++, p += PANEL) {
            __m512 v = _mm512_set1_ps(a[r * rs + kk * ks]);
            acc0 = _mm512_fmadd_ps(v, _mm512_load_ps(p), acc0);
            acc1 = _mm512_fmadd_ps(v, _mm512_load_ps(p + 16), acc1);
        }
        store_row(c + (size_t)r * ldc, acc0, acc1, width, alpha, beta, bias);
    }
}

// Packed op(b) of one depth block, per thread, grown as needed and kept
// between calls (the step's threads are few and long-lived).
static _Thread_local float *packed;
static _Thread_local size_t packedCapacity;
// A transposed a, copied row-major, per thread, grown as needed.
static _Thread_local float *rows_of_a;
static _Thread_local size_t rowsCapacity;

// out[i·k + kk] = a[kk·lda + i]: a stored [k, m] copied as [m, k], by 16 × 16
// register transposes and element by element at the edges.
AVX512 static void transpose(const float *a, int lda, int m, int k, float *out) {
    int i0 = 0;
    for (; i0 + 16 <= m; i0 += 16) {
        int k0 = 0;
        for (; k0 + 16 <= k; k0 += 16) transpose16(a + (size_t)k0 * lda + i0, lda, out + (size_t)i0 * k + k0, k);
        for (int i = i0; i < i0 + 16; i++) for (int kk = k0; kk < k; kk++) out[(size_t)i * k + kk] = a[(size_t)kk * lda + i];
    }
    for (int i = i0; i < m; i++) for (int kk = 0; kk < k; kk++) out[(size_t)i * k + kk] = a[(size_t)kk * lda + i];
}

AVX512 int genot_sgemm_avx512(int transpose_a, int transpose_b, int m, int n, int k, float alpha,
                              const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc,
                              const float *bias) {
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                c[(size_t)i * ldc + j] = (beta == 0 ? 0 : beta * c[(size_t)i * ldc + j]) + (bias ? bias[j] : 0);
        return 0;
    }
    // A transposed a, read down its columns, would take a cache line per
    // element of a row: it is copied row-major first.
    if (transpose_a) {
        size_t size = (size_t)m * k;
        if (size > rowsCapacity) {
            float *grown = aligned_alloc(64, (size * sizeof(float) + 63) / 64 * 64);
            if (!grown) return -1;
            free(rows_of_a);
            rows_of_a = grown;
            rowsCapacity = size;
        }
        transpose(a, lda, m, k, rows_of_a);
        a = rows_of_a;
        lda = k;
    }
    long rs = lda, ks = 1;
    int panels = (n + PANEL - 1) / PANEL;
    size_t need = (size_t)panels * PANEL * DEPTH;
    if (need > packedCapacity) {
        float *grown = aligned_alloc(64, need * sizeof(float));
        if (!grown) return -1;
        free(packed);
        packed = grown;
        packedCapacity = need;
    }
    // Depth in blocks of DEPTH; all of op(b)'s block packed first (panel by
    // panel), then each row tile of a, read once, runs against every panel.
    for (int k0 = 0; k0 < k; k0 += DEPTH) {
        int depth = k - k0 < DEPTH ? k - k0 : DEPTH;
        for (int p = 0; p < panels; p++) pack_panel(b, ldb, transpose_b, n, p * PANEL, k0, depth, packed + (size_t)p * PANEL * depth);
        // The first depth block brings beta·c and the bias, later ones add.
        float keep = k0 == 0 ? beta : 1;
        const float *rowBias = k0 == 0 ? bias : NULL;
        const float *ak = a + (size_t)k0 * ks;
        for (int i = 0; i < m; i += ROWS) {
            int rows = m - i < ROWS ? m - i : ROWS;
            const float *tile = ak + (size_t)i * rs;
            for (int p = 0; p < panels; p++) {
                int j = p * PANEL, width = n - j < PANEL ? n - j : PANEL;
                const float *panel = packed + (size_t)p * PANEL * depth;
                float *out = c + (size_t)i * ldc + j;
                const float *panelBias = rowBias ? rowBias + j : NULL;
                if (rows == ROWS) full_tile(tile, rs, ks, panel, depth, width, alpha, keep, panelBias, out, ldc);
                else edge_rows(tile, rs, ks, panel, depth, rows, width, alpha, keep, panelBias, out, ldc);
            }
        }
    }
    return 0;
}
#endif
