"""Can an MMD-trained map from N(0, I) beat the per-class Gaussian on one class?

Loads gen-ot's own checkpoints (VAE + evaluation classifier, safetensors,
NHWC weights) into PyTorch, encodes the training images of one class (encoder
means = ν_c, as `gen-ot train-transport` does), and trains a map from noise by
the MMD alone (Gaussian kernels at multiples of the median distance, Adam with
cosine decay), starting from the Gaussian fit T₀(e) = m + L e:

  --family field     T(e) = T₀(e) + f(e),        f: MLP d→256×3→d (any vector field)
  --family gradient  T(e) = T₀(e) + L ∇φ(e),     φ: MLP d→256×3→1  (a gradient field, as
                                                 x + ∇u is in the HJ method)

and prints the class accuracy of decoded samples (the evaluation classifier)
every quarter of the run. Not part of gen-ot or its tests; see README.md here.
"""
import argparse, gzip, json, struct, time
import numpy as np
import torch
import torch.nn.functional as F


def load_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        a, b = info["data_offsets"]
        out[key] = torch.from_numpy(np.frombuffer(data[8 + n + a:8 + n + b], dtype=np.float32).reshape(info["shape"]).copy())
    return out


def read_idx(path):
    raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    dims = struct.unpack(">" + "I" * raw[3], raw[4:4 + 4 * raw[3]])
    return np.frombuffer(raw[4 + 4 * raw[3]:], dtype=np.uint8).reshape(dims)


def conv(w, name, x, transpose=False, stride=2, padding=1):
    weight = w[name + ".weight"].permute(0, 3, 1, 2)   # gen-ot's [out|in, k, k, in|out] → PyTorch's
    op = F.conv_transpose2d if transpose else F.conv2d
    return op(x, weight, w[name + ".bias"], stride=stride, padding=padding)


def linear(w, name, x):
    return F.linear(x, w[name + ".weight"], w[name + ".bias"])


def flatten_nhwc(h):
    return h.permute(0, 2, 3, 1).reshape(len(h), -1)   # gen-ot flattens in (h, w, c) order


def encode_means(w, images):
    h = F.silu(conv(w, "encoder.conv1", images[:, None]))
    h = F.silu(conv(w, "encoder.conv2", h))
    h = F.silu(linear(w, "encoder.hidden", flatten_nhwc(h)))
    d = w["encoder.head.bias"].shape[0] // 2   # the head gives mean ‖ log-variance
    return linear(w, "encoder.head", h)[:, :d]


def decode(w, z):
    h = F.silu(linear(w, "decoder.hidden", z))
    h = F.silu(linear(w, "decoder.expand", h)).reshape(len(z), 7, 7, 64).permute(0, 3, 1, 2)
    h = F.silu(conv(w, "decoder.deconv1", h, transpose=True))
    return torch.sigmoid(conv(w, "decoder.deconv2", h, transpose=True))[:, 0]


def classify(w, images):
    h = F.max_pool2d(F.silu(conv(w, "conv1", images[:, None], stride=1)), 2)
    h = F.max_pool2d(F.silu(conv(w, "conv2", h, stride=1)), 2)
    return linear(w, "output", F.silu(linear(w, "hidden", flatten_nhwc(h)))).argmax(1)


class SharpSiLU(torch.nn.Module):
    """SiLU(βx)/β: β = 1 is SiLU; a larger β bends faster (towards ReLU)."""
    def __init__(self, beta):
        super().__init__()
        self.beta = beta

    def forward(self, x):
        return F.silu(self.beta * x) / self.beta


def mlp(inputs, outputs, width, beta=1.0):
    act = lambda: SharpSiLU(beta)
    layers = [torch.nn.Linear(inputs, width), act(), torch.nn.Linear(width, width), act(),
              torch.nn.Linear(width, width), act(), torch.nn.Linear(width, outputs)]
    net = torch.nn.Sequential(*layers)
    torch.nn.init.zeros_(net[-1].weight)
    torch.nn.init.zeros_(net[-1].bias)
    return net


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", choices=["field", "gradient"], required=True)
    parser.add_argument("--dataset", default="mnist")
    parser.add_argument("--class", dest="label", type=int, default=8)
    parser.add_argument("--batch", type=int, default=2048, help="noise and target points per step")
    parser.add_argument("--kernels", default="0.25,0.5,1,2", help="bandwidths as multiples of the median distance")
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--width", type=int, default=256, help="hidden width of the MLP (3 hidden layers)")
    parser.add_argument("--sharpness", type=float, default=1.0, help="β of the activation SiLU(βx)/β (1: SiLU)")
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam's base rate (cosine decay to 0)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoints", default="checkpoints")
    parser.add_argument("--data", default="data")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    vae = load_safetensors(f"{args.checkpoints}/{args.dataset}-vae.safetensors")
    classifier = load_safetensors(f"{args.checkpoints}/{args.dataset}-classifier.safetensors")
    images = torch.from_numpy(read_idx(f"{args.data}/{args.dataset}/train-images-idx3-ubyte.gz").astype(np.float32) / 255)
    labels = torch.from_numpy(read_idx(f"{args.data}/{args.dataset}/train-labels-idx1-ubyte.gz").astype(np.int64))
    with torch.no_grad():
        latents = encode_means(vae, images[labels == args.label])
    d = latents.shape[1]
    mean, factor = latents.mean(0), torch.linalg.cholesky(torch.cov(latents.T))
    median = torch.cdist(latents[:1000], latents[1000:2000]).median().item()
    bandwidths = [float(m) * median for m in args.kernels.split(",")]
    net = mlp(d, d if args.family == "field" else 1, args.width, args.sharpness)

    def transport(e):
        base = mean + e @ factor.T
        if args.family == "field":
            return base + net(e)
        e = e.detach().requires_grad_(True)
        return base + torch.autograd.grad(net(e).sum(), e, create_graph=True)[0] @ factor.T

    def accuracy(count=2000):
        z = transport(torch.randn(count, d)).detach()
        with torch.no_grad():
            return (classify(classifier, decode(vae, z)) == args.label).float().mean().item()

    def mmd_loss(x, y):   # the terms of MMD² that depend on x
        xx, xy = torch.cdist(x, x) ** 2, torch.cdist(x, y) ** 2
        return sum(torch.exp(-xx / (2 * h * h)).mean() - 2 * torch.exp(-xy / (2 * h * h)).mean() for h in bandwidths)

    optimizer = torch.optim.Adam(net.parameters(), args.lr)
    print(f"{args.dataset} class {args.label}: {len(latents)} latents, d = {d}, family {args.family}, "
          f"width {args.width}, sharpness {args.sharpness}, batch {args.batch}, lr {args.lr}, kernels {args.kernels} × median {median:.3f}")
    print(f"step 0  accuracy {accuracy():.3f}  (the Gaussian fit)", flush=True)
    start = time.time()
    for step in range(args.steps):
        for group in optimizer.param_groups:
            group["lr"] = args.lr * 0.5 * (1 + np.cos(np.pi * step / args.steps))
        targets = latents[torch.randint(len(latents), (args.batch,))]
        loss = mmd_loss(transport(torch.randn(args.batch, d)), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (step + 1) % max(args.steps // 4, 1) == 0:
            print(f"step {step + 1}  accuracy {accuracy():.3f}  {time.time() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
