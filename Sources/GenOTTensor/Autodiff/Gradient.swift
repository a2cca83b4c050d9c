/// Reverse-mode gradients of `output` with respect to each tensor in `inputs`.
///
/// - `seed`: the incoming gradient, shaped like `output`; ones by default
///   (so a scalar loss needs none).
/// - `createGraph`: record the backward pass itself, so the returned gradients
///   can be differentiated again (∇ₓu inside a loss, Hessian-vector products).
/// - `retainGraph`: keep the graph for another call; by default it is kept
///   only when `createGraph` is set, and otherwise released node by node as
///   the walk passes, so activations are freed as early as possible.
///
/// Inputs that `output` does not depend on get zeros.
public func gradients(of output: Tensor, wrt inputs: [Tensor], seed: Tensor? = nil,
                      createGraph: Bool = false, retainGraph: Bool? = nil) -> [Tensor] {
    let seed = seed ?? Tensor.ones(output.shape)
    precondition(seed.shape == output.shape, "seed \(seed.shape) for output \(output.shape)")
    let keepGraph = retainGraph ?? createGraph
    return GradMode.$isEnabled.withValue(createGraph) {
        BackwardWalk(output: output, targets: inputs).run(seed: seed, keepGraph: keepGraph)
    }
}

/// Convenience for one input.
public func gradient(of output: Tensor, wrt input: Tensor, seed: Tensor? = nil,
                     createGraph: Bool = false, retainGraph: Bool? = nil) -> Tensor {
    gradients(of: output, wrt: [input], seed: seed, createGraph: createGraph, retainGraph: retainGraph)[0]
}

/// One backward pass: topological order, pruning to the paths that reach a
/// target, then the rules in reverse order with gradients summed per tensor.
private struct BackwardWalk {
    let output: Tensor
    let targets: [Tensor]

    func run(seed: Tensor, keepGraph: Bool) -> [Tensor] {
        let targetIDs = Set(targets.map(ObjectIdentifier.init))
        var order: [Tensor?] = topologicalOrder()
        // Which tensors lie on a path to some target (inputs come first in `order`).
        var reaches = Set<ObjectIdentifier>()
        for case let tensor? in order {
            let id = ObjectIdentifier(tensor)
            if targetIDs.contains(id) || (tensor.gradFn?.inputs.contains { reaches.contains(ObjectIdentifier($0)) } ?? false) {
                reaches.insert(id)
            }
        }
        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(output): seed]
        // A running total that no graph and no other holder sees: the walk may add to it in place.
        func isOwned(_ total: inout Tensor) -> Bool { total.gradFn == nil && isKnownUniquelyReferenced(&total) }
        func add(_ contribution: Tensor, to input: Tensor, from op: String) {
            precondition(contribution.shape == input.shape, "\(op): gradient \(contribution.shape) for input \(input.shape)")
            let inputID = ObjectIdentifier(input)
            if var total = grads.removeValue(forKey: inputID) {
                // Without a graph to record, a total that nothing else
                // holds is added to in place (saves a tensor and a pass).
                if !GradMode.isEnabled, isOwned(&total) {
                    total.addInPlace(contribution)
                } else {
                    total = total + contribution
                }
                grads[inputID] = total
            } else {
                grads[inputID] = contribution
            }
        }
        /// Input i's total when only this walk holds it (a fused rule may add to it in place).
        func ownedTotal(_ inputs: [Tensor], _ i: Int) -> Tensor? {
            // An input given twice gets separate contributions.
            guard inputs.firstIndex(where: { $0 === inputs[i] }) == i else { return nil }
            let inputID = ObjectIdentifier(inputs[i])
            guard var total = grads.removeValue(forKey: inputID) else { return nil }
            let owned = isOwned(&total)
            grads[inputID] = total
            return owned ? total : nil
        }
        for index in order.indices.reversed() {
            guard let tensor = order[index] else { continue }
            let id = ObjectIdentifier(tensor)
            guard let fn = tensor.gradFn, reaches.contains(id), let g = grads[id] else { continue }
            if !targetIDs.contains(id) { grads[id] = nil }
            let needed = fn.inputs.map { reaches.contains(ObjectIdentifier($0)) }
            if !GradMode.isEnabled, let fused = fn.fused {
                let totals = fn.inputs.indices.map { needed[$0] ? ownedTotal(fn.inputs, $0) : nil }
                let contributions = fused(g, tensor, needed, totals)
                for (i, input) in fn.inputs.enumerated() where needed[i] {
                    if let contribution = contributions[i] {
                        add(contribution, to: input, from: fn.op)
                    } else {
                        precondition(totals[i] != nil, "\(fn.op): no gradient for input \(i)")
                    }
                }
            } else {
                for (i, (input, rule)) in zip(fn.inputs, fn.rules).enumerated() where needed[i] {
                    add(rule(g, tensor), to: input, from: fn.op)
                }
            }
            if !keepGraph {
                tensor.gradFn = nil
                order[index] = nil
            }
        }
        return targets.map { grads[ObjectIdentifier($0)] ?? Tensor.zeros($0.shape) }
    }

    /// Every tensor that requires a gradient and feeds `output`, inputs before
    /// the ops that use them (iterative depth-first post-order).
    private func topologicalOrder() -> [Tensor?] {
        var order: [Tensor?] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(tensor: Tensor, expanded: Bool)] = [(output, false)]
        while let (tensor, expanded) = stack.popLast() {
            if expanded { order.append(tensor); continue }
            guard tensor.requiresGrad, visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for input in tensor.gradFn?.inputs ?? [] where !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}
