import GenOTNN
import GenOTTensor
import GenOTTestSupport
import XCTest

final class LossTests: XCTestCase {
    func testBinaryCrossEntropyMatchesDefinitionAndIsStable() {
        let z = Tensor(shape: [4], storage: [-2, 0, 3, 200]), y = Tensor(shape: [4], storage: [0, 1, 0.5, 1])
        var expected: Double = 0
        for i in 0..<3 {
            let p = 1 / (1 + Foundation.exp(-Double(z.storage[i])))
            expected -= Double(y.storage[i]) * Foundation.log(p) + (1 - Double(y.storage[i])) * Foundation.log(1 - p)
        }
        XCTAssertEqual(Losses.binaryCrossEntropySum(logits: z, targets: y).scalarValue, Float(expected), accuracy: 1e-4)
        var random = SeededRandom(seed: 1)
        GradientCheck.first([random.normal([3, 4]), random.uniform([3, 4])], "bce") {
            Losses.binaryCrossEntropySum(logits: $0[0], targets: $0[1])
        }
    }

    func testSoftmaxCrossEntropy() {
        let logits = Tensor([[1000, 0, -1000], [0, 0, 0]])
        let loss = Losses.softmaxCrossEntropy(logits: logits, labels: [0, 2]).scalarValue
        XCTAssertEqual(loss, Float(Foundation.log(3.0)) / 2, accuracy: 1e-5)
        var random = SeededRandom(seed: 2)
        GradientCheck.first([random.normal([4, 5])], "softmax xent") {
            Losses.softmaxCrossEntropy(logits: $0[0], labels: [0, 4, 2, 2])
        }
    }

    func testGaussianKL() {
        let mean = Tensor([[0, 1]]), logVariance = Tensor([[0, Float(Foundation.log(2.0))]])
        // ½[(0 + 1 − 0 − 1) + (1 + 2 − log 2 − 1)]
        XCTAssertEqual(Losses.gaussianKLSum(mean: mean, logVariance: logVariance).scalarValue,
                       Float(0.5 * (2 - Foundation.log(2.0))), accuracy: 1e-6)
    }
}
import Foundation
