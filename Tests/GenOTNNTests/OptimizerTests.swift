import GenOTNN
import GenOTTensor
import GenOTTestSupport
import XCTest

final class OptimizerTests: XCTestCase {
    func trainedParameters(seed: UInt64) -> [[Float]] {
        var random = SeededRandom(seed: seed)
        let mlp = MLP(sizes: [4, 16, 1], using: &random)
        var adam = Adam(learningRate: 1e-2)
        for _ in 0..<5 {
            let x = random.normal([8, 4])
            let loss = (mlp(x) - x.sum(axis: 1, keepDims: true)).square().mean()
            adam.step(mlp.parameters, gradients: gradients(of: loss, wrt: mlp.parameters.map(\.tensor)))
        }
        return mlp.parameters.map(\.tensor.storage)
    }

    func testSameSeedGivesBitIdenticalParameters() {
        XCTAssertEqual(trainedParameters(seed: 9), trainedParameters(seed: 9))
        XCTAssertNotEqual(trainedParameters(seed: 9), trainedParameters(seed: 10))
    }

    func testAdamFirstStepMovesByLearningRate() {
        // With bias correction the first step is lr·g/|g| per element.
        let p = Tensor(shape: [3], storage: [1, 2, 3], requiresGrad: true)
        var adam = Adam(learningRate: 0.1)
        adam.step([("p", p)], gradients: [Tensor(shape: [3], storage: [0.5, -2, 0])])
        assertClose(p.storage, [0.9, 2.1, 3], rtol: 1e-5)
    }

    func testAdamStateRoundTripResumesExactly() {
        func run(steps: Int, resumeAt: Int?) -> [Float] {
            let p = Tensor(shape: [2], storage: [1, -1], requiresGrad: true)
            var adam = Adam(learningRate: 0.05)
            for step in 0..<steps {
                if step == resumeAt {
                    let saved = adam.state(shapes: [("p", p)])
                    adam = Adam(learningRate: 0.05)
                    adam.restore(stepCount: step, from: Dictionary(uniqueKeysWithValues: saved.map { ($0.name, $0.tensor) }))
                }
                adam.step([("p", p)], gradients: [gradient(of: (p.square() * p).sum(), wrt: p)])
            }
            return p.storage
        }
        XCTAssertEqual(run(steps: 6, resumeAt: nil), run(steps: 6, resumeAt: 3))
    }

    func testClipping() {
        var grads = [Tensor(shape: [2], storage: [3, 4])]
        XCTAssertEqual(clipGradientNorm(&grads, maxNorm: 1), 5)
        assertClose(grads[0].storage, [0.6, 0.8])
        XCTAssertEqual(clipGradientNorm(&grads, maxNorm: 2), 1)
        assertClose(grads[0].storage, [0.6, 0.8])
    }

    func testLinearMatchesDefinition() {
        let layer = Linear(weight: Tensor([[1, 2], [3, 4], [5, 6]]), bias: Tensor(shape: [3], storage: [1, 0, -1]))
        assertClose(layer(Tensor([[1, -1]])), Tensor([[0, -1, -2]]))
        var random = SeededRandom(seed: 1)
        let fresh = Linear(100, 10, using: &random)
        XCTAssertTrue(fresh.weight.storage.allSatisfy { Swift.abs($0) <= 0.1 })
        XCTAssertEqual(fresh.parameters.map(\.name), ["weight", "bias"])
    }
}
