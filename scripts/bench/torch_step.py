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
    z ~ N(0, 1)  [B, 16]  (MMD target batch, only used with --mmd)

One timed step (everything between the two perf_counter calls):
    opt.zero_grad()
    u   = f(cat[x, t, c])                                   # [B, 1]
    p   = autograd.grad(u.sum(), x, create_graph=True)[0]   # [B, 16]
    x0  = x - t * p
    u0  = f(cat[x0, zeros_like(t), c])
    r   = u - u0 - t * (p**2).sum(1, keepdim=True) / 2
    L   = mean(r**2)                                         # L_HJ
  only with --mmd (variant "hj_mmd_step"):
    p0  = autograd.grad(f(cat[x, zeros, c]).sum(), x, create_graph=True)[0]
    y   = x + p0                                             # gradient map at t = 0
    D(a, b)_ij = sqrt(clamp_min(|a_i|^2 + |b_j|^2 - 2 a_i.b_j, 0) + 1e-12)
    k = -D  (energy-distance kernel); unbiased MMD^2 (diagonals excluded):
    MMD = sum_{i!=j} k(y,y)/(n(n-1)) + sum_{i!=j} k(z,z)/(m(m-1)) - 2 mean k(y,z)
    L   = L_HJ + 10 * MMD
    L.backward()        # gradients to every parameter (double backward through p / p0)
    opt.step()          # Adam(lr = 1e-3), default betas/eps

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


def pairwise_dist(a, b):
    sq = (a * a).sum(1, keepdim=True) + (b * b).sum(1).unsqueeze(0) - 2.0 * a @ b.T
    return torch.sqrt(sq.clamp_min(0.0) + 1e-12)


def mmd_energy(y, z):
    """Unbiased MMD^2 with k(a, b) = -|a - b|."""
    n, m = y.shape[0], z.shape[0]
    off_n = 1.0 - torch.eye(n)
    off_m = 1.0 - torch.eye(m)
    kyy = -(pairwise_dist(y, y) * off_n).sum() / (n * (n - 1))
    kzz = -(pairwise_dist(z, z) * off_m).sum() / (m * (m - 1))
    kyz = -pairwise_dist(y, z).mean()
    return kyy + kzz - 2.0 * kyz


def step(f, opt, x_data, t, c, z, use_mmd):
    opt.zero_grad()
    x = x_data.detach().requires_grad_(True)
    u = f(torch.cat([x, t, c], 1))
    p = torch.autograd.grad(u.sum(), x, create_graph=True)[0]
    x0 = x - t * p
    u0 = f(torch.cat([x0, torch.zeros_like(t), c], 1))
    r = u - u0 - t * (p * p).sum(1, keepdim=True) / 2
    loss = (r * r).mean()
    if use_mmd:
        ut0 = f(torch.cat([x, torch.zeros_like(t), c], 1))
        p0 = torch.autograd.grad(ut0.sum(), x, create_graph=True)[0]
        loss = loss + 10.0 * mmd_energy(x + p0, z)
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
    ap.add_argument("--mmd", action="store_true", help="add 10 * energy-distance MMD term")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    f = make_mlp()
    opt = torch.optim.Adam(f.parameters(), lr=1e-3)

    B, total = args.batch, args.warmup + args.steps
    batches = [
        (torch.randn(B, D_X), torch.rand(B, 1),
         F.one_hot(torch.randint(0, D_C, (B,)), D_C).float(), torch.randn(B, D_X))
        for _ in range(total)
    ]

    times, loss = [], float("nan")
    for i, (x, t, c, z) in enumerate(batches):
        t0 = time.perf_counter()
        loss = step(f, opt, x, t, c, z, args.mmd)
        dt = (time.perf_counter() - t0) * 1e3
        if i >= args.warmup:
            times.append(dt)

    p25, p50, p75 = statistics.quantiles(times, n=4, method="inclusive")
    name = "hj_mmd_step" if args.mmd else "hj_step"
    print(f"torch {name} median_ms={p50:.3f} p25_ms={p25:.3f} p75_ms={p75:.3f} "
          f"threads={torch.get_num_threads()} batch={B} steps={args.steps} last_loss={loss:.6g}")


if __name__ == "__main__":
    main()
