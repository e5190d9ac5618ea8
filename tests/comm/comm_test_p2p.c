/* send, recv and sendrecv: rings with uneven sizes, a non-periodic halo
 * exchange, empty messages, messages split in pieces, a rank sending to
 * itself, and the errors a rank detects on its own. */
#define _XOPEN_SOURCE 700
#include "tests/comm/comm_test.h"

/* Every rank sends 1000 + 37 * rank bytes to the next and receives from
 * the previous; ranges start inside their buffers, and the bytes around
 * them must not change. */
static void ring(tctx *t)
{
    int dest = (t->rank + 1) % t->size, src = (t->rank + t->size - 1) % t->size;
    size_t sbytes = 1000 + 37 * (size_t)t->rank, rbytes = 1000 + 37 * (size_t)src;
    size_t soff = 24, roff = 40, scap = soff + sbytes + 64, rcap = roff + rbytes + 64;
    unsigned char *host = malloc(scap > rcap ? scap : rcap);
    void *sb = dev_alloc(t, scap), *rb = dev_alloc(t, rcap);

    for (size_t i = 0; i < sbytes; i++)
        host[i] = pat(t->rank, 1, i);
    dev_put(t, sb, soff, host, sbytes);
    CHECK_OK(t->ops->sendrecv(t->comm, &t->q, sb, soff, sbytes, dest, rb, roff, rbytes, src, 3));
    dev_get(t, rb, 0, host, rcap);
    CHECK(all_guard("ring: before", host, roff));
    CHECK(same_pat("ring: received", host + roff, rbytes, src, 1));
    CHECK(all_guard("ring: after", host + roff + rbytes, rcap - roff - rbytes));
    dev_get(t, sb, soff, host, sbytes);
    CHECK(same_pat("ring: send buffer kept", host, sbytes, t->rank, 1));
    dev_free(t, sb);
    dev_free(t, rb);
    free(host);
}

/* Row blocks of a grid exchanging one halo row with each neighbour, no
 * wrap-around (-1 = no neighbour), through one buffer per rank:
 * rows 0 and 3 are halos, rows 1 and 2 owned. */
static void halo(tctx *t)
{
    const size_t row = 96;
    int up = t->rank > 0 ? t->rank - 1 : -1, down = t->rank + 1 < t->size ? t->rank + 1 : -1;
    unsigned char host[4 * 96];
    void *g = dev_alloc(t, 4 * row);

    for (size_t i = 0; i < row; i++) {
        host[i] = host[3 * row + i] = GUARD;
        host[row + i] = pat(t->rank, 10, i);     /* first owned row */
        host[2 * row + i] = pat(t->rank, 11, i); /* last owned row */
    }
    dev_put(t, g, 0, host, 4 * row);
    /* Send the last owned row down, receive the top halo from above; then
     * the reverse. */
    CHECK_OK(t->ops->sendrecv(t->comm, &t->q, g, 2 * row, row, down, g, 0, row, up, 4));
    CHECK_OK(t->ops->sendrecv(t->comm, &t->q, g, row, row, up, g, 3 * row, row, down, 5));
    dev_get(t, g, 0, host, 4 * row);
    if (up >= 0)
        CHECK(same_pat("halo: top", host, row, up, 11));
    else
        CHECK(all_guard("halo: no top neighbour", host, row));
    if (down >= 0)
        CHECK(same_pat("halo: bottom", host + 3 * row, row, down, 10));
    else
        CHECK(all_guard("halo: no bottom neighbour", host + 3 * row, row));
    CHECK(same_pat("halo: owned", host + row, row, t->rank, 10));
    dev_free(t, g);
}

/* Empty messages still match (NULL buffers allowed), and pass nothing. */
static void empty(tctx *t)
{
    int dest = (t->rank + 1) % t->size, src = (t->rank + t->size - 1) % t->size;
    CHECK_OK(t->ops->sendrecv(t->comm, &t->q, NULL, 0, 0, dest, NULL, 0, 0, src, 6));
    CHECK_OK(t->ops->sendrecv(t->comm, &t->q, NULL, 0, 0, -1, NULL, 0, 0, -1, 6));
}

/* Rank 0 sends rank 1 three messages (100 bytes, empty, and 9000 bytes:
 * three 4096-byte pieces); rank 1 receives them in order. */
static void pairs(tctx *t)
{
    unsigned char host[9000];
    void *b;

    if (t->size < 2 || t->rank > 1)
        return;
    b = dev_alloc(t, 9000);
    if (t->rank == 0) {
        for (size_t i = 0; i < 9000; i++)
            host[i] = pat(0, 20, i);
        dev_put(t, b, 0, host, 9000);
        CHECK_OK(t->ops->send(t->comm, &t->q, b, 0, 100, 1, 7));
        CHECK_OK(t->ops->send(t->comm, &t->q, NULL, 0, 0, 1, 8));
        CHECK_OK(t->ops->send(t->comm, &t->q, b, 0, 9000, 1, 9));
    } else {
        CHECK_OK(t->ops->recv(t->comm, &t->q, b, 0, 100, 0, 7));
        dev_get(t, b, 0, host, 101);
        CHECK(same_pat("pairs: 100 bytes", host, 100, 0, 20));
        CHECK(host[100] == GUARD);
        CHECK_OK(t->ops->recv(t->comm, &t->q, NULL, 0, 0, 0, 8));
        CHECK_OK(t->ops->recv(t->comm, &t->q, b, 0, 9000, 0, 9));
        dev_get(t, b, 0, host, 9000);
        CHECK(same_pat("pairs: 9000 bytes", host, 9000, 0, 20));
    }
    dev_free(t, b);
}

/* sendrecv to and from this rank itself (a periodic boundary on 1 rank). */
static void self(tctx *t)
{
    unsigned char host[600];
    void *b = dev_alloc(t, 600);

    for (size_t i = 0; i < 300; i++)
        host[i] = pat(t->rank, 30, i);
    dev_put(t, b, 0, host, 300);
    CHECK_OK(t->ops->sendrecv(t->comm, &t->q, b, 0, 300, t->rank, b, 300, 300, t->rank, 10));
    dev_get(t, b, 0, host, 600);
    CHECK(same_pat("self: received", host + 300, 300, t->rank, 30));
    dev_free(t, b);
}

/* Errors found locally (nothing is sent, so no peer waits). */
static void local_errors(tctx *t)
{
    void *b = dev_alloc(t, 64);

    CHECK_RC(t->ops->send(t->comm, &t->q, b, 0, 8, t->size, 0), NDA_EVALUE);
    CHECK(msg_has("outside"));
    CHECK_RC(t->ops->send(t->comm, &t->q, b, 0, 8, t->rank, 0), NDA_EVALUE);
    CHECK_RC(t->ops->recv(t->comm, &t->q, b, 0, 8, -1, 0), NDA_EVALUE);
    CHECK_RC(t->ops->sendrecv(t->comm, &t->q, b, 0, 8, t->rank, b, 8, 8, t->rank, 40000),
             NDA_EVALUE);
    CHECK(msg_has("tag"));
    CHECK_RC(t->ops->sendrecv(t->comm, &t->q, b, 0, 8, t->rank, NULL, 0, 8, t->rank, 0),
             NDA_EVALUE);
    CHECK(msg_has("NULL"));
    CHECK_RC(t->ops->sendrecv(t->comm, &t->q, b, 0, 16, t->rank, b, 8, 16, t->rank, 0),
             NDA_EVALUE);
    CHECK(msg_has("overlap"));
    dev_free(t, b);
}

/* A receive must name the sender's byte count (MPI tells; NCCL cannot). */
static void size_mismatch(tctx *t)
{
    void *b;

    if (t->nccl || t->size < 2 || t->rank > 1)
        return;
    b = dev_alloc(t, 256);
    if (t->rank == 0) {
        CHECK_OK(t->ops->send(t->comm, &t->q, b, 0, 100, 1, 11));
        CHECK_OK(t->ops->send(t->comm, &t->q, b, 0, 100, 1, 12));
    } else {
        CHECK_RC(t->ops->recv(t->comm, &t->q, b, 0, 50, 0, 11), NDA_EVALUE);
        CHECK(msg_has("more than the 50 bytes"));
        CHECK_RC(t->ops->recv(t->comm, &t->q, b, 0, 200, 0, 12), NDA_EVALUE);
        CHECK(msg_has("fewer than the 200 bytes"));
    }
    dev_free(t, b);
}

void test_p2p(tctx *t)
{
    ring(t);
    halo(t);
    empty(t);
    pairs(t);
    self(t);
    local_errors(t);
    size_mismatch(t);
    CHECK_OK(t->ops->barrier(t->comm));
}
