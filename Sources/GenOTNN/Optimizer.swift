import GenOTTensor

/// Updates parameters in place from their gradients; state is keyed by the
/// parameter names so `--resume` restores it exactly.
public protocol Optimizer {
    mutating func step(_ parameters: [(name: String, tensor: Tensor)], gradients: [Tensor])
}

/// Plain stochastic gradient descent with optional momentum.
public struct SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    private var velocity: [String: [Float]] = [:]

    public init(learningRate: Float, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public mutating func step(_ parameters: [(name: String, tensor: Tensor)], gradients: [Tensor]) {
        precondition(parameters.count == gradients.count, "\(parameters.count) parameters, \(gradients.count) gradients")
        for ((name, parameter), gradient) in zip(parameters, gradients) {
            var v = velocity[name] ?? [Float](repeating: 0, count: parameter.count)
            let lr = learningRate, mu = momentum
            gradient.storage.withUnsafeBufferPointer { g in
                parameter.storage.withUnsafeMutableBufferPointer { p in
                    for i in 0..<p.count {
                        v[i] = mu * v[i] + g[i]
                        p[i] -= lr * v[i]
                    }
                }
            }
            if momentum != 0 { velocity[name] = v }
        }
    }
}

/// Scales gradients so their joint L2 norm is at most `maxNorm`; returns the
/// norm before clipping.
@discardableResult
public func clipGradientNorm(_ gradients: inout [Tensor], maxNorm: Float) -> Float {
    var total: Double = 0
    for g in gradients { for v in g.storage { total += Double(v) * Double(v) } }
    let norm = Float(total.squareRoot())
    if norm > maxNorm, norm > 0 {
        let scale = maxNorm / norm
        gradients = gradients.map { g in Tensor(shape: g.shape, storage: g.storage.map { $0 * scale }) }
    }
    return norm
}
