import Foundation
import GenOTModels
import GenOTTensor

/// Keeps the parameters of the step whose held-out dual objective
/// (`HeldOutDual`) was highest, and puts them back at the end of a run.
struct ParameterSelection {
    let heldOut: HeldOutDual
    private(set) var best: (value: Double, step: Int, weights: [[Float]])
    /// The latest evaluation's value (shown in the progress line).
    private(set) var last: Double

    /// Starts from the current parameters of `potential` at `step`.
    init(heldOut: HeldOutDual, potential: TransportPotential, step: Int) {
        self.heldOut = heldOut
        let value = heldOut.value(of: potential)
        best = (value, step, potential.parameters.map(\.tensor.storage))
        last = value
    }

    mutating func consider(_ potential: TransportPotential, step: Int) {
        last = heldOut.value(of: potential)
        if last > best.value { best = (last, step, potential.parameters.map(\.tensor.storage)) }
    }

    /// Restores the best parameters when they are not the last step's, and
    /// says which were kept.
    func restoreBest(into potential: TransportPotential, lastStep: Int) -> String {
        let summary = String(format: "held-out dual objective: %.6g at step %d, %.6g at the last step", best.value, best.step, last)
        guard best.step != lastStep else { return summary + "; kept the last step's parameters" }
        for (parameter, weights) in zip(potential.parameters, best.weights) { parameter.tensor.storage = weights }
        return summary + "; kept step \(best.step)'s parameters"
    }
}
