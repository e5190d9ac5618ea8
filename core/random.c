/* nda_random_fill: one launch of the Philox kernel (kernels/gen_random.h). */
#include "nda/random.h"

#include "core/device_internal.h"
#include "core/launch.h"
#include "kernels/gen_random.h"
#include "kernels/kernel_cache.h"
#include "nda/error.h"

static int random_source(const void *ctx, nda_dialect dialect, nda_strbuf *src)
{
    return nda_random_source((const nda_random_spec *)ctx, dialect, src);
}

int nda_random_fill(nda_array *out, int dist, const uint32_t key[2], uint64_t stream,
                    int64_t low, uint64_t range)
{
    nda_random_spec s = {(nda_random_dist)dist, out->dtype, 0};
    int rc = nda_random_check(&s);
    if (rc != NDA_OK) return rc;
    if (!nda_array_is_c_contiguous(out) || out->lazy != NULL || out->buffer == NULL)
        return nda_error_set(NDA_EVALUE, "random: the output must be a contiguous, computed array");
    size_t itemsize = nda_dtype_itemsize(out->dtype);
    if (out->offset % itemsize != 0)
        return nda_error_set(NDA_EVALUE, "random: misaligned output offset %zu", out->offset);
    int64_t n = nda_array_size(out);
    if (n == 0) return NDA_OK;
    /* Readers of the old contents must see them before they are replaced. */
    rc = nda_array_flush_readers(out);
    if (rc != NDA_OK) return rc;

    nda_device *d = out->device;
    /* CPU OpenCL: 8 blocks per work-item in uint8 vectors (PoCL, 1M float64
     * uniforms: ~3.0 -> ~1 ms; its work-group vectorizer leaves the scalar
     * rounds scalar). */
    if (!d->info.is_gpu && d->ops->dialect == NDA_DIALECT_OPENCL && nda_random_vector(&s))
        s.lanes = 8;
    char key_str[64];
    nda_random_key(&s, key_str, sizeof key_str);
    void *kernel;
    rc = nda_kernel_get(d, key_str, random_source, &s, NDA_RANDOM_KERNEL_NAME, &kernel);
    if (rc != NDA_OK) return rc;

    int64_t off = (int64_t)(out->offset / itemsize);
    uint32_t k0 = key[0], k1 = key[1];
    nda_kernel_arg args[8] = {
        {NDA_ARG_BUFFER, sizeof(void *), out->buffer->handle},
        {NDA_ARG_SCALAR, 8, &off},
        {NDA_ARG_SCALAR, 8, &n},
        {NDA_ARG_SCALAR, 4, &k0},
        {NDA_ARG_SCALAR, 4, &k1},
        {NDA_ARG_SCALAR, 8, &stream},
        {NDA_ARG_SCALAR, 8, &low},
        {NDA_ARG_SCALAR, 8, &range},
    };
    int per = nda_random_per_item(&s);
    uint64_t items = ((uint64_t)n + (uint64_t)per - 1) / (uint64_t)per;
    size_t ls = nda_launch_local_size(d);
    size_t global = (size_t)((items + ls - 1) / ls * ls);
    nda_device_enqueued(d, (int64_t)n);
    return d->ops->launch(d->local_index, kernel, global, ls, 8, args);
}
