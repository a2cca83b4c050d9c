import GenOTTensor
import GenOTTestSupport
import XCTest

/// Central-difference checks of the gradient of every op, broadcasting included.
final class OpGradientTests: XCTestCase {
    var random = SeededRandom(seed: 1)

    func normal(_ shape: [Int], _ scale: Float = 1) -> Tensor { random.normal(shape, std: scale) }
    /// Values in [0.5, 2]: inside the domain of log, sqrt and pow.
    func positive(_ shape: [Int]) -> Tensor { random.uniform(shape, low: 0.5, high: 2) }
    /// Values at least 0.1 away from zero, where abs, sign and relu have kinks.
    func awayFromZero(_ shape: [Int]) -> Tensor {
        let t = random.uniform(shape, low: 0.1, high: 1.5)
        let signs = random.uniform(shape)
        for i in 0..<t.count where signs.storage[i] < 0.5 { t.storage[i] = -t.storage[i] }
        return t
    }

    func testBinaryOpsWithBroadcasting() {
        let cases: [([Int], [Int])] = [([3, 4], [3, 4]), ([3, 4], []), ([], [3, 4]), ([3, 4], [4]),
                                       ([1, 4], [3, 4]), ([3, 4], [3, 1]), ([3, 1], [3, 4]),
                                       ([2, 3, 4], [3, 1]), ([2, 1, 4], [1, 3, 1])]
        for (sa, sb) in cases {
            let a = normal(sa), b = normal(sb), bPositive = positive(sb)
            GradientCheck.first([a, b], "add \(sa) \(sb)") { $0[0] + $0[1] }
            GradientCheck.first([a, b], "sub \(sa) \(sb)") { $0[0] - $0[1] }
            GradientCheck.first([a, b], "mul \(sa) \(sb)") { $0[0] * $0[1] }
            GradientCheck.first([a, bPositive], "div \(sa) \(sb)") { $0[0] / $0[1] }
        }
    }

    func testBinaryValuesBroadcast() {
        let m = Tensor([[1, 2, 3], [4, 5, 6]])
        assertClose(m + Tensor(shape: [3], storage: [10, 20, 30]), Tensor([[11, 22, 33], [14, 25, 36]]))
        assertClose(m * Tensor(shape: [2, 1], storage: [2, 3]), Tensor([[2, 4, 6], [12, 15, 18]]))
        assertClose(Tensor(shape: [2, 1], storage: [1, 2]) - Tensor(shape: [1, 3], storage: [1, 2, 3]),
                    Tensor([[0, -1, -2], [1, 0, -1]]))
        assertClose(2 / Tensor([[1, 4]]), Tensor([[2, 0.5]]))
    }

    func testUnaryOps() {
        let x = normal([3, 5]), p = positive([3, 5]), k = awayFromZero([3, 5])
        GradientCheck.first([x], "neg") { -$0[0] }
        GradientCheck.first([x], "scale") { $0[0].scaled(by: -1.5) }
        GradientCheck.first([x], "shift") { $0[0].shifted(by: 2) }
        GradientCheck.first([x], "exp") { $0[0].exp() }
        GradientCheck.first([p], "log") { $0[0].log() }
        GradientCheck.first([p], "sqrt") { $0[0].sqrt() }
        GradientCheck.first([x], "square") { $0[0].square() }
        GradientCheck.first([p], "pow 2.5") { $0[0].pow(2.5) }
        GradientCheck.first([p], "pow -1.5") { $0[0].pow(-1.5) }
        GradientCheck.first([k], "abs") { $0[0].abs() }
        GradientCheck.first([k], "sign") { $0[0].sign() * $0[0] }
    }

    func testActivations() {
        let x = normal([4, 6], 2), k = awayFromZero([4, 6])
        GradientCheck.first([x], "tanh") { $0[0].tanh() }
        GradientCheck.first([x], "sigmoid") { $0[0].sigmoid() }
        GradientCheck.first([x], "softplus") { $0[0].softplus() }
        GradientCheck.first([x], "silu") { $0[0].silu() }
        GradientCheck.first([x], "silu sharpness 4") { $0[0].silu(sharpness: 4) }
        GradientCheck.first([k], "relu") { $0[0].relu() }
    }

    func testActivationValuesAtExtremes() {
        let x = Tensor(shape: [4], storage: [-100, -1, 1, 100])
        assertClose(x.sigmoid(), Tensor(shape: [4], storage: [0, 0.268941, 0.731059, 1]), rtol: 1e-5)
        assertClose(x.softplus(), Tensor(shape: [4], storage: [0, 0.313262, 1.313262, 100]), rtol: 1e-5)
        assertClose(x.silu(), Tensor(shape: [4], storage: [0, -0.268941, 0.731059, 100]), rtol: 1e-5, atol: 1e-6)
        // x·σ(4x) = SiLU(4x)/4, the same function built from separate ops.
        let y = Tensor(shape: [6], storage: [-30, -1, -0.2, 0.3, 1, 30])
        assertClose(y.silu(sharpness: 4), y.scaled(by: 4).silu().scaled(by: 0.25), rtol: 1e-5, atol: 1e-7)
    }

    func testReductions() {
        let x = normal([3, 4, 5])
        GradientCheck.first([x], "sum") { $0[0].sum() }
        GradientCheck.first([x], "mean") { $0[0].mean() }
        for axis in [0, 1, 2, -1] {
            for keep in [false, true] {
                GradientCheck.first([x], "sum axis \(axis) keep \(keep)") { $0[0].sum(axis: axis, keepDims: keep) }
                GradientCheck.first([x], "mean axis \(axis) keep \(keep)") { $0[0].mean(axis: axis, keepDims: keep) }
            }
        }
        let m = Tensor([[1, 2, 3], [4, 5, 6]])
        assertClose(m.sum(axis: 0), Tensor(shape: [3], storage: [5, 7, 9]))
        assertClose(m.sum(axis: 1, keepDims: true), Tensor(shape: [2, 1], storage: [6, 15]))
        XCTAssertEqual(m.mean().scalarValue, 3.5)
    }

    func testMatmulAllTranspositions() {
        let a = normal([3, 4]), b = normal([4, 5])
        let at = a.detached().transposed(), bt = b.detached().transposed()
        let expected = naiveMatmul(a, b)
        assertClose(a.matmul(b), expected, rtol: 1e-5, atol: 1e-5)
        assertClose(at.matmul(b, transposeSelf: true), expected, rtol: 1e-5, atol: 1e-5)
        assertClose(a.matmul(bt, transposeOther: true), expected, rtol: 1e-5, atol: 1e-5)
        assertClose(at.matmul(bt, transposeSelf: true, transposeOther: true), expected, rtol: 1e-5, atol: 1e-5)
        GradientCheck.first([a, b], "AB") { $0[0].matmul($0[1]) }
        GradientCheck.first([at, b], "AᵀB") { $0[0].matmul($0[1], transposeSelf: true) }
        GradientCheck.first([a, bt], "ABᵀ") { $0[0].matmul($0[1], transposeOther: true) }
        GradientCheck.first([at, bt], "AᵀBᵀ") { $0[0].matmul($0[1], transposeSelf: true, transposeOther: true) }
    }

    func testShapeOps() {
        let x = normal([3, 4]), y = normal([3, 2]), z = normal([2, 4])
        GradientCheck.first([x], "transpose") { $0[0].transposed() }
        GradientCheck.first([x], "reshape") { $0[0].reshaped([2, -1]) }
        GradientCheck.first([x, y], "concat axis 1") { Tensor.concat([$0[0], $0[1]], axis: 1) }
        GradientCheck.first([x, z], "concat axis 0") { Tensor.concat([$0[0], $0[1]], axis: 0) }
        GradientCheck.first([x], "slice axis 1") { $0[0].slice(axis: 1, start: 1, length: 2) }
        GradientCheck.first([x], "slice axis 0") { $0[0].slice(axis: 0, start: 2, length: 1) }
        GradientCheck.first([x], "pad") { $0[0].padded(axis: 1, before: 1, after: 2) }
        GradientCheck.first([x], "broadcast") { $0[0].reshaped([1, 3, 4]).broadcast(to: [2, 3, 4]) }
        GradientCheck.first([x], "sumToShape") { $0[0].sumToShape([1, 4]) }
        let joined = Tensor.concat([Tensor([[1, 2]]), Tensor([[3]])], axis: 1)
        XCTAssertEqual(joined.storage, [1, 2, 3])
        XCTAssertEqual(Tensor([[1, 2, 3], [4, 5, 6]]).transposed().storage, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(Tensor([[1, 2, 3], [4, 5, 6]]).slice(axis: 1, start: 1, length: 2).storage, [2, 3, 5, 6])
    }

    func testIndexingOps() {
        let x = normal([5, 3])
        GradientCheck.first([x], "gatherRows with repeats") { $0[0].gatherRows([4, 0, 4, 2]) }
        GradientCheck.first([normal([4, 3])], "scatterAddRows") { $0[0].scatterAddRows([1, 1, 0, 3], rows: 5) }
        let codes = Tensor.oneHot([2, 0], classes: 3)
        XCTAssertEqual(codes.storage, [0, 0, 1, 1, 0, 0])
    }

    func testPairwiseSquaredDistances() {
        let x = normal([4, 3]), y = normal([5, 3])
        let d = x.pairwiseSquaredDistances(y)
        for i in 0..<4 {
            for j in 0..<5 {
                var expected: Float = 0
                for k in 0..<3 { let diff = x.storage[i * 3 + k] - y.storage[j * 3 + k]; expected += diff * diff }
                XCTAssertEqual(d.storage[i * 5 + j], expected, accuracy: 1e-4)
            }
        }
        GradientCheck.first([x, y], "pairwise distances") { $0[0].pairwiseSquaredDistances($0[1]) }
    }

    func naiveMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for l in 0..<k { c[i * n + j] += a.storage[i * k + l] * b.storage[l * n + j] } } }
        return Tensor(shape: [m, n], storage: c)
    }
}

extension OpGradientTests {
    func testAffineMatchesMatmulPlusBias() {
        let x = normal([5, 3]), w = normal([4, 3]), b = normal([4])
        assertClose(x.affine(weight: w, bias: b), x.matmul(w, transposeOther: true) + b, rtol: 1e-5, atol: 1e-5)
        GradientCheck.first([x, w, b], "affine") { $0[0].affine(weight: $0[1], bias: $0[2]) }
        GradientCheck.second([x, w, b], "affine") { $0[0].affine(weight: $0[1], bias: $0[2]).silu().sum() }
    }
}
