/* Bad input on one rank only: every rank must return the same error, none
 * may hang, and the communicator must still work afterwards. Also the
 * agree member, and a second communicator from an MPI handle. */
#define _XOPEN_SOURCE 700
#include "tests/comm/comm_test.h"

#include <mpi.h>

/* The last rank is the odd one out. */
static int odd(tctx *t) { return t->rank == t->size - 1; }

static void expect_everywhere(tctx *t, int rc, int code, const char *part)
{
    CHECKF(rc == code, "got %d (%s), want %d: %s", rc, nda_error_name(rc), code,
           nda_error_message());
    CHECK(msg_has(part));
}

/* After a failed collective the next one must work on every rank. */
static void still_works(tctx *t)
{
    int64_t v = t->rank + 1;
    void *b = dev_alloc(t, 8);

    dev_put(t, b, 0, &v, 8);
    CHECK_OK(t->ops->allreduce(t->comm, &t->q, b, 0, b, 0, 1, NDA_INT64, NDA_COMM_SUM));
    dev_get(t, b, 0, &v, 8);
    CHECK(v == (int64_t)t->size * (t->size + 1) / 2);
    dev_free(t, b);
}

void test_agreement(tctx *t)
{
    char who[64];
    size_t *rb = calloc((size_t)t->size, sizeof *rb), *rd = calloc((size_t)t->size, sizeof *rd);
    size_t *sbv = calloc((size_t)t->size, sizeof *sbv), *sdv = calloc((size_t)t->size, sizeof *sdv);
    void *b = dev_alloc(t, 4096);
    int rc;

    snprintf(who, sizeof who, "rank %d of %d: ", t->size - 1, t->size);

    /* An invalid dtype on one rank. */
    rc = t->ops->allreduce(t->comm, &t->q, b, 0, b, 0, 4, odd(t) ? (nda_dtype)99 : NDA_FLOAT64,
                           NDA_COMM_SUM);
    expect_everywhere(t, rc, NDA_ETYPE, who);
    CHECK(msg_has("invalid dtype 99"));
    still_works(t);

    /* A send range past the end of its buffer on one rank (the device
     * copy, or NCCL's address check, refuses it before anything moves). */
    rc = t->ops->allreduce(t->comm, &t->q, b, odd(t) ? 1 << 20 : 0, b, odd(t) ? 1 << 20 : 0, 4,
                           NDA_FLOAT64, NDA_COMM_SUM);
    CHECKF(rc != NDA_OK, "an out-of-range buffer passed");
    CHECK(msg_has(who));
    still_works(t);

    /* Ranks disagreeing on the count, the op, the root. */
    rc = t->ops->allreduce(t->comm, &t->q, b, 0, b, 0, odd(t) ? 12 : 10, NDA_FLOAT64,
                           NDA_COMM_SUM);
    expect_everywhere(t, rc, t->size > 1 ? NDA_EVALUE : NDA_OK,
                      t->size > 1 ? "disagree on the element count" : "");
    rc = t->ops->allreduce(t->comm, &t->q, b, 0, b, 0, 10, NDA_FLOAT64,
                           odd(t) ? NDA_COMM_MAX : NDA_COMM_SUM);
    expect_everywhere(t, rc, t->size > 1 ? NDA_EVALUE : NDA_OK,
                      t->size > 1 ? "disagree on the op" : "");
    rc = t->ops->bcast(t->comm, &t->q, b, 0, 16, odd(t) ? 0 : t->size - 1);
    expect_everywhere(t, rc, t->size > 1 ? NDA_EVALUE : NDA_OK,
                      t->size > 1 ? "disagree on the root" : "");
    rc = t->ops->bcast(t->comm, &t->q, b, 0, 16, odd(t) ? t->size : 0);
    expect_everywhere(t, rc, NDA_EVALUE, who);
    still_works(t);

    /* allgatherv: the odd rank sends a size its rbytes entry does not say. */
    for (int r = 0; r < t->size; r++) {
        rb[r] = 8;
        rd[r] = 8 * (size_t)r;
    }
    rc = t->ops->allgatherv(t->comm, &t->q, b, 2048, odd(t) ? 16 : 8, b, 0, rb, rd);
    expect_everywhere(t, rc, NDA_EVALUE, who);
    /* ... and ranks disagreeing on rbytes. */
    if (t->size > 1) {
        if (odd(t))
            rb[0] = 16;
        rc = t->ops->allgatherv(t->comm, &t->q, b, 2048, rb[t->rank], b, 0, rb, rd);
        CHECK(rc != NDA_OK);
        rb[0] = 8;
    }
    still_works(t);

    /* alltoallv: rank 0 expects the wrong size from the odd rank. */
    for (int j = 0; j < t->size; j++) {
        sbv[j] = rb[j] = 4;
        sdv[j] = rd[j] = 4 * (size_t)j;
    }
    if (t->rank == 0)
        rb[t->size - 1] = 5;
    rc = t->ops->alltoallv(t->comm, &t->q, b, 0, sbv, sdv, b, 2048, rb, rd);
    expect_everywhere(t, rc, NDA_EVALUE, "rank 0 of");
    CHECK(msg_has("expects 5"));
    still_works(t);
    if (t->ops->abi_version >= 2) { /* the same, started: nothing in flight anywhere */
        void *req = (void *)&rc;
        rc = t->ops->ialltoallv(t->comm, &t->q, b, 0, sbv, sdv, b, 2048, rb, rd, &req);
        expect_everywhere(t, rc, NDA_EVALUE, "rank 0 of");
        CHECK(msg_has("expects 5"));
        CHECK(req == NULL);
        still_works(t);
    }

    /* agree itself. */
    CHECK_OK(t->ops->agree(t->comm, NDA_OK, NULL));
    rc = t->ops->agree(t->comm, odd(t) ? NDA_EINDEX : NDA_OK, odd(t) ? "custom failure" : NULL);
    expect_everywhere(t, rc, NDA_EINDEX, who);
    CHECK(msg_has("custom failure"));
    still_works(t);

    dev_free(t, b);
    free(rb);
    free(rd);
    free(sbv);
    free(sdv);
}

/* A communicator from an MPI handle: the ranks of the same parity. */
void test_subcomm(tctx *t)
{
    MPI_Comm sub;
    void *c2 = NULL;
    int r2 = -1, n2 = -1;
    int64_t v = t->rank;
    void *b = dev_alloc(t, 8);

    CHECK_RC(t->ops->init(1000000, &t->q, &c2), NDA_EVALUE);
    CHECK(msg_has("not the handle of an MPI communicator"));
    CHECK(MPI_Comm_split(MPI_COMM_WORLD, t->rank % 2, t->rank, &sub) == MPI_SUCCESS);
    CHECK_OK(t->ops->init((int64_t)MPI_Comm_c2f(sub), &t->q, &c2));
    CHECK_OK(t->ops->rank(c2, &r2));
    CHECK_OK(t->ops->size(c2, &n2));
    CHECK(r2 == t->rank / 2);
    CHECK(n2 == (t->size - t->rank % 2 + 1) / 2);
    dev_put(t, b, 0, &v, 8);
    CHECK_OK(t->ops->allreduce(c2, &t->q, b, 0, b, 0, 1, NDA_INT64, NDA_COMM_SUM));
    dev_get(t, b, 0, &v, 8);
    {
        int64_t want = 0;
        for (int r = t->rank % 2; r < t->size; r += 2)
            want += r;
        CHECK(v == want);
    }
    t->ops->free(c2);
    MPI_Comm_free(&sub);
    dev_free(t, b);
}
