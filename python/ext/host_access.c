#include "host_access.h"

#include "nda/backend.h"
#include "nda/device.h"
#include "nda/error.h"

int ndapy_host_accessible(const nda_array *a, int *rc)
{
    const nda_backend_ops *ops = nda_device_ops(a->device);
    int kind = NDA_MEMORY_DEVICE;
    *rc = NDA_OK;
    if (a->lazy != NULL || a->buffer == NULL || nda_array_size(a) == 0 ||
        !nda_array_is_c_contiguous(a))
        return 0;
    if (ops->abi_version < 5 || ops->memory_kind == NULL || ops->buffer_map == NULL ||
        ops->buffer_unmap == NULL)
        return 0;
    if ((*rc = ops->memory_kind(nda_device_local_index(a->device), &kind)) != NDA_OK)
        return 0;
    return kind == NDA_MEMORY_HOST;
}

int ndapy_host_map(const nda_array *a, void **mapped, char **first)
{
    const nda_backend_ops *ops = nda_device_ops(a->device);
    int rc = nda_device_synchronize(a->device);
    *mapped = NULL;
    if (rc == NDA_OK)
        rc = ops->buffer_map(nda_device_local_index(a->device), a->buffer->handle, 0,
                             a->buffer->capacity, mapped);
    if (rc == NDA_OK)
        *first = (char *)*mapped + a->offset;
    return rc;
}

int ndapy_host_unmap(const nda_array *a, void *mapped)
{
    const nda_backend_ops *ops = nda_device_ops(a->device);
    return ops->buffer_unmap(nda_device_local_index(a->device), a->buffer->handle, mapped);
}
