import Foundation
import GenOTApps
import GenOTTensor
import XCTest

/// The mixture benchmark's known map: a gradient of a strictly convex ψ
/// (checked numerically), its closed form on small cases, determinism from
/// a seed, and the baselines' scores.
final class MixtureBenchmarkTests: XCTestCase {
    /// The largest |aᵢ − bᵢ| relative to the largest |bᵢ|.
    func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        let scale = Swift.max(b.map(Swift.abs).max() ?? 0, 1e-300)
        return (zip(a, b).map { Swift.abs($0 - $1) }.max() ?? 0) / scale
    }

    /// J[i][k] = ∂(∇ψ)_i/∂x_k by central differences (step h), Float64.
    func numericalJacobian(_ map: ConvexMixtureMap, at x: [Double], h: Double) -> [Double] {
        let d = x.count
        var jacobian = [Double](repeating: 0, count: d * d)
        for k in 0..<d {
            var plus = x, minus = x
            plus[k] += h
            minus[k] -= h
            let gp = map.gradient(plus), gm = map.gradient(minus)
            for i in 0..<d { jacobian[i * d + k] = (gp[i] - gm[i]) / (2 * h) }
        }
        return jacobian
    }

    /// At random points of μ (and between its components, where the pieces
    /// trade places), the Jacobian of ∇ψ is symmetric and its smallest
    /// eigenvalue is at least ε: ∇ψ is the gradient of a strictly convex function.
    func testMapIsTheGradientOfAConvexFunction() throws {
        for d in [2, 5, 12] {
            let pair = try MixturePair.random(dimension: d, seed: 11)
            var random = SeededRandom(seed: 5)
            let x = pair.source.sample(20, using: &random)
            for r in 0..<x.shape[0] {
                let point = (0..<d).map { Double(x.storage[r * d + $0]) }
                let jacobian = numericalJacobian(pair.map, at: point, h: 1e-5)
                let transposed = (0..<(d * d)).map { jacobian[($0 % d) * d + $0 / d] }
                XCTAssertLessThan(relativeError(jacobian, transposed), 1e-6, "asymmetric Jacobian at d = \(d), point \(r)")
                let symmetric = SymmetricMatrix(size: d, values: zip(jacobian, transposed).map { 0.5 * ($0 + $1) })
                let smallest = try symmetric.eigen().eigenvalues.first!
                XCTAssertGreaterThan(smallest, pair.map.curvature * (1 - 1e-4), "d = \(d), point \(r): λ_min \(smallest)")
            }
        }
    }

    /// ∇ψ is the gradient of ψ: central differences of ψ match it.
    func testGradientMatchesFiniteDifferencesOfThePotential() throws {
        let pair = try MixturePair.random(dimension: 4, seed: 2)
        var random = SeededRandom(seed: 8)
        let x = pair.source.sample(10, using: &random)
        for r in 0..<x.shape[0] {
            let point = (0..<4).map { Double(x.storage[r * 4 + $0]) }
            let h = 1e-6
            let numerical = (0..<4).map { k -> Double in
                var plus = point, minus = point
                plus[k] += h
                minus[k] -= h
                return (pair.map.potential(plus) - pair.map.potential(minus)) / (2 * h)
            }
            XCTAssertLessThan(relativeError(numerical, pair.map.gradient(point)), 1e-6, "point \(r)")
        }
    }

    /// With one piece ψ(x) = a·x + b + (ε/2)‖x‖² + ½xᵀAx, so ∇ψ(x) = a + (εI + A)x,
    /// by hand for a = (1, −2), ε = 0.5, A = [[1, 0.5], [0.5, 2]]; and with two
    /// pieces far apart the softmax picks the larger one.
    func testClosedFormOnSmallCases() {
        let a = SymmetricMatrix(size: 2, values: [1, 0.5, 0.5, 2])
        let one = ConvexMixtureMap(slopes: [1, -2], offsets: [3], sharpness: 2, curvature: 0.5, quadratic: a)
        // x = (2, 1): a + 0.5x + Ax = (1 + 1 + 2.5, −2 + 0.5 + 3) = (4.5, 1.5).
        XCTAssertLessThan(relativeError(one.gradient([2, 1]), [4.5, 1.5]), 1e-12)
        // ψ(2, 1) = (2 − 2 + 3) + 0.25·5 + ½(2·2.5 + 1·3) = 3 + 1.25 + 4 = 8.25.
        XCTAssertEqual(one.potential([2, 1]), 8.25, accuracy: 1e-12)

        // Pieces x₁ and −x₁ at β = 1: ψ = log(2 cosh x₁) + ε/2‖x‖², ∇ψ₁ = tanh(x₁) + εx₁.
        let two = ConvexMixtureMap(slopes: [1, 0, -1, 0], offsets: [0, 0], sharpness: 1, curvature: 0.1,
                                   quadratic: SymmetricMatrix(size: 2, values: [0, 0, 0, 0]))
        for x1 in [-3.0, -0.4, 0, 0.7, 5] {
            XCTAssertLessThan(relativeError(two.gradient([x1, 2]), [Foundation.tanh(x1) + 0.1 * x1, 0.2]), 1e-12, "x₁ = \(x1)")
            XCTAssertEqual(two.potential([x1, 2]), Foundation.log(2 * Foundation.cosh(x1)) + 0.05 * (x1 * x1 + 4), accuracy: 1e-12)
        }
    }

    /// The same seed gives the same pair, training sets and fresh points;
    /// another seed gives others.
    func testDeterministicFromTheSeed() throws {
        let first = try MixturePair.random(dimension: 3, seed: 4), again = try MixturePair.random(dimension: 3, seed: 4)
        let other = try MixturePair.random(dimension: 3, seed: 5)
        XCTAssertEqual(first.map.slopes, again.map.slopes)
        XCTAssertEqual(first.map.offsets, again.map.offsets)
        XCTAssertEqual(first.map.sharpness, again.map.sharpness)
        XCTAssertEqual(first.source.means, again.source.means)
        XCTAssertEqual(first.targetVariance, again.targetVariance)
        XCTAssertNotEqual(first.map.slopes, other.map.slopes)
        XCTAssertNotEqual(first.source.means, other.source.means)

        let sets = MixtureBenchmark.trainingSets(first, points: 50, seed: 4)
        let setsAgain = MixtureBenchmark.trainingSets(again, points: 50, seed: 4)
        XCTAssertEqual(sets.source.storage, setsAgain.source.storage)
        XCTAssertEqual(sets.target.storage, setsAgain.target.storage)
        XCTAssertNotEqual(sets.source.storage, MixtureBenchmark.trainingSets(other, points: 50, seed: 5).source.storage)
        XCTAssertEqual(MixtureBenchmark.knownMap(first, count: 20, seed: 1).exact, MixtureBenchmark.knownMap(again, count: 20, seed: 1).exact)
    }

    /// The target has many more modes than the source: every piece is the
    /// dominant one for at least 1% of the points (each of the C source
    /// components is split into P target modes), and after balancing each
    /// piece's soft mass E_μ p_k is within 20% of 1/K, in low and high d.
    func testEveryPieceCarriesMass() throws {
        for d in [2, 16] {
            let pair = try MixturePair.random(dimension: d, seed: 0)
            var random = SeededRandom(seed: 3)
            let n = 4000, x = pair.source.sample(n, using: &random)
            let weights = pair.map.pieceWeights(x.storage.map(Double.init), rows: n)
            let k = pair.map.pieceCount
            var counts = [Int](repeating: 0, count: k), mass = [Double](repeating: 0, count: k)
            for r in 0..<n {
                let row = weights[(r * k)..<(r * k + k)]
                counts[row.firstIndex(of: row.max()!)! - r * k] += 1
                for j in 0..<k { mass[j] += weights[r * k + j] / Double(n) }
            }
            XCTAssertEqual(k, 12)
            XCTAssert(counts.allSatisfy { $0 >= n / 100 }, "d = \(d): points per dominant piece \(counts)")
            XCTAssert(mass.allSatisfy { Swift.abs($0 * Double(k) - 1) < 0.2 }, "d = \(d): K × soft masses \(mass.map { $0 * Double(k) })")
        }
    }

    /// The benchmark is hard for the baselines: identity UVP above 30%,
    /// linear UVP above 5% in the plane (P cones around a point in 2-D are
    /// close to a radial push, which a linear map follows best; ~9% there)
    /// and above 25% from d = 16 on (~40%); the linear inverse likewise.
    func testBaselinesScoreBadly() throws {
        for (d, linear, inverse) in [(2, 5.0, 5.0), (16, 25.0, 10.0)] {
            let scores = try MixtureBenchmark.baselines(dimension: d, points: 4000)
            XCTAssertGreaterThan(scores.identityUVP, 30, "d = \(d)")
            XCTAssertGreaterThan(scores.linearUVP, linear, "d = \(d)")
            XCTAssertGreaterThan(scores.linearInverseUVP, inverse, "d = \(d)")
        }
    }

    /// Pieces per component: 4 up to d = 32, then one more every 8 dimensions.
    func testPiecesGrowWithTheDimension() {
        let shape = MixturePair.Shape()
        XCTAssertEqual([2, 16, 32, 33, 64, 128].map { shape.pieces(dimension: $0) }, [4, 4, 4, 5, 8, 16])
    }

    /// On an exactly Gaussian pair the linear map fitted to samples is the OT
    /// map up to sampling error: UVP ≈ 0 both ways. Twice: the Gaussian
    /// benchmark's pair, and the mixture construction with one component and
    /// one piece (ψ quadratic, so ν is Gaussian too).
    func testLinearMapOfAGaussianPairScoresZero() throws {
        let ot = try GaussianOT.random(dimension: 3, seed: 6)
        var random = SeededRandom(seed: 2)
        let source = ot.sourceSampler.sample(20_000, using: &random), target = ot.targetSampler.sample(20_000, using: &random)
        let gaussian = try GaussianBenchmark.knownMap(ot, count: 4096, seed: 1).baselines(trainingSource: source, trainingTarget: target)
        XCTAssertLessThan(gaussian.linearUVP, 0.2)
        XCTAssertLessThan(gaussian.linearInverseUVP, 0.2)
        XCTAssertGreaterThan(gaussian.identityUVP, 10)

        var shape = MixturePair.Shape()
        shape.components = 1
        shape.piecesPerComponent = 1
        let single = try MixtureBenchmark.baselines(dimension: 3, points: 20_000, seed: 1, shape: shape)
        XCTAssertLessThan(single.linearUVP, 0.2)
        XCTAssertLessThan(single.linearInverseUVP, 0.2)
    }
}
