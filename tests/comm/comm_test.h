/* The comm plugin conformance test (one program per MPI rank; see
 * run_comm_test.sh): every member of nda/comm.h's table against values
 * computed on the host, on one plugin and one device. Shared by the files
 * of the test. */
#ifndef NDA_COMM_TEST_H
#define NDA_COMM_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "nda/comm.h"
#include "tests/c/test_util.h"

/* What every byte of a fresh device buffer holds: checks that bytes
 * outside a transfer's ranges were left alone. */
#define GUARD 0xA5

typedef struct tctx {
    const char *plugin;
    const nda_comm_ops *ops;
    void *comm;
    nda_comm_queue q;
    int rank, size;
    int nccl; /* the plugin is "nccl" (on the fake libnccl) */
} tctx;

/* Device buffers through the queue's backend; n may be 0. dev_alloc fills
 * the buffer with GUARD. Failures are fatal (the test cannot go on). */
void *dev_alloc(tctx *t, size_t n);
void dev_free(tctx *t, void *h);
void dev_put(tctx *t, void *h, size_t off, const void *src, size_t n);
void dev_get(tctx *t, void *h, size_t off, void *dst, size_t n);

/* The byte that rank r sends at position i of message m. */
unsigned char pat(int r, int m, size_t i);
/* Whether host bytes [0, n) equal pat(r, m, i) (1) and, when it differs,
 * prints where (label names the check). */
int same_pat(const char *label, const unsigned char *got, size_t n, int r, int m);
/* Whether [0, n) are all GUARD. */
int all_guard(const char *label, const unsigned char *got, size_t n);
/* Whether the current error message contains `part` (prints it if not). */
int msg_has(const char *part);

/* NCCL calls made by the fake libnccl so far (-1 when not on the fake). */
long fake_nccl_calls(tctx *t);

void test_p2p(tctx *t);
void test_collectives(tctx *t);
void test_allreduce(tctx *t);
void test_agreement(tctx *t);
void test_subcomm(tctx *t);
/* "abort" and "copyfail": a rank ends the job; returns only on a bug. */
int run_fault_mode(tctx *t, const char *mode);

#endif
