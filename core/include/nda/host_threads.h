/* A small pool of helper threads for the extension's host loops (host_reduce.c):
 * the work of one call split into tasks that the calling thread and the helpers
 * take in turn. */
#ifndef NDAPY_HOST_THREADS_H
#define NDAPY_HOST_THREADS_H

#include <stdint.h>

typedef void (*ndapy_task_fn)(void *ctx, int64_t k);

/* Runs task(ctx, k) once for every k in [0, ntasks), on the calling thread and
 * on up to threads - 1 helpers (started at the first need, kept for the
 * process), and returns when every task has returned. Tasks are taken in
 * order by whichever thread is free, so a helper that wakes late only takes
 * fewer; they must not call Python (the GIL may be released or held by the
 * caller, helpers never take it). One call at a time: the caller holds the
 * library lock (lock.h). With threads <= 1, or when no helper can be started,
 * every task runs on the calling thread. */
void ndapy_parallel_for(ndapy_task_fn task, void *ctx, int64_t ntasks, int threads);

#endif
