/* NVRTC (the CUDA runtime compiler), loaded with dlopen at run time.
 *
 * Used by the CUDA plugin and by tests/c/nvrtc_kernels_test.c, which
 * compiles every generated kernel without a GPU. Needs only nvrtc.h at build
 * time. Functions report failures as NDA codes with a message written to a
 * caller buffer (no dependency on the core's error record), and are
 * thread-safe (NVRTC itself is). Nothing here is exported from the plugin. */
#ifndef NDA_NVRTC_LOADER_H
#define NDA_NVRTC_LOADER_H

#include <nvrtc.h>

#include <stddef.h>

#define NDA_NVRTC_HIDDEN __attribute__((visibility("hidden")))

typedef struct nda_nvrtc {
    char path[512]; /* the library that was loaded */
    int major, minor; /* nvrtcVersion */
    nvrtcResult (*Version)(int *major, int *minor);
    const char *(*GetErrorString)(nvrtcResult result);
    nvrtcResult (*CreateProgram)(nvrtcProgram *prog, const char *src, const char *name,
                                 int nheaders, const char *const *headers,
                                 const char *const *include_names);
    nvrtcResult (*DestroyProgram)(nvrtcProgram *prog);
    nvrtcResult (*CompileProgram)(nvrtcProgram prog, int nopts, const char *const *opts);
    nvrtcResult (*GetProgramLogSize)(nvrtcProgram prog, size_t *size);
    nvrtcResult (*GetProgramLog)(nvrtcProgram prog, char *log);
    nvrtcResult (*GetPTXSize)(nvrtcProgram prog, size_t *size);
    nvrtcResult (*GetPTX)(nvrtcProgram prog, char *ptx);
    /* Optional: NULL when this NVRTC lacks them (CUBIN: 11.1+, archs: 11.2+). */
    nvrtcResult (*GetCUBINSize)(nvrtcProgram prog, size_t *size);
    nvrtcResult (*GetCUBIN)(nvrtcProgram prog, char *cubin);
    nvrtcResult (*GetNumSupportedArchs)(int *n);
    nvrtcResult (*GetSupportedArchs)(int *archs);
} nda_nvrtc;

/* Loads NVRTC once per process: libnvrtc.so.13, .so.12, .so.11.x, .so from
 * the default search path, then from the toolkit's directories
 * (cuda_toolkit.h). Returns NULL with the reason in why[len] ("NVRTC not
 * found (...)", see dl_library.h); a failure is final. */
NDA_NVRTC_HIDDEN const nda_nvrtc *nda_nvrtc_load(char *why, size_t len);

/* Chooses the --gpu-architecture value for a device of compute capability
 * major.minor: "sm_XY" with *cubin = 1 when this NVRTC can emit SASS for
 * it, else "compute_AB" (PTX, *cubin = 0) for the newest virtual
 * architecture AB <= XY it knows (the driver JIT-compiles PTX for newer
 * GPUs). NDA_ENODEV with a message when the device is older than every
 * architecture this NVRTC supports. */
NDA_NVRTC_HIDDEN int nda_nvrtc_target(const nda_nvrtc *nv, int major, int minor, char *arch,
                                      size_t arch_len, int *cubin, char *why, size_t len);

/* Compiled code: CUBIN (is_cubin = 1) or NUL-terminated PTX (size counts
 * the NUL). `log` is the NVRTC log (trailing whitespace removed) or NULL
 * when empty. All malloc'd; nda_nvrtc_output_free releases them. */
typedef struct nda_nvrtc_output {
    void *code;
    size_t size;
    int is_cubin;
    char *log;
} nda_nvrtc_output;

/* Compiles `source` with --gpu-architecture=<arch>, the options in
 * opts[nopts] and the whitespace-separated `extra` (may be NULL). Emits
 * CUBIN when `cubin` and this NVRTC can, else PTX. On failure returns
 * NDA_ECOMPILE (why = "NVRTC compile failed: <log head>" or the NVRTC
 * error), NDA_ENOMEM or NDA_EBACKEND; out->log still holds the full log
 * when there is one (caller frees with nda_nvrtc_output_free). */
NDA_NVRTC_HIDDEN int nda_nvrtc_compile(const nda_nvrtc *nv, const char *source, const char *name,
                                       const char *arch, int cubin, const char *const *opts,
                                       int nopts, const char *extra, nda_nvrtc_output *out,
                                       char *why, size_t len);
NDA_NVRTC_HIDDEN void nda_nvrtc_output_free(nda_nvrtc_output *out);

#endif
