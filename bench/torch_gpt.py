"""PyTorch twin of the GPT that bench/gpt.bench.mjs measures (lib/src/models/gpt/model.ts): token + position
embeddings, pre-LayerNorm blocks (eps 1e-5), causal attention with an additive mask, GELU as x*sigmoid(1.702x),
final LayerNorm, head tied to wte; AdamW (beta 0.9/0.95, weight decay 0.1 on matrices only, lr 1e-5), gradient
clipping at norm 1, mean cross-entropy over batch x block_size random tokens. Generation: top-k 40, temperature 0.8,
with or without a KV-cache. Usage: torch_gpt.py n_layer n_head n_embd block_size vocab batch."""
import math
import sys

import torch
import torch.nn as nn

from torch_common import hello, serve

L, H, C, T, V, B = map(int, sys.argv[1:7])
hd = C // H
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(C, eps=1e-5)
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C, eps=1e-5)
        self.c_fc = nn.Linear(C, 4 * C)
        self.mlp_proj = nn.Linear(4 * C, C)

    def forward(self, x, past):
        n, t, _ = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, 2)
        q, k, v = (z.reshape(n, t, H, hd).transpose(1, 2) for z in (q, k, v))
        if past is not None:
            k, v = torch.cat([past[0], k], 2), torch.cat([past[1], v], 2)
        att = (q @ k.transpose(-2, -1)) * (1 / math.sqrt(hd))
        if t > 1:
            p0 = k.shape[2] - t
            att = att + torch.triu(torch.full((t, k.shape[2]), -1e9), diagonal=p0 + 1)
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(n, t, C)
        x = x + self.c_proj(y)
        h = self.c_fc(self.ln_2(x))
        return x + self.mlp_proj(h * torch.sigmoid(1.702 * h)), (k, v)


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(C, eps=1e-5)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids, past=None):
        p0 = 0 if past is None else past[0][0].shape[2]
        x = self.wte(ids) + self.wpe(torch.arange(p0, p0 + ids.shape[1]))
        cache = []
        for i, blk in enumerate(self.h):
            x, kv = blk(x, None if past is None else past[i])
            cache.append(kv)
        return self.ln_f(x) @ self.wte.weight.t(), cache


model = GPT()
decay = [p for p in model.parameters() if p.dim() >= 2]
other = [p for p in model.parameters() if p.dim() < 2]
opt = torch.optim.AdamW(
    [{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}], lr=1e-5, betas=(0.9, 0.95)
)
stream = (torch.arange(20000) * 7919) % V
gen = torch.Generator().manual_seed(1)


def train_step():
    starts = torch.randint(0, len(stream) - T - 1, (B,), generator=gen)
    x = torch.stack([stream[s : s + T] for s in starts])
    y = torch.stack([stream[s + 1 : s + T + 1] for s in starts])
    opt.zero_grad()
    logits, _ = model(x)
    loss = nn.functional.cross_entropy(logits.reshape(B * T, V), y.reshape(B * T))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return {"loss": loss.item()}


def sample(logits):
    top, idx = torch.topk(logits / 0.8, 40)
    return idx[torch.multinomial(top.softmax(-1), 1, generator=gen)].item()


@torch.no_grad()
def generate(n, mode, prompt_len):
    n, prompt_len = int(n), int(prompt_len)
    ctx = [(7 * i + 3) % V for i in range(prompt_len)]
    if mode == "cache":
        logits, past = model(torch.tensor([ctx]))
        for i in range(n):
            nxt = sample(logits[0, -1])
            ctx.append(nxt)
            if i + 1 < n:
                logits, past = model(torch.tensor([[nxt]]), past)
    else:
        for i in range(n):
            logits, _ = model(torch.tensor([ctx[-T:]]))
            ctx.append(sample(logits[0, -1]))
    return {"tokens": n}


hello(params=sum(p.numel() for p in model.parameters()))
serve({"step": train_step, "gen": generate})
