"""A program that fails on one rank only, for run_fault_test.sh: the last
rank raises outside any collective while the others enter one (a sum of a
distributed array), which they could never leave. ndaccel.distributed's
exception hook must end the whole job with the failing rank's message.

    fault_ranks.py MODE
    raise: the last rank raises RuntimeError("rank gives up on purpose")
    shape: the last rank's replicated operand has another shape than the
           others' (a ValueError from broadcasting, on that rank only)"""
import sys

import numpy

import ndaccel.distributed as dnp

mode = sys.argv[1]
rank, size = dnp.rank(), dnp.size()
last = rank == size - 1
a = dnp.ones((4 * size, 3))
dnp.sum(a)  # every rank reaches here: the failure below is the only one
if mode == "raise":
    if last:
        raise RuntimeError("rank gives up on purpose")
elif mode == "shape":
    a = a + numpy.ones(4 if last else 3)  # ValueError on the last rank only
else:
    raise SystemExit(f"fault_ranks.py: unknown mode {mode}")
# The other ranks wait here for the last one.
print(f"rank {rank}: sum {dnp.sum(a)}", flush=True)
