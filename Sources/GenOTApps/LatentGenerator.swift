import Foundation
import GenOTData
import GenOTModels
import GenOTTensor

/// Generation and inversion through a latent transport map:
/// sample z ~ μ_c → y = T_c(z) → decoder → image; image → encoder mean y →
/// z = T_c⁻¹(y).
public struct LatentGenerator {
    public let potential: TransportPotential
    public let vae: VAE
    /// Where source points come from: noise, or another dataset's latents.
    public let source: Source

    public enum Source {
        case noise
        /// Latents of a source dataset's images, per class (e.g. its test set).
        case latents([Tensor])
    }

    /// T: noise is drawn from N(0, T²I). Below 1 it trades diversity for
    /// typical samples (`gen-ot calibrate` picks it by FID).
    public let temperature: Float

    public init(potential: TransportPotential, vae: VAE, source: Source = .noise, temperature: Float = 1) throws {
        guard temperature > 0, temperature.isFinite else {
            throw SettingError("temperature", expected: "a positive number", found: "\(temperature)")
        }
        guard potential.dimension == vae.latentDim else {
            throw TrainingError(.mismatch, "the transport map is in d = \(potential.dimension), the VAE's latents in d = \(vae.latentDim): retrain the map with this VAE")
        }
        guard potential.classes == Datasets.classCount else {
            throw TrainingError(.mismatch, "the transport map has \(potential.classes) classes, expected \(Datasets.classCount)")
        }
        self.potential = potential
        self.vae = vae
        self.source = source
        self.temperature = temperature
    }

    /// `count` source points of class c: z ~ N(0, T²I), or source latents drawn without replacement.
    public func sourcePoints(class c: Int, count: Int, using random: inout SeededRandom) -> Tensor {
        switch source {
        case .noise: return random.normal([count, potential.dimension]).scaled(by: temperature)
        case .latents(let perClass):
            let pool = perClass[c]
            let order = random.permutation(pool.shape[0])
            let rows = (0..<count).map { order[$0 % order.count] }
            return pool.gatherRows(rows)
        }
    }

    /// Latents T_c(z) for each label: [labels.count, d].
    public func latents(for labels: [Int], using random: inout SeededRandom) -> (source: Tensor, mapped: Tensor) {
        var parts: [Tensor] = [], order: [Int] = []
        var mapped: [Tensor] = []
        for c in Set(labels).sorted() {
            let rows = labels.indices.filter { labels[$0] == c }
            let z = sourcePoints(class: c, count: rows.count, using: &random)
            parts.append(z)
            mapped.append(potential.forwardMap(z, class: c))
            order += rows
        }
        // Put rows back in the order of `labels`.
        var inverse = [Int](repeating: 0, count: order.count)
        for (position, row) in order.enumerated() { inverse[row] = position }
        return (Tensor.concat(parts, axis: 0).gatherRows(inverse), Tensor.concat(mapped, axis: 0).gatherRows(inverse))
    }

    /// Generated images [labels.count, 28, 28] in [0, 1], one per label;
    /// `progress` gets the images decoded so far.
    public func images(for labels: [Int], seed: UInt64, progress: (Int) -> Void = { _ in }) -> Tensor {
        var random = SeededRandom(seed: seed)
        return vae.decode(latents: latents(for: labels, using: &random).mapped, progress: progress)
    }

    /// Each sample at `points` positions along its straight characteristic
    /// x + s·t_f∇H(p), s = 0 … 1, decoded: [count·points, 28, 28], sample-major.
    public func pathImages(class c: Int, count: Int, points: Int, seed: UInt64) -> Tensor {
        var random = SeededRandom(seed: seed)
        let z = sourcePoints(class: c, count: count, using: &random)
        let path = potential.transportPath(z, labels: Array(repeating: c, count: count), points: points)
        // Interleave so that each sample's points are consecutive.
        let d = potential.dimension
        var rows = [Float](); rows.reserveCapacity(count * points * d)
        for i in 0..<count { for k in 0..<points { rows += path[k].storage[(i * d)..<((i + 1) * d)] } }
        return vae.decode(latents: Tensor(shape: [count * points, d], storage: rows))
    }

    /// Image → encoder mean y → z = T_c⁻¹(y); also ‖T_c(T_c⁻¹(y)) − y‖ per
    /// image and the image re-generated from z, decoder(T_c(z)).
    public func invert(images: Tensor, class c: Int) -> (noise: Tensor, roundTripError: [Float], regenerated: Tensor) {
        let y = vae.encodeMean(images: images)
        let z = potential.inverseMap(y, class: c)
        let back = potential.forwardMap(z, class: c)
        return (z, Self.rowDistances(back, y), vae.decode(latents: back))
    }

    /// z = T_c⁻¹(encoder mean) for images of several classes (`labels[i]` the
    /// class of image i), in their order: noise [N, d] and ‖T_c(z) − y‖ per image.
    public func invertAll(images: Tensor, labels: [Int]) -> (noise: Tensor, roundTripError: [Float]) {
        let y = vae.encodeMean(images: images), d = potential.dimension
        var noise = [Float](repeating: 0, count: labels.count * d), errors = [Float](repeating: 0, count: labels.count)
        for c in Set(labels).sorted() {
            let rows = labels.indices.filter { labels[$0] == c }
            let yc = y.gatherRows(rows), z = potential.inverseMap(yc, class: c)
            for (k, (row, error)) in zip(rows, Self.rowDistances(potential.forwardMap(z, class: c), yc)).enumerated() {
                noise.replaceSubrange((row * d)..<((row + 1) * d), with: z.storage[(k * d)..<((k + 1) * d)])
                errors[row] = error
            }
        }
        return (Tensor(shape: [labels.count, d], storage: noise), errors)
    }

    /// ‖a_i − b_i‖₂ for each row i of two [n, d] tensors.
    static func rowDistances(_ a: Tensor, _ b: Tensor) -> [Float] {
        let d = a.shape[1]
        return (0..<a.shape[0]).map { i in
            (0..<d).reduce(Float(0)) { total, j in
                let e = a.storage[i * d + j] - b.storage[i * d + j]
                return total + e * e
            }.squareRoot()
        }
    }
}

extension LatentGenerator {
    /// Between datasets: a target-domain image → its encoder mean y →
    /// x = T_c⁻¹(y) in the source's latent space → the source's decoder
    /// (e.g. an MNIST digit back to the Fashion-MNIST item it comes from).
    public func invertToSource(images: Tensor, class c: Int, sourceVAE: VAE)
        -> (latents: Tensor, roundTripError: [Float], sourceImages: Tensor) {
        let (x, errors, _) = invert(images: images, class: c)
        return (x, errors, sourceVAE.decode(latents: x))
    }
}
