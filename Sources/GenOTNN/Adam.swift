import Foundation
import GenOTTensor

/// Adam (Kingma & Ba), with PyTorch's defaults and bias correction:
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr·m̂ / (√v̂ + ε).
public struct Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// Steps taken so far (for bias correction).
    public private(set) var stepCount = 0
    private var firstMoment: [String: [Float]] = [:]
    private var secondMoment: [String: [Float]] = [:]

    public init(learningRate: Float = 1e-3) { self.learningRate = learningRate }

    public mutating func step(_ parameters: [(name: String, tensor: Tensor)], gradients: [Tensor]) {
        precondition(parameters.count == gradients.count, "\(parameters.count) parameters, \(gradients.count) gradients")
        stepCount += 1
        let correction1 = 1 - Foundation.pow(beta1, Float(stepCount))
        let correction2 = 1 - Foundation.pow(beta2, Float(stepCount))
        let stepSize = learningRate / correction1
        let b1 = beta1, b2 = beta2, eps = epsilon
        // Every tensor's buffers are opened first (one nested scope per
        // tensor), then the updates run, spread over the cores when large.
        var tensors: [Buffers] = []
        func open(_ i: Int) {
            guard i < parameters.count else {
                Self.updateAll(tensors) { Self.update($0, b1: b1, b2: b2, stepSize: stepSize, correction2: correction2, epsilon: eps) }
                return
            }
            let (name, parameter) = parameters[i], gradient = gradients[i]
            precondition(parameter.shape == gradient.shape, "\(name): gradient \(gradient.shape) for \(parameter.shape)")
            var m = firstMoment.removeValue(forKey: name) ?? [Float](repeating: 0, count: parameter.count)
            var v = secondMoment.removeValue(forKey: name) ?? [Float](repeating: 0, count: parameter.count)
            gradient.storage.withUnsafeBufferPointer { g in
                parameter.storage.withUnsafeMutableBufferPointer { p in
                    m.withUnsafeMutableBufferPointer { m in
                        v.withUnsafeMutableBufferPointer { v in
                            tensors.append(Buffers(p: p, g: g, m: m, v: v))
                            open(i + 1)
                        }
                    }
                }
            }
            firstMoment[name] = m
            secondMoment[name] = v
        }
        open(0)
    }

    /// One parameter tensor's buffers: parameter, gradient and moments.
    private struct Buffers: @unchecked Sendable {
        let p: UnsafeMutableBufferPointer<Float>, g: UnsafeBufferPointer<Float>
        let m: UnsafeMutableBufferPointer<Float>, v: UnsafeMutableBufferPointer<Float>
    }

    /// Runs `update` on every tensor: whole tensors dealt to one bin per
    /// BLAS thread (largest first, each to the lightest bin) and the bins run
    /// at once. Adam is memory-bound, and on one core it was a tenth of the
    /// VAE's sharded step. Each element's arithmetic is the same either way.
    private static func updateAll(_ tensors: [Buffers], _ update: @Sendable (Buffers) -> Void) {
        let total = tensors.reduce(0) { $0 + $1.p.count }, threads = Swift.min(BLAS.threadCount, tensors.count)
        guard threads > 1, total >= 1 << 16 else { tensors.forEach(update); return }
        var bins = [[Buffers]](repeating: [], count: threads), loads = [Int](repeating: 0, count: threads)
        for tensor in tensors.sorted(by: { $0.p.count > $1.p.count }) {
            let lightest = loads.indices.min { loads[$0] < loads[$1] }!
            bins[lightest].append(tensor)
            loads[lightest] += tensor.p.count
        }
        let dealt = bins
        Parallel.perform(threads) { bin in dealt[bin].forEach(update) }
    }

    /// The update of one parameter tensor, eight lanes at a time (the scalar
    /// loop was ~7 ns per parameter, a tenth of the HJ step).
    private static func update(_ buffers: Buffers, b1: Float, b2: Float, stepSize: Float, correction2: Float, epsilon: Float) {
        let (p, g, m, v) = (buffers.p, buffers.g, buffers.m, buffers.v)
        let count = p.count, whole = count & ~7
        let pp = UnsafeMutableRawPointer(p.baseAddress!), gp = UnsafeRawPointer(g.baseAddress!)
        let mp = UnsafeMutableRawPointer(m.baseAddress!), vp = UnsafeMutableRawPointer(v.baseAddress!)
        let inverseCorrection2 = 1 / correction2
        var i = 0
        while i < whole {
            let offset = i * 4
            let gi = gp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            let mi = b1 * mp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + (1 - b1) * gi
            let vi = b2 * vp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + (1 - b2) * gi * gi
            let pi = pp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                - stepSize * mi / ((vi * inverseCorrection2).squareRoot() + epsilon)
            mp.storeBytes(of: mi, toByteOffset: offset, as: SIMD8<Float>.self)
            vp.storeBytes(of: vi, toByteOffset: offset, as: SIMD8<Float>.self)
            pp.storeBytes(of: pi, toByteOffset: offset, as: SIMD8<Float>.self)
            i += 8
        }
        for j in whole..<count {
            m[j] = b1 * m[j] + (1 - b1) * g[j]
            v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j]
            p[j] -= stepSize * m[j] / ((v[j] * inverseCorrection2).squareRoot() + epsilon)
        }
    }

    /// The moments as named tensors (`adam.m.<name>`, `adam.v.<name>`) for a
    /// checkpoint, plus the step count for its metadata.
    public func state(shapes: [(name: String, tensor: Tensor)]) -> [(name: String, tensor: Tensor)] {
        shapes.flatMap { name, parameter -> [(name: String, tensor: Tensor)] in
            guard let m = firstMoment[name], let v = secondMoment[name] else { return [] }
            return [("adam.m.\(name)", Tensor(shape: parameter.shape, storage: m)),
                    ("adam.v.\(name)", Tensor(shape: parameter.shape, storage: v))]
        }
    }

    /// Restores what `state(shapes:)` saved.
    public mutating func restore(stepCount: Int, from tensors: [String: Tensor]) {
        self.stepCount = stepCount
        for (key, tensor) in tensors {
            if key.hasPrefix("adam.m.") { firstMoment[String(key.dropFirst(7))] = tensor.storage }
            if key.hasPrefix("adam.v.") { secondMoment[String(key.dropFirst(7))] = tensor.storage }
        }
    }
}
