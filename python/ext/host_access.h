/* In-place host access to an array's storage on devices whose memory is host
 * memory (the host loops of host_reduce.c and host_fill.c). */
#ifndef NDAPY_HOST_ACCESS_H
#define NDAPY_HOST_ACCESS_H

#include "nda/array.h"

/* Whether a's elements can be read or written in place on the host: a is
 * stored (not pending), non-empty and C-contiguous, on a device whose
 * backend maps host memory. 0 with *rc an error code when the backend's
 * memory_kind fails; *rc is NDA_OK otherwise. */
int ndapy_host_accessible(const nda_array *a, int *rc);

/* Waits for the device's queue (every earlier command's writes land) and
 * maps a's buffer: *mapped is the mapping, *first a's first element. Only
 * after ndapy_host_accessible; the caller holds the library lock (no new
 * work is queued until the unmap) and may release the GIL around it. */
int ndapy_host_map(const nda_array *a, void **mapped, char **first);
int ndapy_host_unmap(const nda_array *a, void *mapped);

#endif
