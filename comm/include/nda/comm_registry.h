/* The comm plugin registry: finds, loads and lists the communication
 * plugins of nda/comm.h ("mpi", "nccl").
 *
 * Plugins load on first use, not when the core loads: a process that never
 * communicates never maps an MPI library. A plugin file is searched as the
 * device backends are: in each directory of $NDACCEL_PLUGIN_DIR (a
 * ':'-separated list), then beside the shared object holding this code
 * (the installed _core.so). A plugin that is missing, has no entry point,
 * an ABI this core cannot read, or whose load member fails (its library
 * missing) is listed as unavailable with the reason. At process exit the
 * registry calls every loaded plugin's unload (MPI is finalised if a
 * plugin initialised it).
 *
 * Thread-safe: loading happens once (pthread_once). */
#ifndef NDA_COMM_REGISTRY_H
#define NDA_COMM_REGISTRY_H

#include "nda/comm.h"

/* Loads every plugin once; never fails (failures are listed). */
void nda_comm_plugins_init(void);

/* Plugins known to this core, available or not, in a fixed order. */
int nda_comm_plugin_count(void);
const char *nda_comm_plugin_name(int i);
/* NULL when plugin i is available, else why it is not. */
const char *nda_comm_plugin_unavailable_reason(int i);
/* The ops table of plugin i, or NULL when unavailable. */
const nda_comm_ops *nda_comm_plugin_ops(int i);

/* The ops of the plugin named `name`. NDA_EVALUE "unknown comm plugin"
 * (naming the known ones), NDA_ENODEV "comm plugin 'x' is unavailable:
 * <reason>". */
int nda_comm_plugin_find(const char *name, const nda_comm_ops **ops);

#endif
