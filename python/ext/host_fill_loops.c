#include "host_fill_loops.h"

#include <string.h>

#include "nda/host_threads.h"

/* Below 2 MiB one thread fills all (waking a helper costs ~10 us, the time
 * to fill ~0.5 MiB); pieces are whole 64-byte lines of at least 512 KiB. */
enum { FILL_PARALLEL_BYTES = 2 << 20, FILL_PIECE_BYTES = 512 << 10, FILL_MAX_PIECES = 64 };

#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

typedef struct {
    char *dst;
    size_t size;          /* element bytes */
    unsigned char pattern[16];
    int uniform;          /* every pattern byte is the same: memset */
    int64_t n, step;      /* elements, per piece */
} fill_job;

#define FILL_TYPED(NAME, T)                                                              \
    CLONES static void NAME(T *p, int64_t n, T v)                                        \
    {                                                                                    \
        for (int64_t i = 0; i < n; i++) p[i] = v;                                        \
    }
FILL_TYPED(fill_u16, uint16_t)
FILL_TYPED(fill_u32, uint32_t)
FILL_TYPED(fill_u64, uint64_t)

CLONES static void fill_pair(uint64_t *p, int64_t n, uint64_t lo, uint64_t hi)
{
    for (int64_t i = 0; i < n; i++) {
        p[2 * i] = lo;
        p[2 * i + 1] = hi;
    }
}

static void fill_piece(void *ctx, int64_t k)
{
    const fill_job *j = ctx;
    int64_t lo = k * j->step;
    int64_t n = j->n - lo < j->step ? j->n - lo : j->step;
    char *p = j->dst + (size_t)lo * j->size;
    if (j->uniform) {
        memset(p, j->pattern[0], (size_t)n * j->size);
        return;
    }
    switch (j->size) {
    case 2: { uint16_t v; memcpy(&v, j->pattern, 2); fill_u16((uint16_t *)(void *)p, n, v); break; }
    case 4: { uint32_t v; memcpy(&v, j->pattern, 4); fill_u32((uint32_t *)(void *)p, n, v); break; }
    case 8: { uint64_t v; memcpy(&v, j->pattern, 8); fill_u64((uint64_t *)(void *)p, n, v); break; }
    default: {
        uint64_t v[2];
        memcpy(v, j->pattern, 16);
        fill_pair((uint64_t *)(void *)p, n, v[0], v[1]);
        break;
    }
    }
}

void ndapy_fill_pattern(void *dst, int64_t n, size_t size, const void *pattern, int threads)
{
    fill_job j = {.dst = dst, .size = size, .n = n, .uniform = 1};
    memcpy(j.pattern, pattern, size);
    for (size_t b = 1; b < size; b++)
        j.uniform &= j.pattern[b] == j.pattern[0];
    int64_t bytes = n * (int64_t)size, pieces = 1;
    if (threads > 1 && bytes >= FILL_PARALLEL_BYTES) {
        pieces = bytes / FILL_PIECE_BYTES;
        if (pieces > (int64_t)threads * 4)
            pieces = (int64_t)threads * 4;
        if (pieces > FILL_MAX_PIECES)
            pieces = FILL_MAX_PIECES;
    }
    int64_t line = 64 / (int64_t)size;
    j.step = ((n + pieces - 1) / pieces + line - 1) / line * line;
    nda_host_parallel_for(fill_piece, &j, (n + j.step - 1) / j.step, pieces > 1 ? threads : 1);
}
