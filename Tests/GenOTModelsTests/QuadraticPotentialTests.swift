@testable import GenOTModels
import GenOTTensor
import GenOTTestSupport
import XCTest

final class QuadraticPotentialTests: XCTestCase {
    func randomGaussian(_ d: Int, _ random: inout SeededRandom) -> Gaussian {
        let m = random.normal([d]).storage.map(Double.init)
        let r = random.normal([d, d]).storage.map(Double.init)
        var covariance = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d {
            for k in 0..<d { covariance[i * d + j] += r[i * d + k] * r[j * d + k] / Double(d) }
            if i == j { covariance[i * d + j] += 0.5 }
        } }
        return Gaussian(mean: m, covariance: covariance)
    }

    /// The closed-form map pushes N(m₁, Σ₁) samples to N(m₂, Σ₂).
    func testGaussianMapMatchesTargetMoments() throws {
        var random = SeededRandom(seed: 1)
        let source = randomGaussian(3, &random), target = randomGaussian(3, &random)
        let map = try GaussianOTMap(from: source, to: target)
        let pushed = Gaussian(fitting: map.apply(try source.sample(20000, using: &random)))
        assertClose(pushed.mean.map(Float.init), target.mean.map(Float.init), rtol: 0, atol: 0.05)
        assertClose(pushed.covariance.map(Float.init), target.covariance.map(Float.init), rtol: 0.05, atol: 0.05)
        // A is symmetric positive definite.
        XCTAssertTrue(try SymmetricMatrix(size: 3, values: map.matrix).eigen().eigenvalues.allSatisfy { $0 > 0 })
    }

    /// u solves the HJ equation exactly: the implicit residual vanishes, and x + ∇u(x, 0) = T*(x).
    func testExactSolutionOfHJAndForwardMap() throws {
        var random = SeededRandom(seed: 2)
        let target = randomGaussian(4, &random)
        let map = try GaussianOTMap(from: .standard(4), to: target)
        let u = try QuadraticPotential(map: map)
        let x = random.normal([16, 4]).requiringGrad(), t = random.uniform([16, 1])
        let residual = quadraticHJResidual({ u($0, $1) }, x: x, t: t)
        XCTAssertLessThan(residual.abs().storage.max()!, 2e-4)
        let p0 = gradient(of: u(x, Tensor.zeros([16, 1])), wrt: x)
        assertClose(x.detached() + p0, map.apply(x), rtol: 1e-4, atol: 1e-4)
        // p is constant along characteristics: ∇u(T(x), 1) = ∇u(x, 0).
        let y = (x.detached() + p0).requiringGrad()
        assertClose(gradient(of: u(y, Tensor.ones([16, 1])), wrt: y), p0, rtol: 1e-3, atol: 1e-3)
    }

    /// At times without a gradient u is evaluated as one quadratic form per
    /// row: the same values, gradients and Hessian-vector products as the
    /// characteristic form, for varying times, all-zero times and one time
    /// for every row.
    func testRowFormMatchesCharacteristicForm() throws {
        var random = SeededRandom(seed: 3)
        let u = try QuadraticPotential(map: GaussianOTMap(from: .standard(4), to: randomGaussian(4, &random)))
        let x = random.normal([12, 4]), v = random.normal([12, 4])
        for t in [random.uniform([12, 1]), Tensor.zeros([12, 1]), Tensor(shape: [1, 1], storage: [0.7])] {
            let rowForm = x.requiringGrad(), characteristic = x.requiringGrad()
            let a = u(rowForm, t), b = u.characteristicForm(characteristic, t)
            assertClose(a, b, rtol: 1e-4, atol: 1e-5)
            let pa = gradient(of: a, wrt: rowForm, createGraph: true), pb = gradient(of: b, wrt: characteristic, createGraph: true)
            assertClose(pa, pb, rtol: 1e-4, atol: 1e-5)
            assertClose(gradient(of: (pa * v).sum(), wrt: rowForm), gradient(of: (pb * v).sum(), wrt: characteristic),
                        rtol: 1e-4, atol: 1e-5)
        }
    }

    func testSymmetricSquareRoot() throws {
        let m: [Double] = [4, 1, 1, 3]
        let root = try SymmetricMatrix(size: 2, values: m).sqrtm().values
        let squared = Matrix.multiply(root, root, 2, 2, 2)
        assertClose(squared.map(Float.init), m.map(Float.init), rtol: 1e-6, atol: 1e-6)
    }
}

