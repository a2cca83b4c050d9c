import GenOTTensor
import XCTest

/// Finite-difference checks of autodiff, first and second order.
///
/// A function under test maps inputs to any tensor; it is reduced to a scalar
/// with fixed random weights, so every output element is checked at once.
public enum GradientCheck {
    /// Compares ∂/∂inputs of ⟨f(inputs), w⟩ from autodiff with central
    /// differences (step `eps`) of every input element. `f` is evaluated with
    /// gradients on, since it may take gradients itself (∇ₓu inside a loss).
    public static func first(_ inputs: [Tensor], eps: Float = 1e-2, rtol: Float = 2e-3, atol: Float = 5e-4,
                             seed: UInt64 = 7, _ message: String = "",
                             file: StaticString = #filePath, line: UInt = #line,
                             _ f: ([Tensor]) -> Tensor) {
        let leaves = inputs.map { $0.requiringGrad() }
        let output = f(leaves)
        var random = SeededRandom(seed: seed)
        let weights = random.normal(output.shape)
        let analytic = gradients(of: output, wrt: leaves, seed: weights)
        for (index, leaf) in leaves.enumerated() {
            var numeric = [Float](repeating: 0, count: leaf.count)
            for i in 0..<leaf.count {
                let original = leaf.storage[i]
                leaf.storage[i] = original + eps
                let plus = weightedSum(f(leaves), weights)
                leaf.storage[i] = original - eps
                let minus = weightedSum(f(leaves), weights)
                leaf.storage[i] = original
                numeric[i] = Float((plus - minus) / (2 * Double(eps)))
            }
            assertClose(analytic[index].storage, numeric, rtol: rtol, atol: atol,
                        "gradient of input \(index) \(message)", file: file, line: line)
        }
    }

    /// Second order: compares ⟨∇ₓ⟨∇ₓf, v⟩, w⟩, computed by differentiating
    /// the backward pass (createGraph), with central differences of ⟨∇ₓf, v⟩
    /// along w. `f` must return a scalar; v and w are random directions over
    /// all inputs jointly, so mixed second derivatives are covered too.
    public static func second(_ inputs: [Tensor], eps: Float = 1e-2, rtol: Float = 2e-3, atol: Float = 5e-4,
                              seed: UInt64 = 11, _ message: String = "",
                              file: StaticString = #filePath, line: UInt = #line,
                              _ f: ([Tensor]) -> Tensor) {
        var random = SeededRandom(seed: seed)
        let v = inputs.map { random.normal($0.shape) }
        let w = inputs.map { random.normal($0.shape) }
        // h(x) = ⟨∇f(x), v⟩, its gradient by double backward.
        func h(_ values: [Tensor], createGraph: Bool) -> (Tensor, [Tensor]) {
            let leaves = values.map { $0.requiringGrad() }
            let grads = gradients(of: f(leaves), wrt: leaves, createGraph: createGraph)
            var total = Tensor(0)
            for (g, direction) in zip(grads, v) { total = total + (g * direction).sum() }
            return (total, leaves)
        }
        let (hValue, leaves) = h(inputs, createGraph: true)
        let hGradient = gradients(of: hValue, wrt: leaves)
        var analytic: Double = 0
        for (g, direction) in zip(hGradient, w) { analytic += weightedSum(g, direction) }
        func shifted(_ s: Float) -> [Tensor] {
            zip(inputs, w).map { x, d in Tensor(shape: x.shape, storage: zip(x.storage, d.storage).map { $0 + s * $1 }) }
        }
        let plus = Double(h(shifted(eps), createGraph: false).0.scalarValue)
        let minus = Double(h(shifted(-eps), createGraph: false).0.scalarValue)
        let numeric = (plus - minus) / (2 * Double(eps))
        assertClose([Float(analytic)], [Float(numeric)], rtol: rtol, atol: atol,
                    "second-order ⟨∇⟨∇f, v⟩, w⟩ \(message)", file: file, line: line)
    }

    static func weightedSum(_ x: Tensor, _ w: Tensor) -> Double {
        var total: Double = 0
        for i in 0..<x.count { total += Double(x.storage[i]) * Double(w.storage[i]) }
        return total
    }
}
