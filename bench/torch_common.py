"""Shared by the bench/torch_*.py reference scripts: one thread, and the line protocol bench/torch-child.mjs speaks."""
import json
import resource
import sys
import time

import torch

torch.set_num_threads(1)


def reply(**kw):
    print(json.dumps(kw), flush=True)


def blas_library():
    """The BLAS shared library this process mapped (Debian's torch uses whatever libblas.so.3 points to:
    the reference BLAS is ~15x slower than OpenBLAS), or "unknown"."""
    torch.ones(2, 2) @ torch.ones(2, 2)
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() or "mkl" in line.lower()}
    except OSError:
        return "unknown"
    return ", ".join(sorted(lib.split("/")[-2] + "/" + lib.split("/")[-1] for lib in libs if "/" in lib)) or "unknown"


def hello(**kw):
    reply(ready=True, version=torch.__version__, threads=torch.get_num_threads(), blas=blas_library(), **kw)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve(handlers):
    """Each stdin line is "<name> <args…>"; handlers[name](*args) runs timed and may return extra fields."""
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] not in handlers:
            break
        t = time.perf_counter()
        c = time.process_time()
        extra = handlers[parts[0]](*parts[1:]) or {}
        reply(ms=(time.perf_counter() - t) * 1000, cpuMs=(time.process_time() - c) * 1000, rssMb=peak_rss_mb(), **extra)
