/* barrier, allgather, allgatherv, alltoall, alltoallv and bcast: uneven
 * and empty blocks, displacements with gaps (which must keep their bytes),
 * offsets inside the buffers. */
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

static void alltoallv(tctx *t)
{
    size_t n = (size_t)t->size;
    size_t *sbytes = calloc(n, sizeof(size_t)), *sdispl = calloc(n, sizeof(size_t));
    size_t *rbytes = calloc(n, sizeof(size_t)), *rdispl = calloc(n, sizeof(size_t));
    size_t send_end = 0, recv_end = 2;
    unsigned char *host;
    void *sb, *rb;
    char label[64];

    for (int j = 0; j < t->size; j++) {
        sbytes[j] = a2av_size(t->rank, j);
        sdispl[j] = send_end;
        send_end += sbytes[j] + 1;
        rbytes[j] = a2av_size(j, t->rank);
        rdispl[j] = recv_end;
        recv_end += rbytes[j] + 2;
    }
    host = malloc(send_end + recv_end + 16);
    sb = dev_alloc(t, send_end + 1);
    rb = dev_alloc(t, recv_end + 1);
    memset(host, GUARD, send_end);
    for (int j = 0; j < t->size; j++)
        for (size_t k = 0; k < sbytes[j]; k++)
            host[sdispl[j] + k] = pat(t->rank, 100 + j, k);
    dev_put(t, sb, 0, host, send_end);
    CHECK_OK(t->ops->alltoallv(t->comm, &t->q, sb, 0, sbytes, sdispl, rb, 0, rbytes, rdispl));
    dev_get(t, rb, 0, host, recv_end);
    CHECK(all_guard("alltoallv: before", host, rdispl[0]));
    for (int i = 0; i < t->size; i++) {
        snprintf(label, sizeof label, "alltoallv: from %d", i);
        CHECK(same_pat(label, host + rdispl[i], rbytes[i], i, 100 + t->rank));
        snprintf(label, sizeof label, "alltoallv: gap after %d", i);
        CHECK(all_guard(label, host + rdispl[i] + rbytes[i], 2));
    }
    dev_free(t, sb);
    dev_free(t, rb);
    free(host);
    free(sbytes);
    free(sdispl);
    free(rbytes);
    free(rdispl);
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
    bcast(t);
}
