#!/usr/bin/env python3
"""PyTorch reference timing of one VAE training step (CPU, Float32).

Not a dependency of gen-ot: only used to compare speed with the Swift implementation.

Architecture (default PyTorch init, torch.manual_seed(seed)), latent d = 16:
  encoder: Conv2d(1->32, k4, s2, p1) + SiLU        [B,1,28,28] -> [B,32,14,14]
           Conv2d(32->64, k4, s2, p1) + SiLU       -> [B,64,7,7]
           flatten 3136 -> Linear(3136->256) + SiLU -> Linear(256->32)
           -> mu = [:, :16], logvar = [:, 16:]
  decoder: Linear(16->256) + SiLU -> Linear(256->3136) + SiLU -> reshape [B,64,7,7]
           ConvTranspose2d(64->32, k4, s2, p1) + SiLU -> [B,32,14,14]
           ConvTranspose2d(32->1, k4, s2, p1)          -> logits [B,1,28,28]

Data (prepared BEFORE timing, one batch per step, B = 128): uniform random pixels in
[0, 1], or consecutive batches of real MNIST with --mnist train-images-idx3-ubyte.gz.

One timed step (everything between the two perf_counter calls):
    opt.zero_grad()
    mu, logvar = enc(x)
    z    = mu + exp(0.5 * logvar) * randn_like(mu)          # reparameterisation
    bce  = binary_cross_entropy_with_logits(dec(z), x, reduction="sum")
    kl   = -0.5 * sum(1 + logvar - mu^2 - exp(logvar))
    loss = (bce + kl) / B
    loss.backward(); opt.step()                             # Adam(lr = 1e-3)

10 warm-up steps, then N (default 50) steps timed individually; prints e.g.
    torch vae_step median_ms=... p25_ms=... p75_ms=... threads=2 batch=128 steps=50 epoch_s=...
where epoch_s = median_ms * 469 / 1000 (469 steps = one 60,000-image epoch at B = 128).
"""
import argparse
import gzip
import statistics
import struct
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LATENT = 16
STEPS_PER_EPOCH = 469  # ceil(60000 / 128)


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(1, 32, 4, 2, 1), nn.SiLU(),
            nn.Conv2d(32, 64, 4, 2, 1), nn.SiLU(),
            nn.Flatten(),
            nn.Linear(3136, 256), nn.SiLU(),
            nn.Linear(256, 2 * LATENT),
        )
        self.dec = nn.Sequential(
            nn.Linear(LATENT, 256), nn.SiLU(),
            nn.Linear(256, 3136), nn.SiLU(),
            nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.SiLU(),
            nn.ConvTranspose2d(32, 1, 4, 2, 1),
        )

    def loss(self, x):
        h = self.enc(x)
        mu, logvar = h[:, :LATENT], h[:, LATENT:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        bce = F.binary_cross_entropy_with_logits(self.dec(z), x, reduction="sum")
        kl = -0.5 * torch.sum(1 + logvar - mu * mu - torch.exp(logvar))
        return (bce + kl) / x.shape[0]


def load_idx_images(path):
    with gzip.open(path, "rb") as fh:
        magic, n, rows, cols = struct.unpack(">IIII", fh.read(16))
        assert magic == 2051, f"not an IDX image file: magic {magic}"
        data = torch.frombuffer(bytearray(fh.read(n * rows * cols)), dtype=torch.uint8)
    return data.view(n, 1, rows, cols).float() / 255.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mnist", help="optional path to train-images-idx3-ubyte.gz")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    B, total = args.batch, args.warmup + args.steps
    if args.mnist:
        imgs = load_idx_images(args.mnist)
        batches = [imgs[(i * B) % (len(imgs) - B):][:B] for i in range(total)]
    else:
        batches = [torch.rand(B, 1, 28, 28) for _ in range(total)]

    times, loss = [], float("nan")
    for i, x in enumerate(batches):
        t0 = time.perf_counter()
        opt.zero_grad()
        l = model.loss(x)
        l.backward()
        opt.step()
        loss = l.item()
        dt = (time.perf_counter() - t0) * 1e3
        if i >= args.warmup:
            times.append(dt)

    p25, p50, p75 = statistics.quantiles(times, n=4, method="inclusive")
    print(f"torch vae_step median_ms={p50:.3f} p25_ms={p25:.3f} p75_ms={p75:.3f} "
          f"threads={torch.get_num_threads()} batch={B} steps={args.steps} "
          f"epoch_s={p50 * STEPS_PER_EPOCH / 1e3:.2f} last_loss={loss:.6g}")


if __name__ == "__main__":
    main()
