#include "host_threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

enum { MAX_HELPERS = 15 };

/* The job being run. Helpers copy (task, ctx, ntasks) under mu and count
 * themselves in `active` while they take tasks; the caller withdraws the job
 * (ntasks = 0) under mu once every task is done, then waits for `active` to
 * drop to 0 before it returns: a helper never calls a task whose ctx (the
 * caller's stack) is gone. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;
    int helpers;                 /* started so far */
    uint64_t generation;         /* bumped for each job */
    ndapy_task_fn task;
    void *ctx;
    int64_t ntasks;
    atomic_int_fast64_t next;    /* next task index to take */
    atomic_int_fast64_t done;    /* tasks finished */
    atomic_int active;           /* helpers inside the job */
    int atfork_set;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

static void take_tasks(ndapy_task_fn task, void *ctx, int64_t ntasks)
{
    int64_t k;
    while ((k = atomic_fetch_add(&pool.next, 1)) < ntasks) {
        task(ctx, k);
        atomic_fetch_add(&pool.done, 1);
    }
}

static void *helper_main(void *arg)
{
    (void)arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&pool.mu);
    for (;;) {
        while (pool.generation == seen)
            pthread_cond_wait(&pool.wake, &pool.mu);
        seen = pool.generation;
        ndapy_task_fn task = pool.task;
        void *ctx = pool.ctx;
        int64_t ntasks = pool.ntasks;
        atomic_fetch_add(&pool.active, 1);
        pthread_mutex_unlock(&pool.mu);
        if (task != NULL)
            take_tasks(task, ctx, ntasks);
        atomic_fetch_sub(&pool.active, 1);
        pthread_mutex_lock(&pool.mu);
    }
    return NULL;
}

/* A forked child has none of the parent's helpers. */
static void reset_in_child(void)
{
    pthread_mutex_init(&pool.mu, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pool.helpers = 0;
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

void ndapy_parallel_for(ndapy_task_fn task, void *ctx, int64_t ntasks, int threads)
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
    atomic_store(&pool.next, 0);
    atomic_store(&pool.done, 0);
    pool.generation++;
    if (want >= pool.helpers)
        pthread_cond_broadcast(&pool.wake);
    else
        for (int i = 0; i < want; i++)
            pthread_cond_signal(&pool.wake);
    pthread_mutex_unlock(&pool.mu);

    take_tasks(task, ctx, ntasks);
    while (atomic_load(&pool.done) < ntasks)
        sched_yield();
    pthread_mutex_lock(&pool.mu);
    pool.task = NULL;
    pool.ntasks = 0;
    pthread_mutex_unlock(&pool.mu);
    while (atomic_load(&pool.active) > 0)
        sched_yield();
}
