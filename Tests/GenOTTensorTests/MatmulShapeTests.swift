import Foundation
@testable import GenOTTensor
import GenOTTestSupport
import XCTest

/// Products with a side of 1 take other BLAS routes (sgemv, sger) than
/// sgemm: every shape and transpose against a plain triple loop, plus the
/// affine op with one output and the in-place gradient totals.
final class MatmulShapeTests: XCTestCase {
    var random = SeededRandom(seed: 5)

    /// op(a)·op(b) by definition, in Float64.
    func naive(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool) -> Tensor {
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1]
        let n = tb ? b.shape[0] : b.shape[1]
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for l in 0..<k {
                    let x = ta ? a.storage[l * m + i] : a.storage[i * k + l]
                    let y = tb ? b.storage[j * k + l] : b.storage[l * n + j]
                    s += Double(x) * Double(y)
                }
                out[i * n + j] = Float(s)
            }
        }
        return Tensor(shape: [m, n], storage: out)
    }

    func testProductsWithASideOfOneMatchTheDefinition() {
        for (m, k, n) in [(1, 7, 5), (6, 7, 1), (6, 1, 5), (1, 1, 5), (6, 1, 1), (1, 7, 1), (4, 3, 5)] {
            for ta in [false, true] {
                for tb in [false, true] {
                    let a = random.normal(ta ? [k, m] : [m, k]), b = random.normal(tb ? [n, k] : [k, n])
                    assertClose(a.matmul(b, transposeSelf: ta, transposeOther: tb), naive(a, b, ta, tb),
                                "m \(m) k \(k) n \(n) ta \(ta) tb \(tb)")
                }
            }
        }
    }

    func testAffineWithOneOutputAndItsGradients() {
        let x = random.normal([6, 4]), w = random.normal([1, 4]), b = random.normal([1])
        assertClose(x.affine(weight: w, bias: b), naive(x, w, false, true) + b)
        GradientCheck.first([x, w, b], "affine to 1") { $0[0].affine(weight: $0[1], bias: $0[2]) }
        GradientCheck.second([x, w, b], "affine to 1 then silu") { $0[0].affine(weight: $0[1], bias: $0[2]).silu().sum() }
    }

    /// x used three times: its gradient is a sum of three contributions,
    /// added in place when no graph is recorded; same values either way.
    func testGradientTotalsAddUpWithAndWithoutAGraph() {
        let x = random.normal([3, 4]).requiringGrad()
        let y = (x * x + x.silu() + x.scaled(by: 3)).sum()
        let plain = gradient(of: y, wrt: x, retainGraph: true)
        let recorded = gradient(of: y, wrt: x, createGraph: true)
        let expected = x.scaled(by: 2) + x.siluDerivative(1, times: Tensor.ones([3, 4]), sigmoid: x.sigmoid().storage).shifted(by: 3)
        assertClose(plain, expected)
        assertClose(recorded, expected)
    }
}
