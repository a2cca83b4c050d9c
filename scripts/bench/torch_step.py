#!/usr/bin/env python3
"""PyTorch reference timing of the "HJ-transport-shaped" training step (CPU, Float32).

Not a dependency of gen-ot: only used to compare speed with the Swift implementation.

Model f: MLP on cat[x, t, c] with sizes [16 + 1 + 10 -> 256 -> 256 -> 256 -> 256 -> 1],
nn.Linear layers (default PyTorch init, torch.manual_seed(seed)), SiLU after every
hidden layer, no activation on the output.

Data (generated BEFORE timing, one fresh batch per step, batch B = 256):
    x ~ N(0, 1)  [B, 16]  (made a leaf with requires_grad each step)
    t ~ U[0, 1]  [B, 1]
    c = one_hot(randint(0, 10)) [B, 10]

One timed step (everything between the two perf_counter calls):
    opt.zero_grad()
    u   = f(cat[x, t, c])                                   # [B, 1]
    p   = autograd.grad(u.sum(), x, create_graph=True)[0]   # [B, 16]
    x0  = x - t * p
    u0  = f(cat[x0, zeros_like(t), c])
    r   = u - u0 - t * (p**2).sum(1, keepdim=True) / 2
    L   = mean(r**2)                                         # L_HJ

With --mmd, the script times instead gen-ot's real transport step
(`TransportTrainer.step()` with `TransportPreset.latent`, what
`gen-ot speed transport` times; see torch_transport_step.py for the exact work).

10 warm-up steps, then N (default 50) steps timed individually; prints e.g.
    torch hj_step median_ms=12.345 p25_ms=12.000 p75_ms=12.800 threads=2 batch=256 steps=50
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

D_X, D_C, WIDTH, DEPTH = 16, 10, 256, 4


def make_mlp():
    dims = [D_X + 1 + D_C] + [WIDTH] * DEPTH
    layers = []
    for a, b in zip(dims[:-1], dims[1:]):
        layers += [nn.Linear(a, b), nn.SiLU()]
    layers.append(nn.Linear(WIDTH, 1))
    return nn.Sequential(*layers)


def step(f, opt, x_data, t, c):
    opt.zero_grad()
    x = x_data.detach().requires_grad_(True)
    u = f(torch.cat([x, t, c], 1))
    p = torch.autograd.grad(u.sum(), x, create_graph=True)[0]
    x0 = x - t * p
    u0 = f(torch.cat([x0, torch.zeros_like(t), c], 1))
    r = u - u0 - t * (p * p).sum(1, keepdim=True) / 2
    loss = (r * r).mean()
    loss.backward()
    opt.step()
    return loss.item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mmd", action="store_true",
                    help="time gen-ot's real HJ + MMD transport step (latent preset) instead")
    args = ap.parse_args()
    if args.mmd:
        import torch_transport_step
        torch_transport_step.main(args)
        return

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    f = make_mlp()
    opt = torch.optim.Adam(f.parameters(), lr=1e-3)

    B, total = args.batch, args.warmup + args.steps
    batches = [
        (torch.randn(B, D_X), torch.rand(B, 1),
         F.one_hot(torch.randint(0, D_C, (B,)), D_C).float())
        for _ in range(total)
    ]

    times, loss = [], float("nan")
    for i, (x, t, c) in enumerate(batches):
        t0 = time.perf_counter()
        loss = step(f, opt, x, t, c)
        dt = (time.perf_counter() - t0) * 1e3
        if i >= args.warmup:
            times.append(dt)

    p25, p50, p75 = statistics.quantiles(times, n=4, method="inclusive")
    print(f"torch hj_step median_ms={p50:.3f} p25_ms={p25:.3f} p75_ms={p75:.3f} "
          f"threads={torch.get_num_threads()} batch={B} steps={args.steps} last_loss={loss:.6g}")


if __name__ == "__main__":
    main()
