/* NumPy's loops for the core's host evaluator (numpy_loops.c). */
#ifndef NDAPY_NUMPY_LOOPS_H
#define NDAPY_NUMPY_LOOPS_H

/* Registers the float32 and float64 loops of NumPy's math ufuncs with
 * nda_host_eval_use_loop. 0, or -1 with a Python exception set when numpy
 * cannot be imported. */
int ndapy_numpy_loops_register(void);

#endif
