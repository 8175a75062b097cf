"""fp32 matmul n x n in PyTorch (OpenBLAS here), one thread. Usage: torch_matmul.py n."""
import sys

import torch

from torch_common import hello, serve

n = int(sys.argv[1])
torch.manual_seed(0)
a = torch.randn(n, n)
b = torch.randn(n, n)


def mm():
    c = a @ b
    return {"check": float(c[0, 0])}


hello()
serve({"mm": mm})
