import Foundation
@testable import GenOTTensor
import GenOTTestSupport
import XCTest

/// The fused ops the VAE uses (a convolution's bias, binary cross-entropy
/// on logits): values against their definitions, first and
/// second derivatives against central differences.
final class FusedOpTests: XCTestCase {
    var random = SeededRandom(seed: 21)

    /// A convolution's bias is written before the products accumulate onto
    /// the output: the same as adding it afterwards, in both directions, and
    /// its second derivatives through a SiLU match central differences.
    func testConvolutionBiasMatchesBroadcastAdd() {
        let x = random.normal([2, 6, 6, 3]), w = random.normal([4, 4, 4, 3]), b = random.normal([4])
        assertClose(x.conv2d(weight: w, bias: b, stride: 2, padding: 1),
                    x.conv2d(weight: w, bias: nil, stride: 2, padding: 1) + b)
        let y = random.normal([2, 3, 3, 4]), bt = random.normal([3])
        assertClose(y.convTranspose2d(weight: w, bias: bt, stride: 2, padding: 1),
                    y.convTranspose2d(weight: w, bias: nil, stride: 2, padding: 1) + bt)
        // Small inputs, where SiLU bends and float32 differences keep their digits.
        let xs = random.normal([1, 4, 4, 2]).scaled(by: 0.5), ws = random.normal([2, 4, 4, 2]).scaled(by: 0.5)
        GradientCheck.second([xs, ws, b.slice(axis: 0, start: 0, length: 2)], "conv with bias then silu") {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1).silu().sum()
        }
        GradientCheck.second([random.normal([1, 2, 2, 2]).scaled(by: 0.5), ws, bt.slice(axis: 0, start: 0, length: 2)],
                             "convT with bias then silu") {
            $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1).silu().sum()
        }
    }

    /// The SIMD exp against libm over its whole range, ends included.
    func testExpMatchesLibm() {
        var values: [Float] = [-200, -104, -88, -87.2, -50, -1e-4, 0, 1e-4, 1, 10, 50, 88.5, 88.72, 88.73, 100, .infinity, -.infinity]
        values += (0..<1000).map { Float($0) * 0.17 - 85 }
        let y = Tensor(shape: [values.count], storage: values).exp()
        for (x, v) in zip(values, y.storage) {
            let expected = Foundation.exp(x)
            if x < -87.3 {
                XCTAssertEqual(v, 0, "exp(\(x))")
            } else if expected.isInfinite {
                XCTAssertEqual(v, .infinity, "exp(\(x))")
            } else {
                XCTAssertEqual(v, expected, accuracy: 3e-7 * expected, "exp(\(x))")
            }
        }
        XCTAssertTrue(Tensor(shape: [1], storage: [.nan]).exp().storage[0].isNaN)
    }

    func testBinaryCrossEntropyWithLogitsMatchesDefinition() {
        // Extremes included: the stable form must not overflow or lose tiny tails.
        let logits: [Float] = [-100, -30, -17, -5, -1e-3, 0, 1e-3, 0.5, 5, 17, 30, 100, 3, -3, 8, -8, 2]
        let targets: [Float] = [0, 1, 0.5, 0.2, 1, 0, 0.5, 1, 0, 1, 0.3, 1, 0.9, 0.1, 1, 0, 0.5]
        let z = Tensor(shape: [logits.count], storage: logits), y = Tensor(shape: [targets.count], storage: targets)
        let loss = z.binaryCrossEntropyWithLogits(targets: y)
        for i in logits.indices {
            let zi = Double(logits[i]), yi = Double(targets[i])
            let expected = max(zi, 0) + Foundation.log1p(Foundation.exp(-abs(zi))) - yi * zi
            XCTAssertEqual(Double(loss.storage[i]), expected, accuracy: 1e-6 * max(1, abs(expected)), "z = \(zi), y = \(yi)")
        }
    }

    func testBinaryCrossEntropyWithLogitsGradients() {
        let z = random.normal([3, 5], std: 3), y = random.uniform([3, 5])
        GradientCheck.first([z, y], "bce logits") { $0[0].binaryCrossEntropyWithLogits(targets: $0[1]) }
        GradientCheck.second([z, y], "bce logits") { $0[0].binaryCrossEntropyWithLogits(targets: $0[1]).sum() }
        // The residual op on its own, all three inputs (its own double backward).
        let g = random.normal([3, 5])
        GradientCheck.first([z, y, g], "bce residual") { $0[0].logisticResidual(targets: $0[1], times: $0[2]) }
    }

    /// One channel, kernel 4, stride 2, padding 1: the VAE's first and last
    /// layers, where im2col copies runs of 4 floats.
    func testSingleChannelStridedConvolutionsMatchTheirAdjoint() {
        let x = random.normal([2, 8, 8, 1]), w = random.normal([3, 4, 4, 1]), y = random.normal([2, 4, 4, 3])
        let left = (x.conv2d(weight: w, bias: nil, stride: 2, padding: 1) * y).sum().scalarValue
        let right = (x * y.convTranspose2d(weight: w.reshaped([3, 4, 4, 1]), bias: nil, stride: 2, padding: 1)).sum().scalarValue
        XCTAssertEqual(left, right, accuracy: 1e-4 * max(1, abs(left)))
        GradientCheck.first([x, w, random.normal([3])], "conv C=1 k4 s2 p1") {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
        GradientCheck.first([y, random.normal([3, 4, 4, 1]), random.normal([1])], "convT Cout=1 k4 s2 p1") {
            $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
    }

    func testMaxPoolMatchesDefinitionAndDifferentiates() {
        let (n, h, w, c) = (2, 6, 4, 3)
        // Distinct values (a shuffled ramp), so every window has one maximum.
        let order = random.permutation(n * h * w * c)
        let x = Tensor(shape: [n, h, w, c], storage: order.map { Float($0) * 0.01 - 0.3 })
        let y = x.maxPool2d(2)
        XCTAssertEqual(y.shape, [n, 3, 2, c])
        for b in 0..<n { for oh in 0..<3 { for ow in 0..<2 { for ch in 0..<c {
            var best = -Float.infinity
            for i in 0..<2 { for j in 0..<2 { best = max(best, x.storage[((b * h + 2 * oh + i) * w + 2 * ow + j) * c + ch]) } }
            XCTAssertEqual(y.storage[((b * 3 + oh) * 2 + ow) * c + ch], best)
        } } } }
        GradientCheck.first([x], eps: 1e-3, "maxPool NHWC") { $0[0].maxPool2d(2) }
        GradientCheck.second([x], eps: 1e-3, "maxPool then silu") { $0[0].maxPool2d(2).silu().sum() }
    }

    func testFlatGatherAndScatterAreAdjoint() {
        let x = random.normal([4, 3]), indices: [Int32] = [11, 0, 5, 5, 7]
        let v = random.normal([5])
        let picked = x.gatherFlat(indices, shape: [5])
        XCTAssertEqual(picked.storage, indices.map { x.storage[Int($0)] })
        let left = (picked * v).sum().scalarValue
        let right = (x * v.scatterFlat(indices, shape: [4, 3])).sum().scalarValue
        XCTAssertEqual(left, right, accuracy: 1e-5)
        GradientCheck.first([x], "gatherFlat") { $0[0].gatherFlat(indices, shape: [5]) }
        GradientCheck.first([v], "scatterFlat with repeats") { $0[0].scatterFlat(indices, shape: [4, 3]) }
    }
}

/// Σ_b w_b·exp(a_b·x) (the Gaussian MMD kernel over all bandwidths at once).
final class ExpSumTests: XCTestCase {
    var random = SeededRandom(seed: 22)

    /// Bit for bit the composed form the MMD used before (weights 1), and
    /// close to it with weights; odd sizes exercise the SIMD tail.
    func testMatchesComposedExponentials() {
        let rates: [Float] = [-8, -2, -0.5, -0.125]
        for count in [1, 7, 8, 13, 40_000] {
            let x = random.uniform([count], low: 0, high: 6)
            var composed = x.scaled(by: rates[0]).exp()
            for a in rates.dropFirst() { composed = composed + x.scaled(by: a).exp() }
            XCTAssertEqual(x.expSum(rates: rates).storage, composed.storage, "count \(count)")
            let weights: [Float] = [0.5, 2, -1, 3]
            var weighted = Tensor.zeros([count])
            for (a, w) in zip(rates, weights) { weighted = weighted + x.scaled(by: a).exp().scaled(by: w) }
            assertClose(x.expSum(rates: rates, weights: weights), weighted)
        }
    }

    /// The fused kernel sum and its written-out gradient equal the composed,
    /// differentiated ops: Gaussian rates in a ladder of 4 (squared, not
    /// exponentiated), rates off any ladder, the energy kernel; a skipped
    /// pair per row, and a column count off the SIMD width.
    func testRadialKernelSumMatchesComposedOps() {
        let a = random.normal([5, 3]), z = random.normal([13, 3], mean: 0.2)
        let values = (0..<13).map { Float($0 % 3) - 0.5 }, slopes = (0..<13).map { 0.3 * Float($0 % 4) - 0.4 }
        let skip = [2, -1, 0, 12, 7]
        let profiles: [(RadialProfile, (Tensor) -> Tensor)] = [
            (.exponentials(rates: [-0.125, -2, -0.5, -8]), { $0.expSum(rates: [-0.125, -2, -0.5, -8]) }),
            (.exponentials(rates: [-0.3, -1.1]), { $0.expSum(rates: [-0.3, -1.1]) }),
            (.negativeRoot(epsilon: 1e-6), { -($0.shifted(by: 1e-6).sqrt()) }),
        ]
        let keep = Tensor(shape: [5, 13], storage: (0..<65).map { skip[$0 / 13] == $0 % 13 ? 0 : 1 })
        for (profile, kernel) in profiles {
            let leaf = a.detached().requiringGrad()
            let k = kernel(leaf.pairwiseSquaredDistances(z).relu()) * keep
            let value = (k * Tensor(shape: [1, 13], storage: values)).sum()
            let weighted = (k * Tensor(shape: [1, 13], storage: slopes)).sum()
            let fused = a.radialKernelSum(columns: z, profile: profile, valueWeights: values, slopeWeights: slopes, skip: skip)
            XCTAssertEqual(Float(fused.value), value.scalarValue, accuracy: 1e-5 * (1 + abs(value.scalarValue)), "\(profile)")
            assertClose(fused.gradient, gradient(of: weighted, wrt: leaf), rtol: 1e-4, atol: 1e-5, "\(profile)")
        }
    }

    func testGradientsFirstAndSecondOrder() {
        let x = random.uniform([3, 5], low: 0, high: 3)
        GradientCheck.first([x], "expSum") { $0[0].expSum(rates: [-2, -0.5, 0.3], weights: [1, 2, -0.5]) }
        GradientCheck.second([x], "expSum") { $0[0].expSum(rates: [-2, -0.5, 0.3]).sum() }
        let a = random.normal([6, 3]), b = random.normal([4, 3])
        GradientCheck.first([a, b], "Gaussian kernel matrix") {
            $0[0].pairwiseSquaredDistances($0[1]).relu().expSum(rates: [-1, -0.25])
        }
    }
}
