/* A small pool of helper threads for host loops on devices whose threads are
 * host cores (core/host_eval.c; python/ext's host_reduce, host_fill and
 * host_nonzero): the work of one call split into tasks that the calling
 * thread and the helpers take in turn. */
#ifndef NDA_HOST_THREADS_H
#define NDA_HOST_THREADS_H

#include <stdint.h>

typedef void (*nda_host_task_fn)(void *ctx, int64_t k);

/* Runs task(ctx, k) once for every k in [0, ntasks), on the calling thread and
 * on up to threads - 1 helpers (started at the first need, kept for the
 * process), and returns when every task has returned. Tasks are taken in
 * order by whichever thread is free, so a helper that wakes late only takes
 * fewer; they must not call Python (the GIL may be released or held by the
 * caller, helpers never take it) nor take the library lock. One call at a
 * time: the caller holds the library lock. With threads <= 1, or when no
 * helper can be started, every task runs on the calling thread. Helpers
 * poll for the next call for 50 us after each (core/host_threads.c). */
void nda_host_parallel_for(nda_host_task_fn task, void *ctx, int64_t ntasks, int threads);

#endif
