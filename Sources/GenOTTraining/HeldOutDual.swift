import GenOTModels
import GenOTTensor

/// The Kantorovich dual objective of a map on points it was not trained on
/// (docs/method.md §5.7): with u₀ = u(·, 0) and x̂(y) the preimage T(x̂) = y,
///
///     J(u₀) = E_ν [u₀(x̂(y)) + c(x̂(y), y)] − E_μ u₀(x)  ≤  W_c(μ, ν),
///
/// the Hopf–Lax value at t_f minus the value at 0. The better the map, the
/// closer J comes to W from below, so on held-out points it tells which
/// parameters generalise: a network that fits the noise of a finite set
/// (or starts to fold) lowers it, and training keeps the parameters with
/// the highest J. The same points are used at every evaluation, so the
/// comparison between two evaluations is paired and far less noisy than
/// either value.
public struct HeldOutDual: Sendable {
    /// Per pair, held-out source and target points in the normalised frames.
    let sources: [Tensor], targets: [Tensor]
    let conditional: Bool
    /// Preimage refinements per evaluation: half of `inverseMap`'s, as a
    /// ranking of steps needs less precision than a user's inverse.
    static let refinements = TransportPotential.inverseRefinements / 2

    /// `sources[c]` and `targets[c]` in data coordinates, normalised with
    /// `normalization` (per class when it has per-class centres).
    init(sources: [Tensor], targets: [Tensor], normalization: Normalization, conditional: Bool) {
        let perClass = normalization.sourceCenters.count > 1
        func labels(_ c: Int, _ x: Tensor) -> [Int]? { perClass ? Array(repeating: c, count: x.shape[0]) : nil }
        self.sources = sources.enumerated().map { normalization.normalizeSource($1, labels: labels($0, $1)) }
        self.targets = targets.enumerated().map { normalization.normalizeTarget($1, labels: labels($0, $1)) }
        self.conditional = conditional
    }

    /// J averaged over the pairs.
    func value(of potential: TransportPotential) -> Double {
        var total = 0.0
        for (c, (x, y)) in zip(sources, targets).enumerated() {
            let label = conditional ? c : nil
            let preimages = potential.preimages(ofNormalized: y, class: label, refinements: Self.refinements).points
            let d = potential.dimension
            var transport = 0.0
            for r in 0..<y.shape[0] {
                transport += potential.cost.cost(from: Array(preimages.storage[(r * d)..<(r * d + d)]),
                                                 to: Array(y.storage[(r * d)..<(r * d + d)]), finalTime: potential.finalTime)
            }
            total += mean(initialValue(potential, preimages, label)) + transport / Double(y.shape[0])
                - mean(initialValue(potential, x, label))
        }
        return total / Double(sources.count)
    }

    /// u(x, 0) for the rows of x.
    private func initialValue(_ potential: TransportPotential, _ x: Tensor, _ label: Int?) -> Tensor {
        withoutGradient {
            potential(x, time: Tensor.zeros([x.shape[0], 1]),
                      code: potential.classCode(Array(repeating: label ?? 0, count: x.shape[0])))
        }
    }

    private func mean(_ values: Tensor) -> Double {
        values.storage.reduce(0) { $0 + Double($1) } / Double(Swift.max(values.count, 1))
    }
}
