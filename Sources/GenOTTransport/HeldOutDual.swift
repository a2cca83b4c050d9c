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
/// (or starts to fold) lowers it, and training keeps the latest parameters
/// whose J is not clearly below the highest (`ParameterSelection`). The same
/// points are used at every evaluation, so the comparison between two
/// evaluations is paired and far less noisy than either value.
public struct HeldOutDual: Sendable {
    /// Per pair, held-out source and target points in the normalised frames.
    let sources: [Tensor], targets: [Tensor]
    let conditional: Bool

    /// `sources[c]` and `targets[c]` in data coordinates, normalised with
    /// `normalization` (per class when it has per-class centres).
    init(sources: [Tensor], targets: [Tensor], normalization: Normalization, conditional: Bool) {
        let perClass = normalization.sourceCenters.count > 1
        func labels(_ c: Int, _ x: Tensor) -> [Int]? { perClass ? Array(repeating: c, count: x.shape[0]) : nil }
        self.sources = sources.enumerated().map { normalization.normalizeSource($1, labels: labels($0, $1)) }
        self.targets = targets.enumerated().map { normalization.normalizeTarget($1, labels: labels($0, $1)) }
        self.conditional = conditional
    }

    /// One evaluation: per pair, each held-out target's term u₀(x̂(y)) + c(x̂(y), y)
    /// and each held-out source's u₀(x), in the sets' fixed order.
    struct Terms {
        let targets: [[Double]], sources: [[Double]]

        /// J averaged over the pairs.
        var value: Double {
            zip(targets, sources).reduce(0) { $0 + Self.mean($1.0) - Self.mean($1.1) } / Double(Swift.max(targets.count, 1))
        }

        /// The standard error of `value` − `other.value`, from the paired
        /// per-point differences (the same points in both).
        func standardError(of other: Terms) -> Double {
            var variance = 0.0
            for (mine, theirs) in zip(targets + sources, other.targets + other.sources) {
                let differences = zip(mine, theirs).map { $0 - $1 }
                let m = Self.mean(differences)
                let spread = differences.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(Swift.max(differences.count - 1, 1))
                variance += spread / Double(Swift.max(differences.count, 1))
            }
            return variance.squareRoot() / Double(Swift.max(targets.count, 1))
        }

        static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(Swift.max(values.count, 1)) }
    }

    func terms(of potential: TransportPotential) -> Terms {
        var targetTerms: [[Double]] = [], sourceTerms: [[Double]] = []
        for (c, (x, y)) in zip(sources, targets).enumerated() {
            let label = conditional ? c : nil
            // As many refinements as `inverseMap`: with fewer, J counts
            // unconverged x̂ at too high a value, most where the map is most
            // curved.
            let preimages = potential.preimages(ofNormalized: y, class: label, refinements: potential.defaultInverseRefinements).points
            let d = potential.dimension
            let values = initialValue(potential, preimages, label).storage
            targetTerms.append((0..<y.shape[0]).map { r in
                Double(values[r]) + potential.cost.cost(from: Array(preimages.storage[(r * d)..<(r * d + d)]),
                                                        to: Array(y.storage[(r * d)..<(r * d + d)]), finalTime: potential.finalTime)
            })
            sourceTerms.append(initialValue(potential, x, label).storage.map(Double.init))
        }
        return Terms(targets: targetTerms, sources: sourceTerms)
    }

    /// u(x, 0) for the rows of x.
    private func initialValue(_ potential: TransportPotential, _ x: Tensor, _ label: Int?) -> Tensor {
        withoutGradient {
            potential(x, time: Tensor.zeros([x.shape[0], 1]),
                      code: potential.classCode(Array(repeating: label ?? 0, count: x.shape[0])))
        }
    }
}
