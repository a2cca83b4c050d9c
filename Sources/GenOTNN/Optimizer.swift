import GenOTTensor

/// Updates parameters in place from their gradients; state is keyed by the
/// parameter names so `--resume` restores it exactly.
public protocol Optimizer {
    mutating func step(_ parameters: [(name: String, tensor: Tensor)], gradients: [Tensor])
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
