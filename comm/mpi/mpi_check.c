/* Argument checks of the comm members (mpi_engine.h), shared by the mpi
 * and nccl plugins. Each failure is reported as "<what>: ..." so that the
 * agreement that follows hands every rank a message naming the call. */
#include "comm/mpi/mpi_engine.h"

#include <stdlib.h>
#include <string.h>

int nda_mpi_check_queue(const char *what, const nda_comm_queue *q)
{
    if (q == NULL || q->ops == NULL)
        return nda_mpi_fail(NDA_EVALUE, "%s: no device queue given", what);
    if (q->ops->copy_to_host == NULL || q->ops->copy_to_device == NULL ||
        q->ops->copy_device == NULL || q->ops->synchronize == NULL)
        return nda_mpi_fail(NDA_EVALUE, "%s: the %s backend cannot copy device memory", what,
                            q->ops->name ? q->ops->name : "(unnamed)");
    if (q->dev < 0)
        return nda_mpi_fail(NDA_EVALUE, "%s: device index %d", what, q->dev);
    return NDA_OK;
}

int nda_mpi_check_buffer(const char *what, const char *name, const void *buf, size_t off,
                         size_t nbytes)
{
    if (nbytes > 0 && buf == NULL)
        return nda_mpi_fail(NDA_EVALUE, "%s: %s is NULL but %zu bytes long", what, name, nbytes);
    if (off + nbytes < off)
        return nda_mpi_fail(NDA_EVALUE, "%s: %s: offset %zu + %zu bytes overflows", what, name,
                            off, nbytes);
    return NDA_OK;
}

int nda_mpi_ranges_overlap(const void *a, size_t aoff, size_t an, const void *b, size_t boff,
                           size_t bn)
{
    return a != NULL && a == b && an > 0 && bn > 0 && aoff < boff + bn && boff < aoff + an;
}

int nda_mpi_check_peer(const char *what, const nda_mpi_comm *c, int peer, int allow_none)
{
    if (allow_none && peer == -1)
        return NDA_OK;
    if (peer < 0 || peer >= c->size)
        return nda_mpi_fail(NDA_EVALUE, "%s: rank %d is outside 0..%d", what, peer, c->size - 1);
    return NDA_OK;
}

int nda_mpi_check_tag(const char *what, int tag)
{
    if (tag < 0 || tag > 32767)
        return nda_mpi_fail(NDA_EVALUE, "%s: tag %d is outside 0..32767", what, tag);
    return NDA_OK;
}

typedef struct nda_mpi_block {
    size_t at, n;
    int rank;
} nda_mpi_block;

static int nda_mpi_block_cmp(const void *x, const void *y)
{
    const nda_mpi_block *a = x, *b = y;
    return a->at < b->at ? -1 : a->at > b->at;
}

/* Receive blocks (bytes[r] at displ[r], r < n): inside size_t, disjoint,
 * apart from [sbuf + soff, + sbytes) when rbuf is the same buffer;
 * *extent: the end of the last non-empty block. */
static int nda_mpi_check_blocks(const char *what, const char *name, int n, const void *sbuf,
                                size_t soff, size_t sbytes, const void *rbuf, size_t roff,
                                const size_t *bytes, const size_t *displ, size_t *extent)
{
    nda_mpi_block *b;
    int nb = 0, rc = NDA_OK;

    *extent = 0;
    if (bytes == NULL || displ == NULL)
        return nda_mpi_fail(NDA_EVALUE, "%s: no %s sizes or displacements given", what, name);
    b = malloc(sizeof *b * (size_t)(n > 0 ? n : 1));
    if (b == NULL)
        return nda_mpi_fail(NDA_ENOMEM, "%s: out of host memory", what);
    for (int r = 0; r < n; r++) {
        if (bytes[r] == 0)
            continue;
        if (displ[r] + bytes[r] < displ[r] || roff + displ[r] + bytes[r] < roff) {
            rc = nda_mpi_fail(NDA_EVALUE, "%s: %s block %d (%zu bytes at %zu) overflows", what,
                              name, r, bytes[r], displ[r]);
            goto out;
        }
        if (nda_mpi_ranges_overlap(sbuf, soff, sbytes, rbuf, roff + displ[r], bytes[r])) {
            rc = nda_mpi_fail(NDA_EVALUE, "%s: the send range overlaps %s block %d", what, name,
                              r);
            goto out;
        }
        if (displ[r] + bytes[r] > *extent)
            *extent = displ[r] + bytes[r];
        b[nb++] = (nda_mpi_block){displ[r], bytes[r], r};
    }
    if (rbuf == NULL && *extent > 0) {
        rc = nda_mpi_fail(NDA_EVALUE, "%s: the receive buffer is NULL but %zu bytes long", what,
                          *extent);
        goto out;
    }
    qsort(b, (size_t)nb, sizeof *b, nda_mpi_block_cmp);
    for (int i = 1; i < nb; i++)
        if (b[i].at < b[i - 1].at + b[i - 1].n) {
            rc = nda_mpi_fail(NDA_EVALUE, "%s: %s blocks %d and %d overlap", what, name,
                              b[i - 1].rank, b[i].rank);
            goto out;
        }
out:
    free(b);
    return rc;
}

int nda_mpi_check_gatherv(const char *what, const nda_mpi_comm *c, const void *sbuf,
                          size_t soff, size_t sbytes, const void *rbuf, size_t roff,
                          const size_t *rbytes, const size_t *rdispl, size_t *extent)
{
    int rc;

    *extent = 0;
    if ((rc = nda_mpi_check_buffer(what, "the send buffer", sbuf, soff, sbytes)) != NDA_OK)
        return rc;
    if (rbytes != NULL && rbytes[c->rank] != sbytes)
        return nda_mpi_fail(NDA_EVALUE, "%s: this rank sends %zu bytes but its receive size "
                            "(rbytes[%d]) is %zu", what, sbytes, c->rank, rbytes[c->rank]);
    return nda_mpi_check_blocks(what, "receive", c->size, sbuf, soff, sbytes, rbuf, roff, rbytes,
                                rdispl, extent);
}

int nda_mpi_check_alltoallv(const char *what, const nda_mpi_comm *c, const void *sbuf,
                            size_t soff, const size_t *sbytes, const size_t *sdispl,
                            const void *rbuf, size_t roff, const size_t *rbytes,
                            const size_t *rdispl, size_t *sextent, size_t *rextent)
{
    int rc;

    *sextent = *rextent = 0;
    if (sbytes == NULL || sdispl == NULL)
        return nda_mpi_fail(NDA_EVALUE, "%s: no send sizes or displacements given", what);
    for (int j = 0; j < c->size; j++) {
        if (sbytes[j] == 0)
            continue;
        if (sdispl[j] + sbytes[j] < sdispl[j] || soff + sdispl[j] + sbytes[j] < soff)
            return nda_mpi_fail(NDA_EVALUE, "%s: send block %d (%zu bytes at %zu) overflows",
                                what, j, sbytes[j], sdispl[j]);
        if (sdispl[j] + sbytes[j] > *sextent)
            *sextent = sdispl[j] + sbytes[j];
    }
    if ((rc = nda_mpi_check_buffer(what, "the send buffer", sbuf, soff, *sextent)) != NDA_OK)
        return rc;
    return nda_mpi_check_blocks(what, "receive", c->size, sbuf, soff, *sextent, rbuf, roff,
                                rbytes, rdispl, rextent);
}

int nda_mpi_exchange_counts(const char *what, nda_mpi_comm *c, int status, const size_t *sbytes,
                            const size_t *rbytes)
{
    uint64_t *out = malloc(sizeof *out * 2 * (size_t)c->size), *in;
    int rc;

    if (out == NULL)
        nda_mpi_abort(c->comm, "%s: out of host memory for %d counts", what, c->size);
    in = out + c->size;
    /* UINT64_MAX: "this rank has failed already, compare nothing". */
    for (int j = 0; j < c->size; j++)
        out[j] = status == NDA_OK ? (uint64_t)sbytes[j] : UINT64_MAX;
    MPI_Request req;
    rc = nda_mpi_finish(MPI_Ialltoall(out, 1, MPI_UINT64_T, in, 1, MPI_UINT64_T, c->comm, &req),
                        &req);
    if (rc != MPI_SUCCESS) {
        nda_mpi_fail_call(rc, "MPI_Ialltoall");
        nda_mpi_abort(c->comm, "%s: exchanging sizes: %s", what, nda_mpi_message());
    }
    for (int i = 0; status == NDA_OK && i < c->size; i++)
        if (in[i] != UINT64_MAX && in[i] != (uint64_t)rbytes[i])
            status = nda_mpi_fail(NDA_EVALUE, "%s: rank %d sends %llu bytes to rank %d, which "
                                  "expects %zu (rbytes[%d])", what, i,
                                  (unsigned long long)in[i], c->rank, rbytes[i], i);
    free(out);
    return status;
}

int64_t nda_mpi_digest(const size_t *v, int n)
{
    uint64_t h = UINT64_C(14695981039346656037);

    for (int i = 0; v != NULL && i < n; i++)
        for (int k = 0; k < 8; k++) {
            h ^= ((uint64_t)v[i] >> (8 * k)) & 0xffu;
            h *= UINT64_C(1099511628211);
        }
    return (int64_t)h;
}
