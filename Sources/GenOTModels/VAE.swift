import Foundation
import GenOTNN
import GenOTTensor

/// Convolutional VAE for 28×28 grayscale images, NHWC throughout; the same
/// architecture as scripts/bench/torch_vae_step.py:
///
///     encoder  x [N, 28, 28, 1]
///              Conv(1→32, k4, s2, p1) + SiLU     → [N, 14, 14, 32]
///              Conv(32→64, k4, s2, p1) + SiLU    → [N, 7, 7, 64]
///              flatten                           → [N, 3136]
///              Linear(3136→256) + SiLU           → [N, 256]
///              Linear(256→2d)                    → mean [N, d] ‖ logVariance [N, d]
///     decoder  z [N, d]
///              Linear(d→256) + SiLU → Linear(256→3136) + SiLU → reshape [N, 7, 7, 64]
///              ConvT(64→32, k4, s2, p1) + SiLU   → [N, 14, 14, 32]
///              ConvT(32→1, k4, s2, p1)           → logits [N, 28, 28, 1]
///
/// NOTE: flattening is in (h, w, c) order here and (c, h, w) in PyTorch; the
/// two differ only by a fixed permutation of the 3136 features, i.e. of the
/// columns of `encoder.hidden.weight` and the rows of `decoder.expand.*`.
public struct VAE: CheckpointableModel {
    /// The latent width d.
    public let latentDim: Int
    public let encoderConv1: Conv2d          // 1 → 32
    public let encoderConv2: Conv2d          // 32 → 64
    public let encoderHidden: Linear         // 3136 → 256
    public let encoderHead: Linear           // 256 → 2d: mean, then log-variance
    public let decoderHidden: Linear         // d → 256
    public let decoderExpand: Linear         // 256 → 3136
    public let decoderDeconv1: ConvTranspose2d   // 64 → 32
    public let decoderDeconv2: ConvTranspose2d   // 32 → 1

    static let flatSize = 7 * 7 * 64
    static let hiddenSize = 256

    /// PyTorch-style default initialisation from `seed`.
    public init(latentDim: Int = 16, seed: UInt64 = 0) {
        var random = SeededRandom(seed: seed)
        self.init(latentDim: latentDim, using: &random)
    }

    public init(latentDim: Int = 16, using random: inout SeededRandom) {
        precondition(latentDim > 0, "latent width must be positive, got \(latentDim)")
        self.latentDim = latentDim
        encoderConv1 = Conv2d(1, 32, kernel: 4, stride: 2, padding: 1, using: &random)
        encoderConv2 = Conv2d(32, 64, kernel: 4, stride: 2, padding: 1, using: &random)
        encoderHidden = Linear(Self.flatSize, Self.hiddenSize, using: &random)
        encoderHead = Linear(Self.hiddenSize, 2 * latentDim, using: &random)
        decoderHidden = Linear(latentDim, Self.hiddenSize, using: &random)
        decoderExpand = Linear(Self.hiddenSize, Self.flatSize, using: &random)
        decoderDeconv1 = ConvTranspose2d(64, 32, kernel: 4, stride: 2, padding: 1, using: &random)
        decoderDeconv2 = ConvTranspose2d(32, 1, kernel: 4, stride: 2, padding: 1, using: &random)
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        parameters(of: encoderConv1, prefix: "encoder.conv1") + parameters(of: encoderConv2, prefix: "encoder.conv2")
            + parameters(of: encoderHidden, prefix: "encoder.hidden") + parameters(of: encoderHead, prefix: "encoder.head")
            + parameters(of: decoderHidden, prefix: "decoder.hidden") + parameters(of: decoderExpand, prefix: "decoder.expand")
            + parameters(of: decoderDeconv1, prefix: "decoder.deconv1")
            + parameters(of: decoderDeconv2, prefix: "decoder.deconv2")
    }

    /// The Gaussian posterior q(z | x), recorded for autodiff.
    /// x: [N, 28, 28, 1] in [0, 1] → mean, logVariance: [N, d].
    public func encode(_ x: Tensor) -> (mean: Tensor, logVariance: Tensor) {
        let n = x.shape[0]
        var h = encoderConv1(x).silu()
        h = encoderConv2(h).silu()
        h = encoderHidden(h.reshaped([n, Self.flatSize])).silu()
        let both = encoderHead(h)
        return (both.slice(axis: 1, start: 0, length: latentDim),
                both.slice(axis: 1, start: latentDim, length: latentDim))
    }

    /// Bernoulli logits of p(x | z), recorded for autodiff.
    /// z: [N, d] → logits [N, 28, 28, 1] (σ(logits) is the image).
    public func decodeLogits(_ z: Tensor) -> Tensor {
        let n = z.shape[0]
        var h = decoderHidden(z).silu()
        h = decoderExpand(h).silu().reshaped([n, 7, 7, 64])
        h = decoderDeconv1(h).silu()
        return decoderDeconv2(h)
    }

    /// The training objective for one batch, the negative ELBO per image:
    /// z = μ + exp(½ log σ²) ⊙ ε, loss = (BCE(decoder(z), x) summed over pixels
    /// + β·KL(q(z|x) ‖ N(0, I)) summed over latents) / N. β = `klWeight`
    /// (1: the ELBO; above 1 trades reconstruction for a smoother latent space).
    /// images: [N, 28, 28, 1] (or [N, 1, 28, 28]) in [0, 1], noise ε: [N, d] ~ N(0, I).
    /// Returns the scalar loss and the batch sums of BCE and KL (for reports).
    public func negativeELBO(images: Tensor, noise: Tensor, klWeight: Float = 1) -> (loss: Tensor, reconstruction: Tensor, kl: Tensor) {
        let x = ImageBatch.nhwc(images)
        precondition(noise.shape == [x.shape[0], latentDim], "noise \(noise.shape), expected [\(x.shape[0]), \(latentDim)]")
        let (mean, logVariance) = encode(x)
        let z = mean + logVariance.scaled(by: 0.5).exp() * noise
        let bce = Losses.binaryCrossEntropySum(logits: decodeLogits(z), targets: x)
        let kl = Losses.gaussianKLSum(mean: mean, logVariance: logVariance)
        return ((bce + kl.scaled(by: klWeight)).scaled(by: 1 / Float(x.shape[0])), bce, kl)
    }
}

// MARK: - Inference (what the transport code calls)

extension VAE {
    /// Encoder means μ(x), without gradients, `batchSize` images at a time.
    /// images: [N, 28, 28, 1], [N, 1, 28, 28] or [N, 28, 28] in [0, 1] → [N, d].
    public func encodeMean(images: Tensor, batchSize: Int = 500) -> Tensor {
        ImageBatch.mapRows(ImageBatch.nhwc(images), batchSize: batchSize, outputRow: [latentDim]) { encode($0).mean }
    }

    /// Decoded images σ(decoder(z)), without gradients, `batchSize` at a time.
    /// latents: [N, d] → images [N, 28, 28] in [0, 1]; `progress` gets the images done.
    public func decode(latents: Tensor, batchSize: Int = 500, progress: (Int) -> Void = { _ in }) -> Tensor {
        precondition(latents.rank == 2 && latents.shape[1] == latentDim,
                     "decode: expected latents [N, \(latentDim)], got \(latents.shape)")
        let side = ImageBatch.side
        return ImageBatch.mapRows(latents, batchSize: batchSize, outputRow: [side, side], progress: progress) { z in
            decodeLogits(z).sigmoid().reshaped([z.shape[0], side, side])
        }
    }

    /// decode(encodeMean(images)): images → [N, 28, 28] in [0, 1].
    public func reconstruct(images: Tensor, batchSize: Int = 500) -> Tensor {
        decode(latents: encodeMean(images: images, batchSize: batchSize), batchSize: batchSize)
    }
}

// MARK: - Checkpoints

extension VAE {
    public static let modelKind = "vae"
    public var architecture: [String: String] { ["latentDim": String(latentDim)] }

    public static func make(architecture settings: [String: String], file: URL) throws -> VAE {
        VAE(latentDim: try ModelCheckpoint.integer("latentDim", in: settings, range: 1...4096, file: file))
    }

    /// Writes the weights (plus `extraTensors` and `metadata`) to `url`.
    public func save(to url: URL, extraTensors: [(name: String, tensor: Tensor)] = [],
                     metadata: [String: String] = [:]) throws {
        try ModelCheckpoint.save(self, extraTensors: extraTensors, metadata: metadata, to: url)
    }

    /// Reads a VAE checkpoint; with `latentDim` given, a checkpoint of another
    /// width is an error naming the file.
    public static func load(from url: URL, latentDim: Int? = nil) throws -> VAE {
        try ModelCheckpoint.load(VAE.self, from: url, expected: latentDim.map { ["latentDim": String($0)] } ?? [:]).model
    }
}
