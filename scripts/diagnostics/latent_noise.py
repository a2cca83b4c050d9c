"""How close to ν_c must a map's samples land for the decoded images to stay right?

Encodes training images with gen-ot's VAE (encoder means, the points ν_c that
`gen-ot train-transport` maps noise to), adds isotropic Gaussian noise whose
norm is about f × the class's median pairwise distance (the scale gen-ot's
MMD bandwidths are set in), decodes, and scores with gen-ot's evaluation
classifier. Also prints the nearest-neighbour spacing of ν_c on that scale:
a distribution matched only down to the sample spacing cannot be told from
ν_c blurred by noise of that size. Not part of gen-ot; see README.md here.
"""
import argparse
import numpy as np
import torch
from map_family import load_safetensors, read_idx, encode_means, decode, classify


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="mnist")
    parser.add_argument("--images", type=int, default=10000, help="training images used (the first N)")
    parser.add_argument("--fractions", default="0,0.05,0.1,0.15,0.2,0.3", help="noise norms as multiples of the median distance")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--checkpoints", default="checkpoints")
    parser.add_argument("--data", default="data")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    vae = load_safetensors(f"{args.checkpoints}/{args.dataset}-vae.safetensors")
    classifier = load_safetensors(f"{args.checkpoints}/{args.dataset}-classifier.safetensors")
    images = torch.from_numpy(read_idx(f"{args.data}/{args.dataset}/train-images-idx3-ubyte.gz")[:args.images].astype(np.float32) / 255)
    labels = torch.from_numpy(read_idx(f"{args.data}/{args.dataset}/train-labels-idx1-ubyte.gz")[:args.images].astype(np.int64))
    with torch.no_grad():
        latents = encode_means(vae, images)
        d = latents.shape[1]
        medians, spacings = [], []
        for c in range(10):
            z = latents[labels == c]
            distances = torch.cdist(z, z)
            half = len(z) // 2
            medians.append(distances[:half, half:].median().item())
            distances.fill_diagonal_(float("inf"))
            spacings.append(distances.min(1).values.median().item() / medians[-1])
        print(f"{args.dataset}: {len(latents)} latents, d = {d}; median distance per class "
              f"{min(medians):.2f}–{max(medians):.2f}; nearest-neighbour spacing (median) "
              f"{min(spacings):.2f}–{max(spacings):.2f} × the median distance")
        scale = torch.tensor(medians)[labels][:, None] / d ** 0.5   # per-coordinate std for noise norm ≈ median
        for f in map(float, args.fractions.split(",")):
            predicted = classify(classifier, decode(vae, latents + f * scale * torch.randn_like(latents)))
            right = (predicted == labels).float()
            worst = min(range(10), key=lambda c: right[labels == c].mean().item())
            print(f"noise ≈ {f:.2f} × median: accuracy {100 * right.mean():.1f}%  "
                  f"(weakest class {worst}: {100 * right[labels == worst].mean():.1f}%)", flush=True)


if __name__ == "__main__":
    main()
