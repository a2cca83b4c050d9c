import GenOTNN
import GenOTTensor
import GenOTTestSupport
import XCTest

/// The transport loss differentiates the network twice: its gradient with
/// respect to the parameters passes through p = ∇ₓu. Checked end to end.
final class HJSecondOrderTests: XCTestCase {
    /// L_HJ for the quadratic cost with an MLP taking [x, t, code].
    static func hjLoss(_ u: MLP, x: Tensor, t: Tensor, code: Tensor) -> Tensor {
        quadraticHJLoss({ u(Tensor.concat([$0, $1, code], axis: 1)) }, x: x, t: t)
    }

    func testParameterGradientOfHJLossMatchesFiniteDifferences() {
        var random = SeededRandom(seed: 5)
        let template = MLP(sizes: [3 + 1 + 2, 8, 8, 1], activation: .silu, using: &random)
        let x = random.normal([6, 3]).requiringGrad()
        let t = random.uniform([6, 1])
        let code = Tensor.oneHot([0, 1, 1, 0, 1, 0], classes: 2)
        // Weights scaled up so that p = ∇ₓu is O(1) and the loss depends on
        // it strongly (at PyTorch's default scale p is small and a wrong
        // second derivative would hide in the tolerance).
        let initial = template.parameters.map { $0.tensor.detached().scaled(by: 2.5) }
        // Float32 differences of a loss near 1e-1: a larger step keeps rounding small.
        GradientCheck.first(initial, eps: 3e-3, rtol: 1e-2, atol: 2e-4, "HJ loss w.r.t. parameters") { params in
            let layers = stride(from: 0, to: params.count, by: 2).map { Linear(weight: params[$0], bias: params[$0 + 1]) }
            return Self.hjLoss(MLP(layers: layers, activation: .silu), x: x, t: t, code: code)
        }
        // Mixed ∂²/∂θ∂x too: x and the parameters as joint inputs.
        GradientCheck.second([x] + initial, eps: 3e-3, rtol: 1e-2, atol: 2e-4, "∂²u/∂θ∂x") { inputs in
            let params = Array(inputs.dropFirst())
            let layers = stride(from: 0, to: params.count, by: 2).map { Linear(weight: params[$0], bias: params[$0 + 1]) }
            let u = MLP(layers: layers, activation: .silu)
            return u(Tensor.concat([inputs[0], t, code], axis: 1)).tanh().sum()
        }
    }

    func testSoftplusTanhAndSharpSiLUNetworksToo() {
        for activation in [Activation.softplus, .tanh, .silu4] {
            var random = SeededRandom(seed: 6)
            let template = MLP(sizes: [2 + 1, 6, 1], activation: activation, using: &random)
            let x = random.normal([4, 2]).requiringGrad(), t = random.uniform([4, 1])
            GradientCheck.first(template.parameters.map { $0.tensor.detached() }, eps: 3e-3, rtol: 1e-2, atol: 2e-4,
                                "\(activation)") { params in
                let u = MLP(layers: [Linear(weight: params[0], bias: params[1]), Linear(weight: params[2], bias: params[3])],
                            activation: activation)
                return Self.hjLoss(u, x: x, t: t, code: Tensor.zeros([4, 0]))
            }
        }
    }
}
