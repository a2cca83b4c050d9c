#!/usr/bin/env python3
"""PyTorch twin of gen-ot's real transport training step (CPU, Float32).

Run as `torch_step.py --mmd` (or directly). Not a dependency of gen-ot.
It repeats `TransportTrainer.step()` with `TransportPreset.latent`, the step
`gen-ot speed transport` times (docs/method.md §5, §8):

Problem (made BEFORE timing): d = 16, 10 classes; source mu_c = N(0, I);
target nu_c a finite set of 6000 points, y = m_c + A_c z + 0.3 (z^2 - 1).
Normalised frame: per-class centres (source mean a_c, target mean b_c), one
scale s (RMS deviation of both sides). Collocation box: the normalised first
draws, widened by 10% per side. Gaussian kernel bandwidths sigma_b =
{0.25, 0.5, 1, 2} x the median pairwise distance of 512 normalised targets.
Gaussian base per class: the exact potential of the OT map between Gaussians
fitted to the normalised samples (QuadraticPotential in gen-ot).

Potential: u(xi, t, c) = MLP([xi, t, onehot c]) + code_c * u_Gauss,c(xi, t), MLP
[27 -> 256 x 4 -> 1] with SiLU(4x)/4.

One timed step (everything between the two perf_counter calls, drawing the
batches included, as in gen-ot):
    c     = next class of a shuffled cycle
    x0    = normalised N(0, I) draws [512, 16]; y = 512 distinct targets of c
    (x,t) = 256 collocation points, t ~ U[0, 1]; 80% on the previous step's
            characteristics x0' + t p0' of class c, the rest uniform in the box
    u     = u(cat[x, x0], cat[t, 0], c)         [768, 1]
    p     = grad(u.sum(), inputs, create_graph)  [768, 16]
    r     = u[:256] - u(x - t p, 0) - t |p|^2 / 2  (collocation rows)
    L_HJ  = mean(r^2)
    T(x0) = x0 + p[256:]
    L_MMD = unbiased MMD^2(T(x0), y) without the y-y term, points centred on
            mean(y), k = sum_b exp(-|a - b|^2 / (2 sigma_b^2))
    L     = L_HJ + 10 L_MMD; backward; Adam (lr 3e-3 x linear warm-up over 100 steps)
    keep (x0, p0) as class c's characteristics

20 warm-up steps (every class's first step computes its characteristics),
then N timed steps; prints
    torch hj_mmd_step median_ms=… p25_ms=… p75_ms=… threads=2 collocation=256 sources=512 targets=512 steps=N
"""
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

D, CLASSES, POINTS, WIDTH, DEPTH = 16, 10, 6000, 256, 4
N_COLLOCATION, N_SOURCE, N_TARGET = 256, 512, 512
LAMBDA, MULTIPLIERS, CHARACTERISTIC_FRACTION, BOX_MARGIN = 10.0, (0.25, 0.5, 1.0, 2.0), 0.8, 0.1


class SiLU4(nn.Module):
    def forward(self, x):
        return F.silu(4.0 * x) / 4.0


def make_mlp():
    dims = [D + 1 + CLASSES] + [WIDTH] * DEPTH
    layers = []
    for a, b in zip(dims[:-1], dims[1:]):
        layers += [nn.Linear(a, b), SiLU4()]
    layers.append(nn.Linear(WIDTH, 1))
    return nn.Sequential(*layers)


def bent_gaussian(n):
    mean, mixing = torch.randn(D), torch.randn(D, D) / D ** 0.5
    z = torch.randn(n, D)
    return mean + z @ mixing.T + 0.3 * (z * z - 1)


def sym_fn(m, fn):
    w, v = torch.linalg.eigh(m)
    return (v * fn(w)) @ v.T


def gaussian_base(x, y):
    """Eigenvalues, eigenvectors and shift of B = A - I, b for the Gaussian OT map x -> y."""
    x, y = x.double(), y.double()
    m1, m2 = x.mean(0), y.mean(0)
    s1, s2 = torch.cov(x.T), torch.cov(y.T)
    r1 = sym_fn(s1, torch.sqrt)
    r1i = sym_fn(s1, lambda w: 1 / torch.sqrt(w))
    a = r1i @ sym_fn(r1 @ s2 @ r1, torch.sqrt) @ r1i
    a = (a + a.T) / 2
    lam, q = torch.linalg.eigh(a - torch.eye(D, dtype=a.dtype))
    shift = m2 - a @ m1
    return lam.float().unsqueeze(0), q.float(), shift.float().unsqueeze(0)


def quadratic(base, x, t):
    """u_Gauss(x, t) = 1/2 sum lam/(1 + t lam) z^2 + beta.z + t |beta|^2 / 2, z = Q^T x - t beta
    (the characteristic form expanded, as gen-ot evaluates it at times without a gradient)."""
    lam, q, b = base
    beta = b @ q
    z = x @ q - t * beta
    w = lam / (1 + t * lam)
    return (z * (0.5 * w * z + beta)).sum(1, keepdim=True) + t * (0.5 * (beta * beta).sum())


def kernel(a, b, sigmas):
    sq = ((a * a).sum(1, keepdim=True) + (b * b).sum(1).unsqueeze(0) - 2.0 * a @ b.T).relu()
    return sum(torch.exp(sq * (-1.0 / (2 * s * s))) for s in sigmas)


def mmd_without_target_term(x, y, sigmas):
    n, m = x.shape[0], y.shape[0]
    center = y.mean(0, keepdim=True)
    xc, yc = x - center, y - center
    mask = 1.0 - torch.eye(n)
    xx = (kernel(xc, xc, sigmas) * mask).sum() / (n * (n - 1))
    return xx - kernel(xc, yc, sigmas).sum() * (2.0 / (n * m))


class Trainer:
    def __init__(self, seed):
        torch.manual_seed(seed)
        self.targets = [bent_gaussian(POINTS) for _ in range(CLASSES)]
        first_sources = [torch.randn(2048, D) for _ in range(CLASSES)]
        first_targets = [t[torch.randperm(POINTS)[:4096]] for t in self.targets]
        self.a = [s.mean(0, keepdim=True) for s in first_sources]
        self.b = [t.mean(0, keepdim=True) for t in first_targets]
        squares = sum(((s - a) ** 2).sum() for s, a in zip(first_sources, self.a)) \
            + sum(((t - b) ** 2).sum() for t, b in zip(first_targets, self.b))
        self.scale = float((squares / (sum(s.numel() for s in first_sources + first_targets))).sqrt())
        ns = [(s - a) / self.scale for s, a in zip(first_sources, self.a)]
        nt = [(t - b) / self.scale for t, b in zip(first_targets, self.b)]
        both = torch.cat(ns + nt)
        lo, hi = both.min(0).values, both.max(0).values
        self.low, self.high = lo - BOX_MARGIN * (hi - lo), hi + BOX_MARGIN * (hi - lo)
        self.sigmas = []
        for t in nt:
            sample = t[:512]
            d = torch.cdist(sample, sample)
            median = float(d[torch.triu(torch.ones(512, 512, dtype=torch.bool), 1)].median())
            self.sigmas.append([m * median for m in MULTIPLIERS])
        self.bases = [gaussian_base((torch.randn(65536, D) - a) / self.scale, (t - b) / self.scale)
                      for a, b, t in zip(self.a, self.b, self.targets)]
        self.f = make_mlp()
        self.opt = torch.optim.Adam(self.f.parameters(), lr=3e-3)
        self.characteristics = {}
        self.order = []
        self.steps = 0

    def potential(self, xi, t, c):
        code = F.one_hot(torch.full((xi.shape[0],), c), CLASSES).float()
        learned = self.f(torch.cat([xi, t, code], 1))
        return learned + quadratic(self.bases[c], xi, t)   # every row is of class c

    def next_class(self):
        if not self.order:
            self.order = torch.randperm(CLASSES).tolist()
        return self.order.pop()

    def collocation(self, c):
        t = torch.rand(N_COLLOCATION, 1)
        x = self.low + (self.high - self.low) * torch.rand(N_COLLOCATION, D)
        if c in self.characteristics:
            start, velocity = self.characteristics[c]
            on = torch.rand(N_COLLOCATION) < CHARACTERISTIC_FRACTION
            rows = torch.randint(0, start.shape[0], (N_COLLOCATION,))
            x = torch.where(on.unsqueeze(1), start[rows] + t * velocity[rows], x)
        return x, t

    def step(self):
        c = self.next_class()
        x0 = (torch.randn(N_SOURCE, D) - self.a[c]) / self.scale
        y = (self.targets[c][torch.randperm(POINTS)[:N_TARGET]] - self.b[c]) / self.scale
        if c not in self.characteristics:
            leaf = x0.clone().requires_grad_(True)
            u0 = self.potential(leaf, torch.zeros(N_SOURCE, 1), c)
            self.characteristics[c] = (x0, torch.autograd.grad(u0.sum(), leaf)[0])
        x, t = self.collocation(c)
        for group in self.opt.param_groups:
            group["lr"] = 3e-3 * min(1.0, (self.steps + 1) / 101)
        self.opt.zero_grad()
        xi = torch.cat([x, x0]).requires_grad_(True)
        times = torch.cat([t, torch.zeros(N_SOURCE, 1)])
        u = self.potential(xi, times, c)
        p = torch.autograd.grad(u.sum(), xi, create_graph=True)[0]
        pc, p0 = p[:N_COLLOCATION], p[N_COLLOCATION:]
        start = x - t * pc
        r = u[:N_COLLOCATION] - self.potential(start, torch.zeros(N_COLLOCATION, 1), c) \
            - t * 0.5 * (pc * pc).sum(1, keepdim=True)
        hj = (r * r).mean()
        mmd = mmd_without_target_term(x0 + p0, y, self.sigmas[c])
        loss = hj + LAMBDA * mmd
        loss.backward()
        self.opt.step()
        self.characteristics[c] = (x0, p0.detach())
        self.steps += 1
        return loss.item()


def main(args):
    torch.set_num_threads(args.threads)
    trainer = Trainer(args.seed)
    warmup = max(args.warmup, 20)
    times, loss = [], float("nan")
    for i in range(warmup + args.steps):
        t0 = time.perf_counter()
        loss = trainer.step()
        dt = (time.perf_counter() - t0) * 1e3
        if i >= warmup:
            times.append(dt)
    p25, p50, p75 = statistics.quantiles(times, n=4, method="inclusive")
    print(f"torch hj_mmd_step median_ms={p50:.3f} p25_ms={p25:.3f} p75_ms={p75:.3f} "
          f"threads={torch.get_num_threads()} collocation={N_COLLOCATION} sources={N_SOURCE} "
          f"targets={N_TARGET} steps={args.steps} last_loss={loss:.6g}")


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    main(ap.parse_args())
