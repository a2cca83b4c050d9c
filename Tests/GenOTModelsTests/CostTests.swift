import Foundation
import GenOTModels
import GenOTTensor
import GenOTTestSupport
import XCTest

/// H, ∇H and p·∇H − H of each cost (docs/method.md §1 table).
final class CostTests: XCTestCase {
    static let costs: [Cost] = [.quadratic, .power(1.5), .power(3), .power(2)]

    /// Rows of p away from 0 (where the smoothing of |p| is invisible), plus
    /// one row with an exact 0 and one tiny entry.
    func momenta() -> Tensor {
        var random = SeededRandom(seed: 3)
        let bulk = random.normal([5, 3])
        for i in 0..<bulk.count where Swift.abs(bulk.storage[i]) < 0.2 { bulk.storage[i] += 0.5 }
        return Tensor.concat([bulk, Tensor([[0, 1e-4, -0.7]])], axis: 0)
    }

    /// ∇H against the autodiff gradient of H and against central differences of H.
    func testHamiltonianGradientMatchesFiniteDifferences() {
        let p = momenta()
        for cost in Self.costs {
            // Central differences of H itself, in Float64 around Float32 points.
            let grad = cost.hamiltonianGradient(p)
            let eps: Float = 1e-3
            var numeric = [Float](repeating: 0, count: p.count)
            for i in 0..<p.count {
                let plus = p.detached(), minus = p.detached()
                plus.storage[i] += eps
                minus.storage[i] -= eps
                let hp = cost.hamiltonian(plus).sum().scalarValue, hm = cost.hamiltonian(minus).sum().scalarValue
                numeric[i] = (hp - hm) / (2 * eps)
            }
            assertClose(grad.storage, numeric, rtol: 1e-2, atol: 2e-3, "\(cost): ∇H vs differences of H")
            let leaf = p.requiringGrad()
            let autodiff = gradient(of: cost.hamiltonian(leaf).sum(), wrt: leaf)
            assertClose(grad, autodiff, rtol: 1e-4, atol: 1e-5, "\(cost): ∇H vs autodiff of H")
        }
    }

    /// Away from 0 the smoothed ∇H is the table's sign(p)|p|^{q*−1}.
    func testHamiltonianGradientMatchesTheTable() {
        let p = momenta().slice(axis: 0, start: 0, length: 5)
        for cost in Self.costs {
            let r = cost.conjugateExponent
            let exact = p.storage.map { ($0 > 0 ? 1 : -1) * Foundation.pow(Swift.abs($0), r - 1) }
            assertClose(cost.hamiltonianGradient(p).storage, exact, rtol: 1e-4, atol: 1e-5, "\(cost)")
            let hExact = (0..<5).map { row in (0..<3).reduce(Float(0)) { $0 + Foundation.pow(Swift.abs(p.storage[row * 3 + $1]), r) / r } }
            assertClose(cost.hamiltonian(p).storage, hExact, rtol: 1e-4, atol: 1e-5, "\(cost) H")
        }
    }

    /// ∇H is differentiated again in training (through p): its derivative must
    /// be right away from 0, and finite at p = 0 also for q > 2, where the
    /// smoothing makes it ε^{q*−2} (the exact one is unbounded there).
    func testHamiltonianGradientIsDifferentiable() {
        let bulk = momenta().slice(axis: 0, start: 0, length: 5)
        for cost in Self.costs {
            GradientCheck.first([bulk], eps: 1e-3, rtol: 2e-2, atol: 2e-3, "\(cost): derivative of ∇H") { cost.hamiltonianGradient($0[0]) }
            let leaf = Tensor.zeros([1, 3]).requiringGrad()
            let atZero = gradient(of: cost.hamiltonianGradient(leaf).sum(), wrt: leaf)
            let expected = cost.conjugateExponent == 2 ? 1 : Foundation.pow(Cost.powerSmoothing, cost.conjugateExponent - 2)
            assertClose(atZero.storage, [Float](repeating: expected, count: 3), rtol: 1e-4, atol: 0, "\(cost): ∂∇H/∂p at 0")
        }
    }

    /// p·∇H(p) − H(p) = L(∇H(p)) (Legendre duality), and = ‖p‖²/2 when quadratic.
    func testCharacteristicRateIsTheLagrangianAtTheVelocity() {
        let p = momenta().slice(axis: 0, start: 0, length: 5)
        for cost in Self.costs {
            let v = cost.hamiltonianGradient(p)
            let q: Float = if case .power(let q) = cost { q } else { 2 }
            let lagrangian = (0..<5).map { row in (0..<3).reduce(Float(0)) { $0 + Foundation.pow(Swift.abs(v.storage[row * 3 + $1]), q) / q } }
            // The smoothing of |p| (ε = 1e-3) shifts H by O(ε^{q*}) per coordinate.
            assertClose(cost.characteristicRate(p).storage, lagrangian, rtol: 1e-4, atol: 2e-4, "\(cost)")
        }
    }

    func testParsing() throws {
        XCTAssertEqual(try Cost(parsing: "quadratic"), .quadratic)
        XCTAssertEqual(try Cost(parsing: "power:1.5"), .power(1.5))
        XCTAssertEqual(try Cost(parsing: Cost.power(3).description), .power(3))
        for bad in ["power:1", "power:0.5", "power:x", "cubic", "power:", "power:inf"] {
            XCTAssertThrowsError(try Cost(parsing: bad), bad) { error in
                XCTAssert("\(error)".contains("cost: expected") && "\(error)".contains("found '\(bad)'"), "\(error)")
            }
        }
    }
}
