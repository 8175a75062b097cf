"""Shared by the bench/torch_*.py reference scripts: one thread, and the line protocol bench/torch-child.mjs speaks."""
import json
import resource
import sys
import time

import torch

torch.set_num_threads(1)


def reply(**kw):
    print(json.dumps(kw), flush=True)


def hello(**kw):
    reply(ready=True, version=torch.__version__, threads=torch.get_num_threads(), **kw)


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
