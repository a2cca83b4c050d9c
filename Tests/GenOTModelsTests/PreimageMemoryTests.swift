@testable import GenOTModels
import GenOTTensor
import XCTest

final class PreimageMemoryTests: XCTestCase {
    /// Two rows, each f(x) = ½xᵀAx − bᵀx with its own ill-conditioned A (eigenvalues 1…100).
    static let d = 4
    static let matrices: [[Float]] = [[1, 0, 0, 0, 0, 10, 0, 0, 0, 0, 40, 0, 0, 0, 0, 100],
                                      [30, 20, 0, 0, 20, 30, 0, 0, 0, 0, 2, 1, 0, 0, 1, 2]]
    static let b: [Float] = [1, -2, 0.5, 3, -1, 1, 2, -0.5]

    static func gradients(_ x: [Float]) -> [Float] {
        (0..<2).flatMap { i in
            (0..<d).map { r in (0..<d).reduce(-b[i * d + r]) { $0 + matrices[i][r * d + $1] * x[i * d + $1] } }
        }
    }

    /// The newest pair satisfies the secant condition H y = s, and an empty
    /// history gives −γP∇f with γ = 1.
    func testDirectionMeetsTheSecantConditionOfTheNewestPair() {
        let d = Self.d
        var memory = PreimageMemory(rows: 2, dimension: d, capacity: 3)
        let g: [Float] = [1, 2, 3, 4, -1, 0, 1, 2]
        XCTAssertEqual(memory.direction(gradients: g, precondition: { $0.map { 2 * $0 } }), g.map { -2 * $0 })
        var x = [Float](repeating: 0, count: 2 * d)
        for k in 0..<3 {
            let s = (0..<(2 * d)).map { Float(($0 * 7 + k * 3) % 5) - 2 + (k == 0 ? 0.5 : 0) }
            let moved = zip(x, s).map { $0 + $1 }
            let y = zip(Self.gradients(moved), Self.gradients(x)).map { $0 - $1 }
            for i in 0..<2 {
                let row = (i * d)..<((i + 1) * d)
                memory.record(row: i, step: s[row], change: y[row], preconditionedChange: y[row])
            }
            x = moved
            let h = memory.direction(gradients: y, precondition: { $0 })
            for j in 0..<(2 * d) { XCTAssertEqual(-h[j], s[j], accuracy: 1e-3 * (1 + abs(s[j])), "pair \(k), entry \(j)") }
        }
    }

    /// With unit steps L-BFGS solves both ill-conditioned rows in far fewer
    /// steps than gradient descent at its best fixed step would need (≈ 100 × log 1e6).
    func testUnitStepsSolveIllConditionedQuadratics() {
        let d = Self.d
        var memory = PreimageMemory(rows: 2, dimension: d, capacity: 8)
        var x = [Float](repeating: 0, count: 2 * d)
        var g = Self.gradients(x)
        var steps = 0
        while g.map(abs).max()! > 1e-4 && steps < 40 {
            // A first step scaled to the largest curvature keeps the first pair's γ sensible.
            let direction = memory.direction(gradients: g, precondition: { $0.map { $0 / 100 } })
            let moved = zip(x, direction).map { $0 + $1 }
            let movedG = Self.gradients(moved)
            let y = zip(movedG, g).map { $0 - $1 }
            for i in 0..<2 {
                let row = (i * d)..<((i + 1) * d)
                memory.record(row: i, step: direction[row], change: y[row], preconditionedChange: y[row].map { $0 / 100 }[...])
            }
            x = moved
            g = movedG
            steps += 1
        }
        XCTAssertLessThan(steps, 20, "|∇f| \(g.map(abs).max()!) after \(steps) steps")
    }
}
