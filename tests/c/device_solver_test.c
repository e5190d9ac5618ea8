/* nda_device_solver's dispatch (core/device.c) against fake devices, no
 * plugin loaded: a plugin built for ABI 1 or 2 has a shorter ops table, so
 * the core must answer NDA_ENOTIMPL without reading the `solver` member;
 * an ABI 3 plugin with solver NULL likewise; otherwise the call reaches the
 * member with the device's local index and the caller's descriptor, and
 * the member's code comes back unchanged. */
#define _XOPEN_SOURCE 700

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/device_internal.h"
#include "nda/error.h"
#include "tests/c/test_util.h"

static int g_calls, g_last_dev, g_answer;
static const nda_solver_desc *g_last_desc;

static int fake_solver(int dev, const nda_solver_desc *s)
{
    g_calls++;
    g_last_dev = dev;
    g_last_desc = s;
    return g_answer == NDA_OK ? NDA_OK : nda_error_set(g_answer, "fake solver says %d", g_answer);
}

/* A plugin's table as an ABI 2 build laid it out: everything up to fft.
 * Allocated exactly that long, so reading `solver` would be out of bounds
 * (ASan reports it). */
static nda_backend_ops *short_table(int abi)
{
    size_t n = offsetof(nda_backend_ops, solver);
    nda_backend_ops full = {.abi_version = abi, .name = "old"};
    void *t = malloc(n);
    memcpy(t, &full, n); /* the prefix only: no member past it exists */
    return t;
}

static void device_init(nda_device *d, const nda_backend_ops *ops, const char *id, int index)
{
    memset(d, 0, sizeof *d);
    d->ops = ops;
    d->local_index = index;
    snprintf(d->id, sizeof d->id, "%s", id);
}

int main(void)
{
    nda_solver_desc s;
    nda_device d;

    memset(&s, 0, sizeof s);
    s.op = NDA_SOLVER_GETRF;
    s.type = NDA_LIB_F64;

    for (int abi = 1; abi <= 2; abi++) {
        nda_backend_ops *old = short_table(abi);
        device_init(&d, old, "old:0", 0);
        CHECK_RC(nda_device_solver(&d, &s), NDA_ENOTIMPL);
        CHECKF(strstr(nda_error_message(), "old:0: the old backend has no dense solver library") !=
                   NULL,
               "%s", nda_error_message());
        free(old);
    }

    nda_backend_ops none = {.abi_version = 3, .name = "none"};
    device_init(&d, &none, "none:1", 1);
    CHECK_RC(nda_device_solver(&d, &s), NDA_ENOTIMPL);
    CHECK(strstr(nda_error_message(), "none:1: the none backend") != NULL);

    nda_backend_ops with = {.abi_version = NDA_BACKEND_ABI_VERSION, .name = "with",
                            .solver = fake_solver};
    device_init(&d, &with, "with:2", 2);
    g_answer = NDA_OK;
    CHECK_RC(nda_device_solver(&d, &s), NDA_OK);
    CHECK(g_calls == 1 && g_last_dev == 2 && g_last_desc == &s);
    g_answer = NDA_ENODEV;
    CHECK_RC(nda_device_solver(&d, &s), NDA_ENODEV);
    CHECK(strstr(nda_error_message(), "fake solver says") != NULL);
    g_answer = NDA_EVALUE;
    CHECK_RC(nda_device_solver(&d, &s), NDA_EVALUE);
    CHECK(g_calls == 3);

    /* A plugin newer than the core still dispatches (members are append-only). */
    nda_backend_ops newer = with;
    newer.abi_version = NDA_BACKEND_ABI_VERSION + 1;
    device_init(&d, &newer, "newer:0", 0);
    g_answer = NDA_OK;
    CHECK_RC(nda_device_solver(&d, &s), NDA_OK);
    CHECK(g_calls == 4);

    return test_summary();
}
