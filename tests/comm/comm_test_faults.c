/* Fault modes: the last rank fails where its peers are blocked, and the
 * job must end (MPI_Abort) with that rank's message instead of hanging.
 * run_comm_test.sh runs them under a timeout and checks the message.
 *
 *   abort     the last rank calls abort() while the others wait in a
 *             barrier that would never complete;
 *   copyfail  the last rank's device refuses to take the result of an
 *             allreduce (copy_to_device fails after the data moved), so
 *             the plugin must end the job: its peers may already be in
 *             the next collective. On "nccl" the reduction is one NCCL
 *             lacks (int16), which goes through the host-staged path. */
#define _XOPEN_SOURCE 700
#include "tests/comm/comm_test.h"

static const nda_backend_ops *g_real;

static int failing_copy_to_device(int dev, void *dst, size_t off, const void *src, size_t n)
{
    (void)dev;
    (void)dst;
    (void)off;
    (void)src;
    (void)n;
    return nda_error_set(NDA_EBACKEND, "injected copy failure");
}

int run_fault_mode(tctx *t, const char *mode)
{
    int last = t->rank == t->size - 1;

    if (strcmp(mode, "abort") == 0) {
        if (last)
            t->ops->abort(t->comm, "rank gives up on purpose");
        t->ops->barrier(t->comm);
        fprintf(stderr, "rank %d: the barrier returned after a rank aborted\n", t->rank);
        return 1;
    }
    if (strcmp(mode, "copyfail") == 0) {
        static nda_backend_ops broken;
        nda_comm_queue q = t->q;
        int16_t v[4] = {1, 2, 3, 4};
        void *b = dev_alloc(t, sizeof v);
        int rc;

        dev_put(t, b, 0, v, sizeof v);
        g_real = t->q.ops;
        if (last) {
            broken = *g_real;
            broken.copy_to_device = failing_copy_to_device;
            q.ops = &broken;
        }
        rc = t->ops->allreduce(t->comm, &q, b, 0, b, 0, 4, NDA_INT16, NDA_COMM_SUM);
        /* The peers carry on into another collective. */
        if (!last)
            t->ops->barrier(t->comm);
        fprintf(stderr, "rank %d: allreduce returned %d (%s) after a failed copy\n", t->rank,
                rc, nda_error_message());
        return 1;
    }
    fprintf(stderr, "unknown mode '%s'\n", mode);
    return 2;
}
