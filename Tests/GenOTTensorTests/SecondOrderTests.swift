import GenOTTensor
import GenOTTestSupport
import XCTest

/// Second derivatives through the backward pass, for every op the transport
/// loss touches: ⟨∇⟨∇f, v⟩, w⟩ against central differences, plus closed forms.
final class SecondOrderTests: XCTestCase {
    var random = SeededRandom(seed: 2)

    func testPointwiseOps() {
        let x = random.normal([3, 4]), p = random.uniform([3, 4], low: 0.5, high: 2)
        let r = random.normal([3, 4])
        GradientCheck.second([x], "silu") { ($0[0].silu() * r).sum() }
        GradientCheck.second([x], "silu′ (third order of silu)") {
            (gradient(of: ($0[0].silu() * r).sum(), wrt: $0[0], createGraph: true) * r).sum()
        }
        GradientCheck.second([x], "silu sharpness 4") { ($0[0].silu(sharpness: 4) * r).sum() }
        GradientCheck.second([x], "silu sharpness 4, third order") {
            (gradient(of: ($0[0].silu(sharpness: 4) * r).sum(), wrt: $0[0], createGraph: true) * r).sum()
        }
        GradientCheck.second([x], "softplus") { ($0[0].softplus() * r).sum() }
        GradientCheck.second([x], "tanh") { ($0[0].tanh() * r).sum() }
        GradientCheck.second([x], "sigmoid") { ($0[0].sigmoid() * r).sum() }
        GradientCheck.second([x], "exp") { ($0[0].exp() * r).sum() }
        GradientCheck.second([x], "square") { ($0[0].square() * r).sum() }
        GradientCheck.second([p], "log") { ($0[0].log() * r).sum() }
        GradientCheck.second([p], "sqrt") { ($0[0].sqrt() * r).sum() }
        GradientCheck.second([p], "pow") { ($0[0].pow(1.7) * r).sum() }
    }

    func testBinaryAndStructuralOps() {
        let a = random.normal([3, 4]), b = random.normal([4]), c = random.uniform([3, 1], low: 1, high: 2)
        let w = random.normal([4, 2])
        GradientCheck.second([a, b], "mul broadcast") { ($0[0] * $0[1]).square().sum() }
        GradientCheck.second([a, c], "div broadcast") { ($0[0] / $0[1]).square().sum() }
        GradientCheck.second([a, b], "add/sub") { (($0[0] + $0[1]) - $0[1].scaled(by: 3)).pow(3).mean() }
        // tanh's higher derivatives are large here: the difference's error
        // (∝ eps²) needs a smaller step than the default.
        GradientCheck.second([a, w], eps: 2.5e-3, "matmul") { $0[0].matmul($0[1]).tanh().sum() }
        GradientCheck.second([a, w], "matmul transposed") {
            $0[0].matmul($0[1].transposed(), transposeOther: true).silu().sum()
        }
        GradientCheck.second([a, a], "concat/slice") {
            Tensor.concat([$0[0], $0[1]], axis: 1).slice(axis: 1, start: 2, length: 5).softplus().sum()
        }
        GradientCheck.second([a], "sum axis / gather") {
            $0[0].gatherRows([2, 0, 2]).sum(axis: 1, keepDims: true).square().mean()
        }
        let y = random.normal([5, 4])
        GradientCheck.second([a, y], "pairwise distances + sqrt (energy kernel)") {
            $0[0].pairwiseSquaredDistances($0[1]).shifted(by: 1e-3).sqrt().mean()
        }
    }

    /// A backward pass without a graph takes SiLU's fused rules (both
    /// gradients of SiLU′×g in one pass, x's added to its running total);
    /// with a graph it takes the rules. Both must give the same gradients,
    /// for an MLP's double backward (the pre-activation reaches the loss through SiLU and
    /// through SiLU′) and for odd sizes (the kernels' tail lanes).
    func testSiLUFusedBackwardMatchesRules() {
        for (rows, beta) in [(5, Float(1)), (3, Float(4)), (16, Float(4))] {
            let x0 = random.normal([rows, 3]), w1 = random.normal([3, 7]), w2 = random.normal([7, 1])
            let r = random.normal([rows, 3])
            func parameterGradients(createGraph: Bool) -> [Tensor] {
                let x = x0.requiringGrad(), a = w1.requiringGrad(), b = w2.requiringGrad()
                let u = x.matmul(a).silu(sharpness: beta).matmul(b)
                let p = gradient(of: u, wrt: x, createGraph: true)
                let loss = (p * r).square().sum() + u.square().sum()
                return gradients(of: loss, wrt: [a, b], createGraph: createGraph)
            }
            let fused = parameterGradients(createGraph: false), rules = parameterGradients(createGraph: true)
            for (f, g) in zip(fused, rules) { assertClose(f, g, rtol: 1e-6, atol: 1e-6) }
            GradientCheck.second([x0, w1], eps: 2e-3, "silu MLP, \(rows) rows, β = \(beta)") {
                let h = $0[0].matmul($0[1]).silu(sharpness: beta)
                return (h.matmul(w2).square() + h.sum(axis: 1, keepDims: true)).sum()
            }
        }
    }

    /// A quadratic form per row (`RowQuadratic`): its value against the
    /// formula in primitive ops, its gradient and Hessian rules against
    /// differences, and the fused backward against the rules when the points
    /// themselves depend on parameters (as the second evaluation of the HJ
    /// residual does).
    func testRowQuadraticForm() {
        let n = 5, d = 3
        let form = RowQuadratic(basis: random.normal([d, d]), weights: random.uniform([n, d], low: -1, high: 2),
                                offsets: random.normal([n, d]), constants: random.normal([n, 1]), linear: random.normal([1, d]))
        let x = random.normal([n, d]), r = random.normal([n, d])
        let z = x.matmul(form.basis) - form.offsets!
        let expected = (form.weights * z.square()).sum(axis: 1, keepDims: true).scaled(by: 0.5)
            + (form.linear! * z).sum(axis: 1, keepDims: true) + form.constants!
        assertClose(x.rowQuadratic(form), expected, rtol: 1e-5, atol: 1e-5)
        GradientCheck.first([x], "row quadratic") { $0[0].rowQuadratic(form) }
        GradientCheck.first([x], "row quadratic gradient") { $0[0].rowQuadraticGradient(form) }
        let leaf = x.requiringGrad()
        assertClose(x.rowQuadraticGradient(form), gradient(of: leaf.rowQuadratic(form), wrt: leaf), rtol: 1e-5, atol: 1e-5)
        GradientCheck.second([x], "row quadratic") { ($0[0].rowQuadratic(form) * $0[0].sum(axis: 1, keepDims: true)).sum() }
        GradientCheck.second([x], "row quadratic gradient") { ($0[0].rowQuadraticGradient(form) * r).square().sum() }
        let m0 = random.normal([d, d], std: 0.5)
        func parameterGradient(createGraph: Bool) -> Tensor {
            let m = m0.requiringGrad(), leaf = x.requiringGrad()
            let u = leaf.matmul(m).rowQuadratic(form)
            let p = gradient(of: u, wrt: leaf, createGraph: true)
            let moved = leaf - p.scaled(by: 0.3)
            let loss = (p * r).square().sum() + moved.matmul(m).rowQuadratic(form).square().sum()
            return gradient(of: loss, wrt: m, createGraph: createGraph)
        }
        assertClose(parameterGradient(createGraph: false), parameterGradient(createGraph: true), rtol: 1e-5, atol: 1e-5)
    }

    /// f(x) = ½xᵀAx + Σ softplus(Bx) has Hessian A_sym + Bᵀ diag(σ′(Bx)) B.
    func testHessianVectorProductClosedForm() {
        let n = 5, m = 3
        let a = random.normal([n, n]), b = random.normal([m, n])
        let x = random.normal([1, n]).requiringGrad(), v = random.normal([1, n])
        let f = (x.matmul(a) * x).sum().scaled(by: 0.5) + x.matmul(b, transposeOther: true).softplus().sum()
        let g = gradient(of: f, wrt: x, createGraph: true)
        let hv = gradient(of: (g * v).sum(), wrt: x)
        // Closed form.
        var expected = [Float](repeating: 0, count: n)
        var bx = [Float](repeating: 0, count: m)
        for i in 0..<m { for k in 0..<n { bx[i] += b.storage[i * n + k] * x.storage[k] } }
        for r in 0..<n {
            for c in 0..<n {
                var h = 0.5 * (a.storage[r * n + c] + a.storage[c * n + r])
                for i in 0..<m {
                    let s = 1 / (1 + Foundation.exp(-bx[i]))
                    h += b.storage[i * n + r] * s * (1 - s) * b.storage[i * n + c]
                }
                expected[r] += h * v.storage[c]
            }
        }
        assertClose(hv.storage, expected, rtol: 1e-4, atol: 1e-5)
    }

    /// ∂²(x³)/∂x² = 6x through two nested gradient calls.
    func testGradOfGrad() {
        let x = Tensor(shape: [3], storage: [1, -2, 0.5], requiresGrad: true)
        let dy = gradient(of: x.pow(3).sum(), wrt: x, createGraph: true)
        assertClose(dy, Tensor(shape: [3], storage: [3, 12, 0.75]))
        let d2y = gradient(of: dy.sum(), wrt: x)
        assertClose(d2y, Tensor(shape: [3], storage: [6, -12, 3]), rtol: 1e-5)
    }
}
import Foundation
