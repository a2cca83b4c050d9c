import Foundation
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
@testable import GenOTTransport
import XCTest

/// The implicit HJ residual on exact solutions, and its parameter gradient.
final class HJResidualTests: XCTestCase {
    /// Quadratic cost, u(x, 0) = ½xᵀAx with A = Q diag(λ) Qᵀ symmetric positive
    /// definite: u(x, t) = ½xᵀA(I + tA)⁻¹x = ½ Σₖ λₖ/(1 + tλₖ) (qₖᵀx)².
    /// Written as a small function of x and t in tensor ops (not the MLP).
    static func quadraticSolution(_ x: Tensor, _ t: Tensor) -> Tensor {
        let angle: Float = 0.6
        // A 3-D rotation (about z, then x) as Q, and eigenvalues λ.
        let c = Foundation.cos(angle), s = Foundation.sin(angle)
        let rz: [[Float]] = [[c, -s, 0], [s, c, 0], [0, 0, 1]]
        let rx: [[Float]] = [[1, 0, 0], [0, c, -s], [0, s, c]]
        let q = Tensor(rz).matmul(Tensor(rx))
        let lambda = Tensor(shape: [1, 3], storage: [0.5, 1.3, 2.2])
        let z = x.matmul(q)                                   // [n, 3]: qₖᵀx
        let coefficient = lambda / (t * lambda).shifted(by: 1)   // [n, 3]: λₖ/(1 + tλₖ)
        return (coefficient * z.square()).sum(axis: 1, keepDims: true).scaled(by: 0.5)
    }

    func testResidualOfExactQuadraticSolutionIsZero() {
        var random = SeededRandom(seed: 1)
        let x = random.normal([64, 3], std: 2), t = random.uniform([64, 1])
        let residual = hjResidual(Self.quadraticSolution, cost: .quadratic, x: x, t: t)
        let worst = residual.storage.map { Swift.abs($0) }.max()!
        let scale = Self.quadraticSolution(x, t).storage.map { Swift.abs($0) }.max()!
        XCTAssertLessThan(worst, 2e-6 * scale, "max |residual| \(worst) for |u| up to \(scale)")

        // The same u without its time dependence is not a solution: the check can fail.
        let frozen = hjResidual({ x, t in Self.quadraticSolution(x, Tensor.zeros(t.shape)) }, cost: .quadratic, x: x, t: t)
        XCTAssertGreaterThan(frozen.storage.map { Swift.abs($0) }.max()!, 0.1)
    }

    /// p is constant along characteristics of the exact solution: the
    /// gradient-consistency gap ‖∇u(x,t) − ∇u(x − tp, 0)‖² is ~0 for it.
    func testGradientGapOfExactSolutionIsZero() {
        var random = SeededRandom(seed: 3)
        let x = random.normal([32, 3]), t = random.uniform([32, 1])
        let leaf = x.requiringGrad()
        let value = Self.quadraticSolution(leaf, t)
        let p = gradient(of: value, wrt: leaf, createGraph: true)
        let terms = hjResidualAndGradientGap(value: value, p: p, x: x, t: t, cost: .quadratic) {
            Self.quadraticSolution($0, Tensor.zeros(t.shape))
        }
        XCTAssertLessThan(terms.gradientGap.storage.max()!, 1e-9)
        XCTAssertLessThan(terms.residual.storage.map { Swift.abs($0) }.max()!, 1e-5)
        // Its parameter gradient (through two gradients of u) against differences.
        let template = TransportPotential(dimension: 2, classes: 0, width: 6, depth: 2, using: &random)
        let xs = random.normal([5, 2]), ts = random.uniform([5, 1])
        GradientCheck.first(template.parameters.map { $0.tensor.detached().scaled(by: 2.5) }, eps: 3e-3, rtol: 2e-2, atol: 3e-4,
                            "gradient gap") { params in
            let layers = stride(from: 0, to: params.count, by: 2).map { Linear(weight: params[$0], bias: params[$0 + 1]) }
            let u = MLP(layers: layers, activation: .silu)
            let code = Tensor.zeros([5, 0])
            let leaf = xs.requiringGrad()
            let value = u(Tensor.concat([leaf, ts, code], axis: 1))
            let p = gradient(of: value, wrt: leaf, createGraph: true)
            return hjResidualAndGradientGap(value: value, p: p, x: xs, t: ts, cost: .quadratic) {
                u(Tensor.concat([$0, Tensor.zeros([5, 1]), code], axis: 1))
            }.gradientGap.mean()
        }
    }

    /// For any cost, u(x, t) = a·x − t·H(a) solves ∂ₜu + H(∇u) = 0 (p ≡ a).
    func testResidualOfAffineSolutionIsZeroForEveryCost() {
        var random = SeededRandom(seed: 2)
        let x = random.normal([16, 3]), t = random.uniform([16, 1])
        let a = Tensor([[0.7, -1.2, 0.3]])
        for cost in [Cost.quadratic, .power(1.5), .power(3)] {
            let h = cost.hamiltonian(a).scalarValue
            let u = { (x: Tensor, t: Tensor) in x.matmul(a, transposeOther: true) - t.scaled(by: h) }
            let residual = hjResidual(u, cost: cost, x: x, t: t)
            XCTAssertLessThan(residual.storage.map { Swift.abs($0) }.max()!, 1e-5, "\(cost)")
        }
    }

    /// L_HJ's gradient with respect to the parameters passes through p and ∇H(p):
    /// checked against finite differences for the q-power cost (the quadratic
    /// case is covered in GenOTNNTests).
    func testHJLossParameterGradientForPowerCost() {
        var random = SeededRandom(seed: 5)
        let template = TransportPotential(dimension: 2, classes: 2, width: 8, depth: 2, cost: .power(1.5), using: &random)
        let x = random.normal([6, 2]), t = random.uniform([6, 1])
        let code = Tensor.oneHot([0, 1, 1, 0, 1, 0], classes: 2)
        let initial = template.parameters.map { $0.tensor.detached().scaled(by: 2.5) }
        GradientCheck.first(initial, eps: 3e-3, rtol: 2e-2, atol: 3e-4, "L_HJ, power:1.5") { params in
            let layers = stride(from: 0, to: params.count, by: 2).map { Linear(weight: params[$0], bias: params[$0 + 1]) }
            let u = TransportPotential(network: MLP(layers: layers, activation: .silu), dimension: 2, classes: 2,
                                       cost: .power(1.5), finalTime: 1, normalization: .identity(dimension: 2))
            return hjLoss(hjResidual(u, x: x, t: t, code: code))
        }
    }
}
