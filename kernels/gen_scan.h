/* Scan (cumulative sum / product) kernels over M rows of K contiguous
 * elements, split into P chunks of C elements per row (P = ceil(K / C)):
 *   FOLD:  part[m*P + p] = fold of chunk p of row m            (grid M*P)
 *   ROWS:  in place, each row of `part` (M rows of P) becomes its
 *          exclusive scan                                       (grid M)
 *   SCAN:  out[row m, chunk p] = inclusive scan of the chunk starting at
 *          part[m*P + p] (or the identity when has_offsets is false)
 * Sizes are arguments; the key holds op, dtypes, mode and index width. */
#ifndef NDA_GEN_SCAN_H
#define NDA_GEN_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/ops.h"
#include "kernels/strbuf.h"
#include "nda/backend.h"

#define NDA_SCAN_KERNEL_NAME "nda_scan"

typedef enum nda_scan_mode { NDA_SCAN_FOLD = 'F', NDA_SCAN_ROWS = 'R', NDA_SCAN_CHUNKS = 'S' } nda_scan_mode;

typedef struct nda_scan_spec {
    nda_scan_mode mode;
    nda_op op;          /* ADD or MULTIPLY */
    nda_dtype in_dtype; /* FOLD, SCAN: input elements; ROWS: = acc */
    nda_dtype acc;
    nda_dtype out_dtype; /* SCAN: output elements; FOLD, ROWS: = acc */
    bool has_offsets;    /* SCAN */
    /* SCAN without offsets, one chunk per row: start from the row's first
     * element instead of an identity (any binary op, e.g. subtract). */
    bool seed_first;
    bool idx64;
} nda_scan_spec;

void nda_scan_key(const nda_scan_spec *s, char *buf, size_t len);
/* Arguments: FOLD (part, in, M, K, C, P); ROWS (part, M, P);
 * SCAN (out, in, part, M, K, C, P). Indices int (idx64: long). */
int nda_scan_source(const nda_scan_spec *s, nda_dialect dialect, nda_strbuf *src);

#endif
