import Foundation
import GenOTTensor

/// The transport cost c(x, y) = t_f · L((y − x) / t_f) and its Hamiltonian
/// H = L* (docs/method.md §1):
///
/// | cost      | L(v)          | H(p)              | ∇H(p)                    |
/// |-----------|---------------|-------------------|--------------------------|
/// | quadratic | ‖v‖²/2        | ‖p‖²/2            | p                        |
/// | q-power   | Σ|vᵢ|^q / q   | Σ|pᵢ|^{q*} / q*   | sign(pᵢ)·|pᵢ|^{q*−1}     |
///
/// with 1/q + 1/q* = 1. Every function takes p: [n, d] (rows are points) and is
/// built from differentiable ops, because the HJ loss differentiates ∇H(p)
/// once more with respect to the network's parameters (through p = ∇ₓu).
///
/// NOTE (q-power): the derivative of ∇H is (q*−1)|pᵢ|^{q*−2}, unbounded at
/// pᵢ = 0 when q > 2 (then q* < 2), and `sign`/`abs` make sign(0)·0^{negative}
/// a NaN in the backward pass. So |pᵢ| is smoothed to √(pᵢ² + ε²):
///   H_ε(p)  = Σ ((pᵢ² + ε²)^{q*/2} − ε^{q*}) / q*
///   ∇H_ε(p) = pᵢ (pᵢ² + ε²)^{q*/2 − 1}
/// which is analytic, exactly the gradient of H_ε, equal to H at p = 0, and
/// within O(ε^{q*}) of H elsewhere. The derivative of ∇H_ε stays bounded (by
/// ~ε^{q*−2} for q > 2, the price of smoothness). q = 2 is exactly quadratic.
public enum Cost: Sendable, Equatable, CustomStringConvertible {
    case quadratic
    /// Σ|vᵢ|^q / q with q > 1.
    case power(Float)

    /// The smoothing ε of |pᵢ| for the q-power cost (see the type's NOTE).
    public static let powerSmoothing: Float = 1e-3

    /// Parses `quadratic` or `power:Q` (Q > 1), as the command line spells it.
    public init(parsing text: String) throws {
        let lowered = text.lowercased()
        if lowered == "quadratic" { self = .quadratic; return }
        if lowered.hasPrefix("power:"), let q = Float(lowered.dropFirst("power:".count)) {
            guard q > 1, q.isFinite else {
                throw SettingError("cost", expected: "power:Q with a finite exponent Q > 1", found: "'\(text)'")
            }
            self = .power(q)
            return
        }
        throw SettingError("cost", expected: "'quadratic' or 'power:Q' with Q > 1 (e.g. power:1.5)", found: "'\(text)'")
    }

    /// The spelling `init(parsing:)` reads back.
    public var description: String {
        switch self {
        case .quadratic: "quadratic"
        case .power(let q): "power:\(q)"
        }
    }

    /// q* = q / (q − 1), the exponent of H (2 for the quadratic cost).
    public var conjugateExponent: Float {
        switch self {
        case .quadratic: 2
        case .power(let q): q / (q - 1)
        }
    }

    /// H(p): [n, d] → [n, 1].
    public func hamiltonian(_ p: Tensor) -> Tensor {
        switch self {
        case .quadratic:
            return p.square().sum(axis: 1, keepDims: true).scaled(by: 0.5)
        case .power:
            let r = conjugateExponent, eps = Self.powerSmoothing
            let smoothed = p.square().shifted(by: eps * eps).pow(r / 2).shifted(by: -Foundation.pow(eps, r))
            return smoothed.sum(axis: 1, keepDims: true).scaled(by: 1 / r)
        }
    }

    /// ∇H(p): [n, d] → [n, d], the velocity of the characteristic from p.
    public func hamiltonianGradient(_ p: Tensor) -> Tensor {
        switch self {
        case .quadratic:
            return p
        case .power:
            let r = conjugateExponent, eps = Self.powerSmoothing
            if r == 2 { return p }
            return p * p.square().shifted(by: eps * eps).pow(r / 2 - 1)
        }
    }

    /// p·∇H(p) − H(p): [n, d] → [n, 1], the rate at which u grows along a
    /// characteristic (it equals L(∇H(p)), the Lagrangian at the velocity):
    /// u(x(t), t) = u(x0, 0) + t·(p·∇H(p) − H(p)). ‖p‖²/2 when quadratic.
    public func characteristicRate(_ p: Tensor, velocity: Tensor? = nil) -> Tensor {
        switch self {
        case .quadratic:
            return hamiltonian(p)
        case .power:
            let v = velocity ?? hamiltonianGradient(p)
            return (p * v).sum(axis: 1, keepDims: true) - hamiltonian(p)
        }
    }

    /// c(x, y) = t_f · L((y − x) / t_f) for one pair of points (reporting).
    public func cost(from x: [Float], to y: [Float], finalTime: Float = 1) -> Double {
        precondition(x.count == y.count, "cost between points of \(x.count) and \(y.count) coordinates")
        let tf = Double(finalTime)
        var total: Double = 0
        switch self {
        case .quadratic:
            for i in x.indices { let v = Double(y[i] - x[i]) / tf; total += v * v / 2 }
        case .power(let q):
            for i in x.indices { total += Foundation.pow(Swift.abs(Double(y[i] - x[i]) / tf), Double(q)) / Double(q) }
        }
        return tf * total
    }
}
