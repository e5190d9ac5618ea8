#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "nda/host_threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

enum { MAX_HELPERS = 15 };

/* How long a helper that finished a job keeps polling for the next one
 * before it sleeps on the condition variable, in ns. Waking a sleeping
 * thread costs 5-20 us here (a futex wake and the other core's wake-up),
 * as much as the whole of a 64k-element loop; programs issue such loops
 * back to back, so the next one usually finds the helper polling. */
#define POLL_NS 50000

/* The job being run. Helpers copy (task, ctx, ntasks) under mu and count
 * themselves in `active` while they take tasks; the caller withdraws the job
 * (ntasks = 0) under mu once every task is done, then waits for `active` to
 * drop to 0 before it returns: a helper never calls a task whose ctx (the
 * caller's stack) is gone. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;
    int helpers;                 /* started so far */
    atomic_uint_fast64_t generation; /* bumped for each job (under mu) */
    int sleeping;                /* helpers waiting on `wake` */
    nda_host_task_fn task;
    void *ctx;
    int64_t ntasks;
    int want;                    /* helpers the job may use (threads - 1) */
    atomic_int joined;           /* helpers that asked to join it */
    atomic_int_fast64_t next;    /* next task index to take */
    atomic_int_fast64_t done;    /* tasks finished */
    atomic_int active;           /* helpers inside the job */
    int atfork_set;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

static void take_tasks(nda_host_task_fn task, void *ctx, int64_t ntasks)
{
    int64_t k;
    while ((k = atomic_fetch_add(&pool.next, 1)) < ntasks) {
        task(ctx, k);
        atomic_fetch_add(&pool.done, 1);
    }
}

/* One step of a busy wait: a pause, and every 1024th step a yield, so that
 * a waiter does not starve a thread it waits for on a machine with fewer
 * cores than threads. */
static void relax(unsigned *spins)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (++*spins % 1024 == 0)
        sched_yield();
}

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Polls for a generation other than `seen` for up to POLL_NS. */
static void poll_for_job(uint64_t seen)
{
    int64_t until = now_ns() + POLL_NS;
    unsigned spins = 0;
    while (atomic_load(&pool.generation) == seen) {
        relax(&spins);
        if (spins % 64 == 0 && now_ns() > until) return;
    }
}

static void *helper_main(void *arg)
{
    (void)arg;
    uint64_t seen = 0;
    for (;;) {
        poll_for_job(seen);
        pthread_mutex_lock(&pool.mu);
        while (atomic_load(&pool.generation) == seen) {
            pool.sleeping++;
            pthread_cond_wait(&pool.wake, &pool.mu);
            pool.sleeping--;
        }
        seen = atomic_load(&pool.generation);
        nda_host_task_fn task = pool.task;
        void *ctx = pool.ctx;
        int64_t ntasks = pool.ntasks;
        /* polling helpers see every job: only `want` of them join one */
        bool join = task != NULL && atomic_fetch_add(&pool.joined, 1) < pool.want;
        atomic_fetch_add(&pool.active, 1);
        pthread_mutex_unlock(&pool.mu);
        if (join)
            take_tasks(task, ctx, ntasks);
        atomic_fetch_sub(&pool.active, 1);
    }
    return NULL;
}

/* A forked child has none of the parent's helpers. */
static void reset_in_child(void)
{
    pthread_mutex_init(&pool.mu, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pool.helpers = 0;
    pool.sleeping = 0;
    pool.task = NULL;
    pool.ntasks = 0;
    atomic_store(&pool.active, 0);
}

/* Starts helpers up to `want` (under mu); keeps those that started. */
static void start_helpers(int want)
{
    if (!pool.atfork_set) {
        pthread_atfork(NULL, NULL, reset_in_child);
        pool.atfork_set = 1;
    }
    while (pool.helpers < want) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024); /* the loops need little; glibc's TLS comes out of it */
        int rc = pthread_create(&t, &attr, helper_main, NULL);
        pthread_attr_destroy(&attr);
        if (rc != 0)
            break;
        pool.helpers++;
    }
}

void nda_host_parallel_for(nda_host_task_fn task, void *ctx, int64_t ntasks, int threads)
{
    int want = threads - 1;
    if (want > MAX_HELPERS)
        want = MAX_HELPERS;
    if (want > 0 && ntasks > 1) {
        pthread_mutex_lock(&pool.mu);
        start_helpers(want);
        if (pool.helpers == 0) {
            pthread_mutex_unlock(&pool.mu);
            want = 0;
        }
    }
    if (want <= 0 || ntasks <= 1) {
        for (int64_t k = 0; k < ntasks; k++)
            task(ctx, k);
        return;
    }
    pool.task = task;
    pool.ctx = ctx;
    pool.ntasks = ntasks;
    pool.want = want;
    atomic_store(&pool.joined, 0);
    atomic_store(&pool.next, 0);
    atomic_store(&pool.done, 0);
    atomic_fetch_add(&pool.generation, 1);
    if (pool.sleeping > 0) {
        if (want >= pool.helpers)
            pthread_cond_broadcast(&pool.wake);
        else
            for (int i = 0; i < want; i++)
                pthread_cond_signal(&pool.wake);
    }
    pthread_mutex_unlock(&pool.mu);

    take_tasks(task, ctx, ntasks);
    unsigned spins = 0;
    while (atomic_load(&pool.done) < ntasks)
        relax(&spins);
    pthread_mutex_lock(&pool.mu);
    pool.task = NULL;
    pool.ntasks = 0;
    pthread_mutex_unlock(&pool.mu);
    while (atomic_load(&pool.active) > 0)
        relax(&spins);
}
