"""PyTorch twin of bench/cnn.bench.mjs's model: conv32-pool-conv64-pool-dense10 (3x3 same convs, ReLU, 2x2 max-pool),
32x32x3 inputs, softmax cross-entropy, Adam 1e-3. Usage: torch_cnn.py batch."""
import sys

import torch

from torch_common import hello, serve

batch = int(sys.argv[1])
torch.manual_seed(0)
m = torch.nn.Sequential(
    torch.nn.Conv2d(3, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Flatten(), torch.nn.Linear(64 * 8 * 8, 10))
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
x = torch.randn(batch, 3, 32, 32)
y = torch.arange(batch) % 10
lossf = torch.nn.CrossEntropyLoss()


def step():
    opt.zero_grad()
    loss = lossf(m(x), y)
    loss.backward()
    opt.step()
    return {"loss": loss.item()}


hello()
serve({"step": step})
