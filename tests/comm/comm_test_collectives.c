/* barrier, allgather, allgatherv, alltoall, alltoallv (blocking and
 * started, with ialltoallv/wait) and bcast: uneven and empty blocks,
 * displacements with gaps (which must keep their bytes), offsets inside
 * the buffers. */
#define _XOPEN_SOURCE 700
#include "tests/comm/comm_test.h"

static void allgather(tctx *t, size_t nbytes)
{
    size_t soff = 8, roff = 16, rcap = roff + nbytes * (size_t)t->size + 32;
    unsigned char *host = malloc(rcap + nbytes + 8);
    void *sb = dev_alloc(t, soff + nbytes + 8), *rb = dev_alloc(t, rcap);
    char label[64];

    for (size_t i = 0; i < nbytes; i++)
        host[i] = pat(t->rank, 40, i);
    dev_put(t, sb, soff, host, nbytes);
    CHECK_OK(t->ops->allgather(t->comm, &t->q, nbytes ? sb : NULL, soff, nbytes,
                               nbytes ? rb : NULL, roff));
    dev_get(t, rb, 0, host, rcap);
    CHECK(all_guard("allgather: before", host, roff));
    for (int r = 0; r < t->size; r++) {
        snprintf(label, sizeof label, "allgather %zu: block %d", nbytes, r);
        CHECK(same_pat(label, host + roff + (size_t)r * nbytes, nbytes, r, 40));
    }
    CHECK(all_guard("allgather: after", host + roff + nbytes * (size_t)t->size, 32));
    dev_free(t, sb);
    dev_free(t, rb);
    free(host);
}

/* Rank r sends 5r + 3 bytes (rank 0 none); block r lands after a 4-byte
 * gap following block r - 1. */
static void allgatherv(tctx *t)
{
    size_t *rbytes = calloc((size_t)t->size, sizeof *rbytes);
    size_t *rdispl = calloc((size_t)t->size, sizeof *rdispl);
    size_t end = 4, sbytes, rcap;
    unsigned char *host;
    void *sb, *rb;
    char label[64];

    for (int r = 0; r < t->size; r++) {
        rbytes[r] = r == 0 ? 0 : 5 * (size_t)r + 3;
        rdispl[r] = end;
        end += rbytes[r] + 4;
    }
    sbytes = rbytes[t->rank];
    rcap = 12 + end;
    host = malloc(rcap + 64);
    sb = dev_alloc(t, 64);
    rb = dev_alloc(t, rcap);
    for (size_t i = 0; i < sbytes; i++)
        host[i] = pat(t->rank, 41, i);
    dev_put(t, sb, 8, host, sbytes);
    CHECK_OK(t->ops->allgatherv(t->comm, &t->q, sb, 8, sbytes, rb, 12, rbytes, rdispl));
    dev_get(t, rb, 0, host, rcap);
    CHECK(all_guard("allgatherv: before", host, 12 + rdispl[0]));
    for (int r = 0; r < t->size; r++) {
        size_t at = 12 + rdispl[r];
        snprintf(label, sizeof label, "allgatherv: block %d", r);
        CHECK(same_pat(label, host + at, rbytes[r], r, 41));
        snprintf(label, sizeof label, "allgatherv: gap after block %d", r);
        CHECK(all_guard(label, host + at + rbytes[r], 4));
    }
    dev_free(t, sb);
    dev_free(t, rb);
    free(host);
    free(rbytes);
    free(rdispl);
}

static void alltoall(tctx *t, size_t nbytes)
{
    size_t total = nbytes * (size_t)t->size;
    unsigned char *host = malloc(total + 64);
    void *sb = dev_alloc(t, total + 16), *rb = dev_alloc(t, total + 16);
    char label[64];

    for (int j = 0; j < t->size; j++)
        for (size_t i = 0; i < nbytes; i++)
            host[(size_t)j * nbytes + i] = pat(t->rank, 50 + j, i);
    dev_put(t, sb, 4, host, total);
    CHECK_OK(t->ops->alltoall(t->comm, &t->q, sb, 4, nbytes, rb, 8));
    dev_get(t, rb, 0, host, total + 16);
    CHECK(all_guard("alltoall: before", host, 8));
    for (int i = 0; i < t->size; i++) {
        snprintf(label, sizeof label, "alltoall %zu: from %d", nbytes, i);
        CHECK(same_pat(label, host + 8 + (size_t)i * nbytes, nbytes, i, 50 + t->rank));
    }
    CHECK(all_guard("alltoall: after", host + 8 + total, 8));
    dev_free(t, sb);
    dev_free(t, rb);
    free(host);
}

/* Bytes rank i sends rank j (some pairs none). */
static size_t a2av_size(int i, int j) { return (size_t)((i + 2 * j + 1) % 5) * 3; }

/* One alltoallv's buffers: rank i sends rank j a2av_size(i, j) bytes of
 * pattern (i, 100 + j + salt); blocks are separated by guard gaps. */
typedef struct a2av_case {
    size_t *sbytes, *sdispl, *rbytes, *rdispl;
    size_t send_end, recv_end;
    void *sb, *rb;
    int salt;
} a2av_case;

/* A halo-like pattern: the ranks but rank 1 exchange with each other,
 * rank 1 sends and receives nothing (its send and receive sides are both
 * empty; with 2 ranks, only rank 0 sends itself a block). */
static size_t a2av_idle_size(int i, int j) { return i != 1 && j != 1 ? 5 : 0; }

static void a2av_setup_sized(tctx *t, a2av_case *c, int salt, size_t (*size)(int, int))
{
    size_t n = (size_t)t->size;
    unsigned char *host;

    c->salt = salt;
    c->sbytes = calloc(n, sizeof(size_t));
    c->sdispl = calloc(n, sizeof(size_t));
    c->rbytes = calloc(n, sizeof(size_t));
    c->rdispl = calloc(n, sizeof(size_t));
    c->send_end = 0;
    c->recv_end = 2;
    for (int j = 0; j < t->size; j++) {
        c->sbytes[j] = size(t->rank, j) + (size_t)salt;
        c->sdispl[j] = c->send_end;
        c->send_end += c->sbytes[j] + 1;
        c->rbytes[j] = size(j, t->rank) + (size_t)salt;
        c->rdispl[j] = c->recv_end;
        c->recv_end += c->rbytes[j] + 2;
    }
    host = malloc(c->send_end + 16);
    c->sb = dev_alloc(t, c->send_end + 1);
    c->rb = dev_alloc(t, c->recv_end + 1);
    memset(host, GUARD, c->send_end);
    for (int j = 0; j < t->size; j++)
        for (size_t k = 0; k < c->sbytes[j]; k++)
            host[c->sdispl[j] + k] = pat(t->rank, 100 + j + salt, k);
    dev_put(t, c->sb, 0, host, c->send_end);
    free(host);
}

static void a2av_setup(tctx *t, a2av_case *c, int salt) { a2av_setup_sized(t, c, salt, a2av_size); }

/* Checks the received blocks and the gaps, and frees the case. */
static void a2av_check(tctx *t, a2av_case *c, const char *what)
{
    unsigned char *host = malloc(c->recv_end + 16);
    char label[96];

    dev_get(t, c->rb, 0, host, c->recv_end);
    snprintf(label, sizeof label, "%s: before", what);
    CHECK(all_guard(label, host, c->rdispl[0]));
    for (int i = 0; i < t->size; i++) {
        snprintf(label, sizeof label, "%s: from %d", what, i);
        CHECK(same_pat(label, host + c->rdispl[i], c->rbytes[i], i, 100 + t->rank + c->salt));
        snprintf(label, sizeof label, "%s: gap after %d", what, i);
        CHECK(all_guard(label, host + c->rdispl[i] + c->rbytes[i], 2));
    }
    dev_free(t, c->sb);
    dev_free(t, c->rb);
    free(host);
    free(c->sbytes);
    free(c->sdispl);
    free(c->rbytes);
    free(c->rdispl);
}

static int a2av_call(tctx *t, a2av_case *c)
{
    return t->ops->alltoallv(t->comm, &t->q, c->sb, 0, c->sbytes, c->sdispl, c->rb, 0, c->rbytes,
                             c->rdispl);
}

static int a2av_start(tctx *t, a2av_case *c, void **req)
{
    return t->ops->ialltoallv(t->comm, &t->q, c->sb, 0, c->sbytes, c->sdispl, c->rb, 0,
                              c->rbytes, c->rdispl, req);
}

static void alltoallv(tctx *t)
{
    a2av_case c;

    a2av_setup(t, &c, 0);
    CHECK_OK(a2av_call(t, &c));
    a2av_check(t, &c, "alltoallv");
    /* A rank with nothing to send or receive among ranks that exchange
     * (Open MPI's non-blocking alltoallv took equal empty send and receive
     * buffers for MPI_IN_PLACE and hung on 3 ranks). */
    a2av_setup_sized(t, &c, 0, a2av_idle_size);
    CHECK_OK(a2av_call(t, &c));
    a2av_check(t, &c, "alltoallv, rank 1 idle");
}

/* ialltoallv/wait (abi 2): two exchanges in flight at once, waited for in
 * the other order, with device work queued between start and wait (a copy
 * into an unrelated buffer) and a collective (barrier) meanwhile; then an
 * exchange with nothing to move. */
static void ialltoallv(tctx *t)
{
    a2av_case c1, c2;
    unsigned char other[64], back[64];
    void *r1 = NULL, *r2 = NULL, *ob;

    if (t->ops->abi_version < 2 || t->ops->ialltoallv == NULL || t->ops->wait == NULL) {
        CHECK(t->ops->abi_version < 2);
        return;
    }
    a2av_setup(t, &c1, 0);
    a2av_setup(t, &c2, 3);
    ob = dev_alloc(t, sizeof other);
    CHECK_OK(a2av_start(t, &c1, &r1));
    CHECK(r1 != NULL);
    CHECK_OK(a2av_start(t, &c2, &r2));
    CHECK(r2 != NULL);
    for (size_t i = 0; i < sizeof other; i++)
        other[i] = pat(t->rank, 7, i);
    dev_put(t, ob, 0, other, sizeof other);
    CHECK_OK(t->ops->barrier(t->comm));
    CHECK_OK(t->ops->wait(t->comm, r2));
    CHECK_OK(t->ops->wait(t->comm, r1));
    dev_get(t, ob, 0, back, sizeof back);
    CHECK(memcmp(back, other, sizeof other) == 0);
    a2av_check(t, &c1, "ialltoallv 1");
    a2av_check(t, &c2, "ialltoallv 2");
    dev_free(t, ob);
    a2av_setup_sized(t, &c1, 0, a2av_idle_size);
    CHECK_OK(a2av_start(t, &c1, &r1));
    CHECK_OK(t->ops->wait(t->comm, r1));
    a2av_check(t, &c1, "ialltoallv, rank 1 idle");
    /* An exchange with nothing to move still makes a request. */
    {
        size_t *z = calloc(2 * (size_t)t->size, sizeof(size_t));
        void *r = NULL;
        CHECK_OK(t->ops->ialltoallv(t->comm, &t->q, NULL, 0, z, z + t->size, NULL, 0, z,
                                    z + t->size, &r));
        CHECK(r != NULL);
        CHECK_OK(t->ops->wait(t->comm, r));
        free(z);
    }
}

static void bcast(tctx *t)
{
    int root = t->size - 1;
    unsigned char host[1234 + 32];
    void *b = dev_alloc(t, 1234 + 32);

    if (t->rank == root) {
        for (size_t i = 0; i < 1234; i++)
            host[i] = pat(root, 60, i);
        dev_put(t, b, 16, host, 1234);
    }
    CHECK_OK(t->ops->bcast(t->comm, &t->q, b, 16, 1234, root));
    dev_get(t, b, 0, host, 1234 + 32);
    CHECK(all_guard("bcast: before", host, 16));
    CHECK(same_pat("bcast", host + 16, 1234, root, 60));
    CHECK(all_guard("bcast: after", host + 16 + 1234, 16));
    CHECK_OK(t->ops->bcast(t->comm, &t->q, NULL, 0, 0, 0));
    dev_free(t, b);
}

void test_collectives(tctx *t)
{
    CHECK_OK(t->ops->barrier(t->comm));
    allgather(t, 13);
    allgather(t, 0);
    allgather(t, 5000);
    allgatherv(t);
    alltoall(t, 7);
    alltoall(t, 0);
    alltoallv(t);
    ialltoallv(t);
    bcast(t);
}
