/// How a recorded op passes a gradient back: one rule per input, each built
/// from differentiable ops, so the gradient is itself a graph when asked for.
struct GradFn {
    /// Name of the op, for profiles and error messages.
    let op: String
    let inputs: [Tensor]
    /// `rules[i](g, y)`: the gradient for `inputs[i]`, given the incoming
    /// gradient `g` and the op's output `y` (passed in, never captured, so a
    /// tensor does not own itself through its rule).
    let rules: [(_ g: Tensor, _ y: Tensor) -> Tensor]
    /// Optional: the same gradients from one fused kernel, for a backward pass
    /// that records no graph (the rules stay the definition, and run whenever
    /// a graph is recorded). See `FusedRule`.
    let fused: FusedRule?
}

/// `fused(g, y, needed, totals)`: the gradient of every input i with
/// `needed[i]`, in one pass over memory. `totals[i]`, when given, is input
/// i's running gradient total, owned by the backward pass alone: the rule may
/// add its contribution to it in place and return nil for that input
/// (saves writing the contribution and reading it back for the sum).
typealias FusedRule = (_ g: Tensor, _ y: Tensor, _ needed: [Bool], _ totals: [Tensor?]) -> [Tensor?]

extension Tensor {
    /// Records `op` as the producer of `output` when gradients are being taken
    /// and some input needs one; otherwise returns `output` untouched.
    @discardableResult
    static func record(_ output: Tensor, _ op: String, _ inputs: [Tensor],
                       _ rules: [(_ g: Tensor, _ y: Tensor) -> Tensor], fused: FusedRule? = nil) -> Tensor {
        assert(inputs.count == rules.count, "\(op): \(inputs.count) inputs, \(rules.count) rules")
        if OpProfiler.isEnabled { OpProfiler.mark(op) }
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return output }
        output.gradFn = GradFn(op: op, inputs: inputs, rules: rules, fused: fused)
        return output
    }
}
