@testable import GenOTModels
import GenOTTensor
import XCTest

final class PreimageSaddleTests: XCTestCase {
    /// Where u(·, 0) is not convex, a point x_s whose Jacobian ∇T has a
    /// negative eigenvalue is a saddle of f(x) = ½‖x‖² + t_f·u(x, 0) − ⟨x, y⟩
    /// for y = T(x_s): T(x_s) = y, yet x_s is not the Hopf–Lax minimiser. From
    /// next to it the refinement must go on downhill in f (docs/method.md §3),
    /// not settle there because |T(x) − y| is already small.
    func testRefinementLeavesSaddlesOfTheHopfLaxObjective() {
        var tested = 0
        for seed in 0..<20 where tested < 4 {
            var random = SeededRandom(seed: UInt64(300 + seed))
            let u = TransportPotential(dimension: 2, width: 16, depth: 2, finalTime: 1, using: &random)
            for (_, tensor) in u.parameters { tensor.storage = tensor.storage.map { $0 * 3 } }
            let candidates = random.normal([64, 2])
            for k in 0..<64 {
                let xs = Tensor(shape: [1, 2], storage: Array(candidates.storage[(2 * k)..<(2 * k + 2)]))
                let jacobian = Self.jacobian(u, at: xs)
                // Symmetric (T = ∇φ): eigenvalues of [[a, b], [b, c]].
                let (a, b, c) = (jacobian[0], (jacobian[1] + jacobian[2]) / 2, jacobian[3])
                let mean = (a + c) / 2, radius = (((a - c) / 2) * ((a - c) / 2) + b * b).squareRoot()
                guard mean - radius < -0.2, mean + radius > 0.2 else { continue }
                let y = u.forwardMap(xs)
                let start = xs + Tensor(shape: [1, 2], storage: [1e-3, -1e-3])
                let solved = u.preimages(ofNormalized: y, class: nil, refinements: 64, from: start)
                XCTAssertLessThan(Self.merit(u, solved.points, y), Self.merit(u, xs, y) - 1e-4,
                                  "seed \(seed): the refinement stayed at the saddle \(xs.storage)")
                tested += 1
                break
            }
        }
        XCTAssertEqual(tested, 4, "too few maps with a saddle among the seeds")
    }

    static func merit(_ u: TransportPotential, _ x: Tensor, _ y: Tensor) -> Float {
        let value = u.valueAndMomentum(atNormalized: x, time: 0, labels: nil).u.storage[0]
        return u.finalTime * value + zip(x.storage, y.storage).reduce(0) { $0 + $1.0 * (0.5 * $1.0 - $1.1) }
    }

    /// ∇T at x by central differences, row-major [∂T_i/∂x_j].
    static func jacobian(_ u: TransportPotential, at x: Tensor) -> [Float] {
        let h: Float = 1e-3
        var columns: [[Float]] = []
        for j in 0..<2 {
            var e: [Float] = [0, 0]; e[j] = h
            let step = Tensor(shape: [1, 2], storage: e)
            columns.append(zip(u.forwardMap(x + step).storage, u.forwardMap(x - step).storage).map { ($0 - $1) / (2 * h) })
        }
        return [columns[0][0], columns[1][0], columns[0][1], columns[1][1]]
    }
}
