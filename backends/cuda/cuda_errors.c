/* CUresult names and the translation of driver errors into NDA errors. */
#include "backends/cuda/cuda_internal.h"

/* Names used when the driver cannot name a code itself (cuGetErrorName is
 * missing, or the code is newer than the driver). */
typedef struct nda_cu_error_entry {
    int code;
    const char *name;
} nda_cu_error_entry;

static const nda_cu_error_entry nda_cu_error_table[] = {
    {0, "CUDA_SUCCESS"},
    {1, "CUDA_ERROR_INVALID_VALUE"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY"},
    {3, "CUDA_ERROR_NOT_INITIALIZED"},
    {4, "CUDA_ERROR_DEINITIALIZED"},
    {34, "CUDA_ERROR_STUB_LIBRARY"},
    {35, "CUDA_ERROR_INSUFFICIENT_DRIVER"},
    {46, "CUDA_ERROR_DEVICE_UNAVAILABLE"},
    {100, "CUDA_ERROR_NO_DEVICE"},
    {101, "CUDA_ERROR_INVALID_DEVICE"},
    {200, "CUDA_ERROR_INVALID_IMAGE"},
    {201, "CUDA_ERROR_INVALID_CONTEXT"},
    {209, "CUDA_ERROR_NO_BINARY_FOR_GPU"},
    {218, "CUDA_ERROR_INVALID_PTX"},
    {222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"},
    {400, "CUDA_ERROR_INVALID_HANDLE"},
    {500, "CUDA_ERROR_NOT_FOUND"},
    {700, "CUDA_ERROR_ILLEGAL_ADDRESS"},
    {701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"},
    {702, "CUDA_ERROR_LAUNCH_TIMEOUT"},
    {719, "CUDA_ERROR_LAUNCH_FAILED"},
    {801, "CUDA_ERROR_NOT_SUPPORTED"},
    {999, "CUDA_ERROR_UNKNOWN"},
};

const char *nda_cu_result_name(CUresult err)
{
    const nda_cu_driver *drv = nda_cu_drv();
    const char *name = NULL;

    if (drv != NULL && drv->GetErrorName != NULL && drv->GetErrorName(err, &name) == CUDA_SUCCESS &&
        name != NULL)
        return name;
    for (size_t i = 0; i < sizeof nda_cu_error_table / sizeof nda_cu_error_table[0]; i++)
        if (nda_cu_error_table[i].code == (int)err)
            return nda_cu_error_table[i].name;
    return "CUDA_ERROR_UNKNOWN_CODE";
}

int nda_cu_result_code(CUresult err)
{
    return err == CUDA_ERROR_OUT_OF_MEMORY ? NDA_ENOMEM : NDA_EBACKEND;
}

int nda_cu_error_cu(CUresult err, const char *call, const nda_cu_device *d)
{
    int code = nda_cu_result_code(err);

    if (code == NDA_ENOMEM && d != NULL)
        return nda_plugin_error_set(code, "%s failed: %s (%d): out of memory on %s (cuda:%d)", call,
                                    nda_cu_result_name(err), (int)err, d->name, d->index);
    return nda_plugin_error_set(code, "%s failed: %s (%d)", call, nda_cu_result_name(err),
                                (int)err);
}
