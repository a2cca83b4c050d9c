#!/usr/bin/env python3
"""How well can a convex potential ψ represent a known OT map? Fits ∇ψ to
pairs (x, T*(x)) by regression (no transport loss) and prints the UVP on
held-out pairs, 100·E‖∇ψ(x) − T*(x)‖² / Var ν, for ψ's two heads — the
smoothed maximum (ConvexPotential's) and the earlier sum readout — and for
an unconstrained MLP potential as the reference. PyTorch only as a
measuring tool (it is no dependency of gen-ot).

Pairs: `--pairs DIR --dim D` reads `gen-ot benchmark mixture --export DIR`
(mixture-d<D>-test-x.npy, -test-y.npy); `--family icnn|lse` draws x from a
mixture of 3 Gaussians and maps it by the gradient of a random convex
potential of that kind (a random input-convex network with CELU units, as
the Wasserstein-2 benchmark builds its potentials, or a log-sum-exp of
random affine pieces).

    python3 scripts/bench/convex_regression.py --family icnn --dim 16 --head lse
"""
import argparse, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--pairs", help="folder written by gen-ot benchmark mixture --export")
parser.add_argument("--family", choices=["icnn", "lse"], help="random convex potential instead of --pairs")
parser.add_argument("--dim", type=int, default=16)
parser.add_argument("--head", choices=["lse", "sum", "mlp"], default="lse")
parser.add_argument("--width", type=int, default=128)
parser.add_argument("--depth", type=int, default=3)
parser.add_argument("--steps", type=int, default=1500)
parser.add_argument("--lr", type=float, default=3e-3)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()
torch.set_num_threads(1)
torch.manual_seed(args.seed)
d = args.dim

if args.pairs:
    X = torch.tensor(np.load(f"{args.pairs}/mixture-d{d}-test-x.npy"))
    Y = torch.tensor(np.load(f"{args.pairs}/mixture-d{d}-test-y.npy"))
else:
    n = 16384
    centres = torch.randn(3, d) * 2
    X = centres[torch.randint(0, 3, (n,))] + torch.randn(n, d)
    if args.family == "icnn":
        W0, b0 = torch.randn(64, d) / d**0.5 * 2, torch.randn(64)
        W1, V1, b1 = torch.randn(64, d) / d**0.5, torch.rand(64, 64) / 64 * 3, torch.randn(64)
        v = torch.rand(64) / 8
        def true_potential(x):
            z = F.celu(x @ W0.t() + b0)
            z = F.celu(z @ V1.t() + x @ W1.t() + b1)
            return 0.3 * (x**2).sum(1) + z @ v
    else:
        A, c = torch.randn(24, d) * 1.5, torch.randn(24)
        def true_potential(x):
            return 0.1 * (x**2).sum(1) + torch.logsumexp(3 * (x @ A.t() + c), 1) / 3
    X.requires_grad_(True)
    Y = torch.autograd.grad(true_potential(X).sum(), X)[0].detach()
    X = X.detach()

variance = Y.var(0).sum().item()
scale = X.std(0).mean()
Xn, Yn = (X - X.mean(0)) / scale, (Y - Y.mean(0)) / scale
train = X.shape[0] * 3 // 4
x_train, y_train, x_test, y_test = Xn[:train], Yn[:train], Xn[train:], Yn[train:]


def inverse_softplus(x):
    return float(np.log(np.expm1(x)))


class Convex(nn.Module):
    """ConvexPotential's layers (κ = 10, 4× input scale, learned sharpness)."""

    def __init__(self, head, width, depth):
        super().__init__()
        self.head, self.depth = head, depth
        self.L = nn.Parameter(torch.eye(d))
        self.b = nn.Parameter(torch.zeros(d))
        self.W = nn.ModuleList([nn.Linear(d, width) for _ in range(depth)])
        for layer in self.W:
            layer.weight.data *= 4
        raw = inverse_softplus(10 / width)
        self.V = nn.ParameterList([nn.Parameter((torch.full((width, width), raw) + 0.5 * torch.randn(width, width)) / 10)
                                   for _ in range(depth - 1)])
        self.a = nn.ParameterList([nn.Parameter(torch.zeros(width)) for _ in range(depth)])
        self.v = nn.Parameter(torch.full((width,), raw / 10))
        self.h = nn.Parameter(torch.zeros(()))
        self.g = nn.Parameter(torch.tensor(0.1))

    def forward(self, x):
        z = None
        for k in range(self.depth):
            pre = self.W[k](x)
            if k > 0:
                pre = pre + z @ (F.softplus(10 * self.V[k - 1]) / 10).t()
            if self.head == "lse" and k == self.depth - 1:
                z = pre
                break
            beta = self.a[k].exp()
            z = F.softplus(pre * beta) / beta
        if self.head == "lse":
            gamma = self.h.exp()
            network = torch.logsumexp(gamma * z, 1) / gamma
        else:
            network = z @ (F.softplus(10 * self.v) / 10)
        return 0.5 * ((x @ self.L)**2).sum(1) + x @ self.b + self.g**2 * network


class MLPPotential(nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        sizes = [d] + [width] * depth
        layers = []
        for i in range(depth):
            layers += [nn.Linear(sizes[i], sizes[i + 1]), nn.SiLU()]
        self.net = nn.Sequential(*layers, nn.Linear(width, 1))

    def forward(self, x):
        return 0.5 * (x**2).sum(1) + self.net(x).squeeze(1)


model = MLPPotential(args.width, args.depth) if args.head == "mlp" else Convex(args.head, args.width, args.depth)
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, args.steps, eta_min=args.lr * 0.01)


def map_of(x):
    x = x.clone().requires_grad_(True)
    return torch.autograd.grad(model(x).sum(), x, create_graph=True)[0]


start = time.time()
for step in range(args.steps):
    rows = torch.randint(0, train, (512,))
    loss = ((map_of(x_train[rows]) - y_train[rows])**2).sum(1).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    schedule.step()
uvp = 100 * ((map_of(x_test).detach() - y_test)**2).sum(1).mean().item() * scale.item()**2 / variance
source = f"pairs {args.pairs}" if args.pairs else f"family {args.family}"
print(f"{source} d={d} head={args.head} {args.width}x{args.depth} steps={args.steps} lr={args.lr}: "
      f"held-out UVP {uvp:.3f}% ({time.time() - start:.0f} s)")
