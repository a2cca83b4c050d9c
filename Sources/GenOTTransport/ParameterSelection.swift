import Foundation
import GenOTModels
import GenOTTensor

/// Chooses the parameters a run ends with from the held-out dual objective
/// (`HeldOutDual`, docs/method.md §5.7): the latest evaluated step whose J
/// is not clearly below the highest J seen, "clearly" meaning by more than
/// two standard errors of the paired difference. Differences within the
/// held-out sets' noise thus keep the later, longer-trained parameters, and
/// a real decline (a network fitting the noise of its finite sets) still
/// brings back an earlier step.
struct ParameterSelection {
    let heldOut: HeldOutDual
    /// The evaluation with the highest J.
    private var top: (terms: HeldOutDual.Terms, step: Int)
    /// The parameters the run will end with.
    private(set) var kept: (value: Double, step: Int, weights: [[Float]])
    /// The latest evaluation's value (shown in the progress line).
    private(set) var last: Double
    /// Standard errors of the paired difference that count as clearly below.
    static let margin = 2.0

    /// Starts from the current parameters of `potential` at `step`.
    init(heldOut: HeldOutDual, potential: TransportPotential, step: Int) {
        self.heldOut = heldOut
        let terms = heldOut.terms(of: potential)
        top = (terms, step)
        kept = (terms.value, step, potential.parameters.map(\.tensor.storage))
        last = terms.value
    }

    mutating func consider(_ potential: TransportPotential, step: Int) {
        let terms = heldOut.terms(of: potential)
        last = terms.value
        let clearlyBelow = top.terms.value - last > Self.margin * top.terms.standardError(of: terms)
        guard !clearlyBelow else { return }
        if last > top.terms.value { top = (terms, step) }
        kept = (last, step, potential.parameters.map(\.tensor.storage))
    }

    /// Restores the kept parameters when they are not the last step's, and
    /// says which were kept.
    func restoreBest(into potential: TransportPotential, lastStep: Int) -> String {
        let summary = String(format: "held-out dual objective: highest %.6g at step %d, %.6g at the last step", top.terms.value, top.step, last)
        guard kept.step != lastStep else { return summary + "; kept the last step's parameters" }
        for (parameter, weights) in zip(potential.parameters, kept.weights) { parameter.tensor.storage = weights }
        return summary + String(format: "; kept step %d's parameters (%.6g; the later ones fell clearly below the highest)", kept.step, kept.value)
    }
}
