import Foundation
import GenOTApps
import GenOTMetrics
import GenOTModels
import GenOTTensor
import XCTest

final class SymmetricMatrixTests: XCTestCase {
    func assertClose(_ a: [Double], _ b: [Double], tolerance: Double, _ message: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        let worst = zip(a, b).map { Swift.abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, "largest error \(worst) \(message)", file: file, line: line)
    }

    /// [[2, 1], [1, 2]] has eigenvalues 1, 3 with vectors (1, −1)/√2, (1, 1)/√2,
    /// so its square root is ½[[√3 + 1, √3 − 1], [√3 − 1, √3 + 1]].
    func testKnownSquareRoot() throws {
        let s = SymmetricMatrix(size: 2, values: [2, 1, 1, 2])
        let (values, _) = try s.eigen()
        assertClose(values, [1, 3], tolerance: 1e-12)
        let r3 = Foundation.sqrt(3.0)
        assertClose(try s.sqrtm().values, [(r3 + 1) / 2, (r3 - 1) / 2, (r3 - 1) / 2, (r3 + 1) / 2], tolerance: 1e-12)
        let inverse = try s.inverseSqrtm()
        assertClose(SymmetricMatrix.product([inverse, s, inverse]), SymmetricMatrix.identity(2).values, tolerance: 1e-12)
    }

    func testRandomSPDMatrixFunctions() throws {
        var random = SeededRandom(seed: 4)
        let n = 12
        let g = (0..<(n * n)).map { _ in Double(random.nextNormal()) }
        var values = Matrix.multiply(g, g, n, n, n, transposeB: true)
        for i in 0..<n { values[i * n + i] += 0.5 }
        let s = SymmetricMatrix(size: n, values: values)
        let (lambda, v) = try s.eigen()
        XCTAssertEqual(lambda, lambda.sorted())
        // V Λ Vᵀ = S and VᵀV = I.
        var scaled = v
        for i in 0..<n { for k in 0..<n { scaled[i * n + k] *= lambda[k] } }
        assertClose(Matrix.multiply(scaled, v, n, n, n, transposeB: true), s.values, tolerance: 1e-10)
        assertClose(Matrix.multiply(v, v, n, n, n, transposeA: true), SymmetricMatrix.identity(n).values, tolerance: 1e-12)
        let root = try s.sqrtm()
        assertClose(SymmetricMatrix.product([root, root]), s.values, tolerance: 1e-9)
        XCTAssertThrowsError(try SymmetricMatrix(size: 2, values: [1, 2, 2, 1]).inverseSqrtm())
    }

    /// Diagonal covariances: the OT map is diag(√(b/a)).
    func testClosedFormMapDiagonalCase() throws {
        let a: [Double] = [0.5, 2, 1.5], b: [Double] = [2, 0.7, 1.5]
        let map = try GaussianOTMap.closedForm(source: .diagonal(a), target: .diagonal(b))
        assertClose(map.values, SymmetricMatrix.diagonal(zip(a, b).map { ($1 / $0).squareRoot() }).values, tolerance: 1e-12)
        // 1-D with means: T*(x) = m2 + σ2/σ1 (x − m1).
        let ot = try GaussianOT(sourceMean: [1], sourceCovariance: .diagonal([4]), targetMean: [-2], targetCovariance: .diagonal([9]))
        assertClose(ot.optimalMap(Tensor([[1], [3]])), [-2, 1], tolerance: 1e-6)
    }

    /// For random Gaussians, A pushes Σ1 to Σ2 (A Σ1 A = Σ2) and is symmetric
    /// positive definite (the gradient of a convex function).
    func testClosedFormMapPushesForwardRandomCase() throws {
        let ot = try GaussianOT.random(dimension: 6, seed: 3)
        let pushed = SymmetricMatrix.product([ot.map, ot.sourceCovariance, ot.map])
        assertClose(pushed, ot.targetCovariance.values, tolerance: 1e-10)
        XCTAssertGreaterThan(try ot.map.eigen().eigenvalues.first!, 0)
        let eigen = try ot.sourceCovariance.eigen().eigenvalues
        XCTAssert(eigen.allSatisfy { $0 >= 0.5 - 1e-9 && $0 <= 2 + 1e-9 }, "\(eigen)")
        // UVP of the exact map is 0; of the identity it is large.
        var random = SeededRandom(seed: 1)
        let x = ot.sourceSampler.sample(500, using: &random)
        let exact = Tensor(shape: x.shape, storage: ot.optimalMap(x).map { Float($0) })
        XCTAssertLessThan(ot.unexplainedVariancePercent(source: x, estimate: exact), 1e-9)
        XCTAssertGreaterThan(ot.unexplainedVariancePercent(source: x, estimate: x), 10)
    }
}
