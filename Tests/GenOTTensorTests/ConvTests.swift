@testable import GenOTTensor
import GenOTTestSupport
import XCTest

final class ConvTests: XCTestCase {
    var random = SeededRandom(seed: 4)

    /// Direct definition of conv2d on NHWC, for comparison.
    func naiveConv(_ x: Tensor, _ w: Tensor, stride s: Int, padding p: Int) -> Tensor {
        let n = x.shape[0], h = x.shape[1], wd = x.shape[2], c = x.shape[3], o = w.shape[0], k = w.shape[1]
        let ho = (h + 2 * p - k) / s + 1, wo = (wd + 2 * p - k) / s + 1
        var y = [Float](repeating: 0, count: n * ho * wo * o)
        for b in 0..<n { for oh in 0..<ho { for ow in 0..<wo { for oc in 0..<o {
            var total: Float = 0
            for i in 0..<k { for j in 0..<k { for ic in 0..<c {
                let ih = oh * s - p + i, iw = ow * s - p + j
                guard ih >= 0, ih < h, iw >= 0, iw < wd else { continue }
                total += x.storage[((b * h + ih) * wd + iw) * c + ic] * w.storage[((oc * k + i) * k + j) * c + ic]
            } } }
            y[((b * ho + oh) * wo + ow) * o + oc] = total
        } } } }
        return Tensor(shape: [n, ho, wo, o], storage: y)
    }

    func testConvMatchesDefinition() {
        for (stride, padding) in [(1, 0), (2, 1), (1, 1), (2, 0)] {
            let x = random.normal([2, 6, 5, 3]), w = random.normal([4, 3, 3, 3])
            assertClose(x.conv2d(weight: w, bias: nil, stride: stride, padding: padding),
                        naiveConv(x, w, stride: stride, padding: padding), rtol: 1e-4, atol: 1e-4)
        }
    }

    func testConvGradients() {
        for (stride, padding) in [(1, 0), (2, 1), (1, 1)] {
            let x = random.normal([2, 5, 5, 2]), w = random.normal([3, 3, 3, 2]), b = random.normal([3])
            GradientCheck.first([x, w, b], "conv s\(stride) p\(padding)") {
                $0[0].conv2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding)
            }
        }
    }

    func testConvTransposeGradientsAndShape() {
        for (stride, padding) in [(2, 1), (1, 0), (2, 0)] {
            let x = random.normal([2, 3, 3, 3]), w = random.normal([3, 4, 4, 2]), b = random.normal([2])
            let y = x.convTranspose2d(weight: w, bias: b, stride: stride, padding: padding)
            let expected = (3 - 1) * stride - 2 * padding + 4
            XCTAssertEqual(y.shape, [2, expected, expected, 2])
            GradientCheck.first([x, w, b], "convT s\(stride) p\(padding)") {
                $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding)
            }
        }
    }

    /// ⟨conv(x), y⟩ = ⟨x, convT(y)⟩ with the same weights: convT is the adjoint.
    func testConvTransposeIsAdjointOfConv() {
        let x = random.normal([2, 8, 8, 3]), w = random.normal([5, 4, 4, 3])
        let y = random.normal([2, 4, 4, 5])
        let left = (x.conv2d(weight: w, bias: nil, stride: 2, padding: 1) * y).sum().scalarValue
        let right = (x * y.convTranspose2d(weight: w, bias: nil, stride: 2, padding: 1)).sum().scalarValue
        XCTAssertEqual(left, right, accuracy: 1e-3 * Swift.abs(left))
    }

    func testConvSecondOrder() {
        let x = random.normal([1, 4, 4, 2]), w = random.normal([2, 3, 3, 2])
        GradientCheck.second([x, w], "conv then silu") {
            $0[0].conv2d(weight: $0[1], bias: nil, stride: 2, padding: 1).silu().sum()
        }
    }

    func testConvTransposeSecondOrder() {
        // Scaled so that the outputs stay where SiLU bends (finite
        // differences of float32 lose digits on large pre-activations).
        let y = random.normal([1, 2, 2, 2]).scaled(by: 0.5), w = random.normal([2, 4, 4, 3]).scaled(by: 0.5)
        GradientCheck.second([y, w], "convT then silu") {
            $0[0].convTranspose2d(weight: $0[1], bias: nil, stride: 2, padding: 1).silu().sum()
        }
    }

    /// The three products run chunk by chunk of samples; every chunking
    /// gives the whole batch's result (the weight gradient sums over chunks).
    func testChunkedProductsMatchTheWholeBatch() {
        let g = ConvGeometry(batch: 5, height: 6, width: 6, channels: 3, kernel: 4, stride: 2, padding: 1)
        let x = random.normal(g.imageShape), w = random.normal([4, 4, 4, 3])
        let y = random.normal([5, g.outHeight, g.outWidth, 4])
        func run(_ count: Int, _ kernel: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
                 _ a: Tensor, _ b: Tensor) -> [Float] {
            var out = [Float](repeating: .nan, count: count)
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { kernel(pa.baseAddress!, pb.baseAddress!, $0.baseAddress!, count) }
                }
            }
            return out
        }
        for chunk in [1, 2, 3, 5] {
            let forward = run(y.count, { Convolution.forward($0, $1, bias: nil, $2, g, outputs: 4, chunk: chunk); _ = $3 }, x, w)
            let transposed = run(x.count, { Convolution.transposed($0, $1, bias: nil, $2, g, outputs: 4, chunk: chunk); _ = $3 }, y, w)
            let weight = run(w.count, { Convolution.weightGradient($0, $1, $2, g, outputs: 4, chunk: chunk); _ = $3 }, x, y)
            assertClose(Tensor(shape: y.shape, storage: forward), naiveConv(x, w, stride: 2, padding: 1),
                        rtol: 1e-4, atol: 1e-4)
            // ⟨x, convT(y)⟩ = ⟨conv(x), y⟩ and ⟨dW, w⟩ = ⟨conv(x; w), y⟩: each product against the definition.
            let expected = (naiveConv(x, w, stride: 2, padding: 1) * y).sum().scalarValue
            XCTAssertEqual((Tensor(shape: x.shape, storage: transposed) * x).sum().scalarValue, expected,
                           accuracy: 1e-4 * max(1, abs(expected)), "chunk \(chunk)")
            XCTAssertEqual((Tensor(shape: w.shape, storage: weight) * w).sum().scalarValue, expected,
                           accuracy: 1e-4 * max(1, abs(expected)), "chunk \(chunk)")
        }
    }

    /// 4 × 4 windows over one channel run without im2col
    /// (`SingleChannelConvolution`): each product against the definition,
    /// for strides, paddings, odd sizes and output counts that leave part of
    /// a vector, with and without a bias.
    func testSingleChannelProductsMatchTheDefinition() {
        for (stride, padding, outputs, side) in [(2, 1, 32, 8), (1, 0, 3, 6), (2, 2, 17, 7), (1, 1, 5, 5), (3, 1, 9, 9)] {
            let x = random.normal([3, side, side + 1, 1]), w = random.normal([outputs, 4, 4, 1]), b = random.normal([outputs])
            let expected = naiveConv(x, w, stride: stride, padding: padding)
            assertClose(x.conv2d(weight: w, bias: nil, stride: stride, padding: padding), expected, rtol: 1e-4, atol: 1e-4)
            assertClose(x.conv2d(weight: w, bias: b, stride: stride, padding: padding), expected + b, rtol: 1e-4, atol: 1e-4)
            // The transposed product and the weight gradient through ⟨conv(x; w), y⟩.
            let y = random.normal(expected.shape)
            let inner = (expected * y).sum().scalarValue
            let g = ConvGeometry(batch: 3, height: side, width: side + 1, channels: 1, kernel: 4, stride: stride, padding: padding)
            let transposed = y.convolvedTransposed(w, g), weight = Tensor.convolutionWeightGradient(image: x, output: y, g)
            XCTAssertEqual((transposed * x).sum().scalarValue, inner, accuracy: 1e-4 * max(1, abs(inner)), "s\(stride) p\(padding)")
            XCTAssertEqual((weight * w).sum().scalarValue, inner, accuracy: 1e-4 * max(1, abs(inner)), "s\(stride) p\(padding)")
            let bt = random.normal([1])
            assertClose(y.convolvedTransposed(w, bias: bt, g), transposed + bt, rtol: 1e-5, atol: 1e-5)
            GradientCheck.first([x, w, b], "C=1 conv s\(stride) p\(padding) O=\(outputs)") {
                $0[0].conv2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding)
            }
        }
    }

    func testMaxPool() {
        let x = Tensor(shape: [1, 2, 2, 1], storage: [1, 5, 3, 2])
        XCTAssertEqual(x.maxPool2d(2).storage, [5])
        var distinct = random.uniform([2, 4, 4, 3])
        distinct = distinct + Tensor(shape: [96], storage: (0..<96).map { Float($0) * 0.05 }).reshaped([2, 4, 4, 3])
        GradientCheck.first([distinct], eps: 1e-3, "maxPool") { $0[0].maxPool2d(2) }
    }
}
