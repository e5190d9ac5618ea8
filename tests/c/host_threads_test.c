/* nda_host_parallel_for (core/host_threads.c): every task runs exactly once,
 * on no more distinct threads than the call asked for (helpers still polling
 * after a wider call must not join a narrower one), and the call returns only after
 * every task has. Random task and thread counts, back to back, so that
 * helpers are polling, waking or asleep at each call. */
#define _XOPEN_SOURCE 700

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "nda/host_threads.h"
#include "test_util.h"

enum { MAX_TASKS = 40 };

typedef struct job {
    atomic_int ran[MAX_TASKS];
    pthread_t by[MAX_TASKS]; /* the thread that ran task k */
    atomic_int finished;
} job;

static void task(void *ctx, int64_t k)
{
    job *j = ctx;
    j->by[k] = pthread_self();
    atomic_fetch_add(&j->ran[k], 1);
    for (volatile int i = 0; i < 300; i++) {
    }
    atomic_fetch_add(&j->finished, 1);
}

/* Distinct threads among by[0 .. n). */
static int distinct(const pthread_t *by, int n)
{
    int count = 0;
    for (int k = 0; k < n; k++) {
        int seen = 0;
        for (int e = 0; e < k && !seen; e++) seen = pthread_equal(by[e], by[k]);
        count += !seen;
    }
    return count;
}

int main(void)
{
    unsigned seed = 20261206u;
    int wrong_count = 0, too_wide = 0, early = 0;
    for (int call = 0; call < 20000; call++) {
        seed = seed * 1103515245u + 12345u;
        int ntasks = 1 + (int)(seed >> 16) % MAX_TASKS;
        int threads = 1 + (int)(seed >> 8) % 16;
        static job j;
        for (int k = 0; k < MAX_TASKS; k++) atomic_store(&j.ran[k], 0);
        atomic_store(&j.finished, 0);
        nda_host_parallel_for(task, &j, ntasks, threads);
        if (atomic_load(&j.finished) != ntasks) early++;
        for (int k = 0; k < MAX_TASKS; k++)
            if (atomic_load(&j.ran[k]) != (k < ntasks)) wrong_count++;
        if (distinct(j.by, ntasks) > threads) too_wide++;
        if (call % 1000 == 999) { /* let the helpers go to sleep now and then */
            struct timespec pause = {0, 200000};
            nanosleep(&pause, NULL);
        }
    }
    CHECK(wrong_count == 0);
    CHECK(too_wide == 0);
    CHECK(early == 0);
    return test_summary();
}
