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

    /// A backward rule's product added in place to a running total (GEMM,
    /// sgemv or the outer-product loop with β = 1): total + op(a)·op(b).
    func testProductsAddedToATotalMatchTheDefinition() {
        for (m, k, n) in [(6, 1, 5), (1, 7, 5), (6, 7, 1), (4, 3, 5), (3, 0, 2)] {
            for ta in [false, true] {
                for tb in [false, true] {
                    let a = random.normal(ta ? [k, m] : [m, k]), b = random.normal(tb ? [n, k] : [k, n])
                    let start = random.normal([m, n]), total = start.detached()
                    XCTAssertNil(Tensor.product(a, b, transposeA: ta, transposeB: tb, addingTo: total))
                    assertClose(total, start + naive(a, b, ta, tb), "m \(m) k \(k) n \(n) ta \(ta) tb \(tb)")
                }
            }
        }
    }

    /// A row bias with every route of `BLAS.sgemm` (sgemv, the outer-product
    /// loop, OpenBLAS's sgemm or gen-ot's kernel, on one thread and on all).
    func testProductsWithARowBiasMatchTheDefinition() {
        let threads = BLAS.threadCount
        defer { BLAS.setThreadCount(threads) }
        for count in [1, threads] {
            BLAS.setThreadCount(count)
            for (m, k, n) in [(6, 7, 1), (1, 7, 5), (6, 1, 5), (4, 3, 5), (120, 40, 33)] {
                let a = random.normal([m, k]), b = random.normal([n, k]), bias = random.normal([n])
                var c = [Float](repeating: .nan, count: m * n)
                a.storage.withUnsafeBufferPointer { pa in
                    b.storage.withUnsafeBufferPointer { pb in
                        bias.storage.withUnsafeBufferPointer { pbias in
                            c.withUnsafeMutableBufferPointer { pc in
                                BLAS.sgemm(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: m, n: n, k: k,
                                           transposeA: false, transposeB: true, rowBias: pbias.baseAddress!)
                            }
                        }
                    }
                }
                assertClose(Tensor(shape: [m, n], storage: c), naive(a, b, false, true) + bias, rtol: 1e-4, atol: 1e-4,
                            "m \(m) k \(k) n \(n), \(count) thread(s)")
            }
        }
    }

    /// gen-ot's own single-threaded kernel (`MatrixKernel`) against the
    /// definition: every transposition, α and β, a row bias, edges of its
    /// 12-row tiles and 32-column panels, depths past its 256-deep blocks. Where the CPU lacks AVX-512 the kernel must never be
    /// chosen, and that is what is checked instead.
    func testOwnMatrixKernelMatchesTheDefinition() {
        guard MatrixKernel.isAvailable else {
            XCTAssertFalse(VectorUnit.isWide && ProcessInfo.processInfo.environment["GENOT_GEMM"] == nil,
                           "an AVX-512 CPU without GENOT_GEMM set must use the own kernel")
            let threads = BLAS.threadCount
            BLAS.setThreadCount(1)
            defer { BLAS.setThreadCount(threads) }
            XCTAssertFalse(MatrixKernel.handles(m: 384, n: 256, k: 256))
            return
        }
        for (m, k, n) in [(12, 16, 32), (25, 300, 45), (96, 256, 256), (131, 513, 70), (1, 3, 1), (7, 1, 33), (40, 17, 16)] {
            for ta in [false, true] {
                for tb in [false, true] {
                    // (α, β, with a row bias): the bias only with β = 0.
                    for (alpha, beta, biased) in [(Float(1), Float(0), false), (1, 1, false), (-0.5, 2, false), (1, 0, true)] {
                        let a = random.normal(ta ? [k, m] : [m, k]), b = random.normal(tb ? [n, k] : [k, n])
                        let start = random.normal([m, n]), bias = random.normal([n])
                        var c = start.storage
                        a.storage.withUnsafeBufferPointer { pa in
                            b.storage.withUnsafeBufferPointer { pb in
                                bias.storage.withUnsafeBufferPointer { pbias in
                                    c.withUnsafeMutableBufferPointer { pc in
                                        MatrixKernel.sgemm(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: m, n: n, k: k,
                                                           transposeA: ta, transposeB: tb, alpha: alpha, beta: beta,
                                                           rowBias: biased ? pbias.baseAddress! : nil)
                                    }
                                }
                            }
                        }
                        let expected = naive(a, b, ta, tb).scaled(by: alpha) + start.scaled(by: beta) + (biased ? bias : Tensor(0))
                        assertClose(Tensor(shape: [m, n], storage: c), expected, rtol: 1e-4, atol: 1e-4,
                                    "m \(m) k \(k) n \(n) ta \(ta) tb \(tb) α \(alpha) β \(beta) bias \(biased)")
                    }
                }
            }
        }
        // Inside a shard (one BLAS thread) the step's products take it.
        let threads = BLAS.threadCount
        BLAS.setThreadCount(1)
        defer { BLAS.setThreadCount(threads) }
        XCTAssertTrue(MatrixKernel.handles(m: 384, n: 256, k: 256))
    }

    /// The affine map of column blocks equals the affine map of their
    /// concatenation: values, gradients of every block and parameter with
    /// and without a graph, second order through the blocks' gradients; a
    /// block that takes no gradient (t, a class code) gets none.
    func testAffineOfBlocksMatchesTheConcatenation() {
        let x = random.normal([5, 3]), t = random.uniform([5, 1]), code = Tensor.oneHot([0, 2, 1, 2, 0], classes: 3)
        let w = random.normal([4, 7]), b = random.normal([4])
        assertClose(Tensor.affine(blocks: [x, t, code], weight: w, bias: b),
                    Tensor.concat([x, t, code], axis: 1).affine(weight: w, bias: b))
        // u = Σ silu(affine)·r, differentiated in x with a graph, as the HJ loss does.
        let r = random.normal([5, 4])
        func loss(_ affine: (Tensor, Tensor, Tensor) -> Tensor, createGraph: Bool) -> [Tensor] {
            let leaf = x.requiringGrad(), weight = w.requiringGrad(), bias = b.requiringGrad()
            let u = (affine(leaf, weight, bias).silu() * r).sum()
            let p = gradient(of: u, wrt: leaf, createGraph: true)
            return [p] + gradients(of: p.square().sum() + u, wrt: [leaf, weight, bias], createGraph: createGraph)
        }
        let blocks = { (x: Tensor, w: Tensor, b: Tensor) in Tensor.affine(blocks: [x, t, code], weight: w, bias: b) }
        let concatenated = { (x: Tensor, w: Tensor, b: Tensor) in Tensor.concat([x, t, code], axis: 1).affine(weight: w, bias: b) }
        for createGraph in [false, true] {
            for (a, e) in zip(loss(blocks, createGraph: createGraph), loss(concatenated, createGraph: createGraph)) {
                assertClose(a, e, rtol: 1e-5, atol: 1e-6, "graph \(createGraph)")
            }
        }
        GradientCheck.second([x, w, b], eps: 2.5e-3, "affine of blocks") {
            Tensor.affine(blocks: [$0[0], t, code], weight: $0[1], bias: $0[2]).silu().square().sum()
        }
        let leaf = x.requiringGrad()
        XCTAssertEqual(gradients(of: Tensor.affine(blocks: [leaf, t, code], weight: w, bias: b).sum(), wrt: [leaf, t])[1].storage,
                       [Float](repeating: 0, count: 5), "t takes no gradient: zeros")
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
