import GenOTTensor

/// The change of coordinates the network works in: a source point x of
/// class c becomes ξ = (x − a_c)/s and a target point y becomes
/// η = (y − b_c)/s', with isotropic scales s (source) and s' (target).
///
/// The map is unchanged by it: every cost here is homogeneous, so one scale
/// for both sides (s = s') commutes with OT. For the quadratic cost two
/// scales do too: if T = ∇φ with φ convex, ξ ↦ T(sξ)/s' is the gradient of
/// the convex φ(sξ)/(ss'), so it is the OT map between the scaled measures
/// (Brenier). Each side then reaches the network with unit spread, however
/// much the map expands or shrinks. A common centre (a_c = b_c) is a translation of both
/// sides, which commutes with OT for any cost c(x, y) = h(y − x). Separate
/// centres (a_c = source mean, b_c = target mean) are valid for the
/// quadratic cost only: there the OT map to ν shifted by b is the OT map
/// plus b (the cross term 2b·(y − x) integrates to the same constant for
/// every coupling). The network then learns only the centred problem (no
/// bulk translation in u, so u and the HJ residual stay small).
public struct Normalization: Sendable, Equatable {
    /// a_c: one row [d] for all classes, or one per class.
    public let sourceCenters: [[Float]]
    /// b_c, laid out like `sourceCenters`.
    public let targetCenters: [[Float]]
    /// s, the source side's scale.
    public let scale: Float
    /// s', the target side's scale (s unless fitted per side).
    public let targetScale: Float

    public init(sourceCenters: [[Float]], targetCenters: [[Float]], scale: Float, targetScale: Float? = nil) {
        precondition(scale > 0 && scale.isFinite, "normalization scale must be positive, got \(scale)")
        precondition((targetScale ?? scale) > 0 && (targetScale ?? scale).isFinite,
                     "normalization target scale must be positive, got \(targetScale ?? scale)")
        precondition(!sourceCenters.isEmpty && sourceCenters.count == targetCenters.count,
                     "\(sourceCenters.count) source and \(targetCenters.count) target centres")
        let d = sourceCenters[0].count
        precondition((sourceCenters + targetCenters).allSatisfy { $0.count == d }, "centres of different dimensions")
        self.sourceCenters = sourceCenters
        self.targetCenters = targetCenters
        self.scale = scale
        self.targetScale = targetScale ?? scale
    }

    /// One centre for both sides and every class.
    public init(center: [Float], scale: Float) {
        self.init(sourceCenters: [center], targetCenters: [center], scale: scale)
    }

    public static func identity(dimension: Int) -> Normalization {
        Normalization(center: Array(repeating: 0, count: dimension), scale: 1)
    }

    public var dimension: Int { sourceCenters[0].count }

    /// Fitted to samples of each pair (`sources[c]`, `targets[c]`, [n, d]):
    /// separate centres = each set's mean (per class when there are several
    /// pairs); one common centre = the mean of everything. Scale = the root mean
    /// square deviation per coordinate from those centres, over every set,
    /// or with `separateScales` over each side's sets (quadratic cost only).
    public static func fitted(sources: [Tensor], targets: [Tensor], separateCenters: Bool,
                              separateScales: Bool = false) -> Normalization {
        precondition(!sources.isEmpty && sources.count == targets.count, "normalization of \(sources.count) and \(targets.count) sets")
        let d = sources[0].shape[1]
        func mean(_ sets: [Tensor]) -> [Double] {
            var sum = [Double](repeating: 0, count: d), count = 0
            for set in sets {
                precondition(set.rank == 2 && set.shape[1] == d, "point sets of shapes \(set.shape) and [_, \(d)]")
                for r in 0..<set.shape[0] { for j in 0..<d { sum[j] += Double(set.storage[r * d + j]) } }
                count += set.shape[0]
            }
            return sum.map { $0 / Double(Swift.max(count, 1)) }
        }
        let shared = mean(sources + targets)
        let sourceMeans = separateCenters ? sources.map { mean([$0]) } : [shared]
        let targetMeans = separateCenters ? targets.map { mean([$0]) } : [shared]
        // Σ squared deviations and their count, per side.
        func spread(_ sets: [Tensor], _ means: [[Double]]) -> (squares: Double, count: Int) {
            var squares = 0.0, count = 0
            for (k, set) in sets.enumerated() {
                let m = means[means.count == 1 ? 0 : k]
                for r in 0..<set.shape[0] { for j in 0..<d { let v = Double(set.storage[r * d + j]) - m[j]; squares += v * v } }
                count += set.count
            }
            return (squares, count)
        }
        func std(_ parts: [(squares: Double, count: Int)]) -> Float {
            let value = (parts.reduce(0) { $0 + $1.squares } / Double(Swift.max(parts.reduce(0) { $0 + $1.count }, 1))).squareRoot()
            return value > 1e-12 ? Float(value) : 1
        }
        let source = spread(sources, sourceMeans), target = spread(targets, targetMeans)
        let toFloat = { (rows: [[Double]]) in rows.map { $0.map { Float($0) } } }
        return Normalization(sourceCenters: toFloat(sourceMeans), targetCenters: toFloat(targetMeans),
                             scale: separateScales ? std([source]) : std([source, target]),
                             targetScale: separateScales ? std([target]) : nil)
    }

    /// The centre rows for `labels` (nil: unconditional, row 0): [n, d], or
    /// one row [1, d] to broadcast when every point has the same centre (a
    /// training batch of one class).
    func centers(_ table: [[Float]], rows n: Int, labels: [Int]?) -> Tensor {
        if table.count == 1 { return Tensor(shape: [1, dimension], storage: table[0]) }
        precondition(labels?.count == n, "per-class centres need one label per point")
        let labels = labels!
        if let first = labels.first, labels.allSatisfy({ $0 == first }) { return Tensor(shape: [1, dimension], storage: table[first]) }
        return Tensor(shape: [n, dimension], storage: labels.flatMap { table[$0] })
    }

    /// ξ = (x − a_c)/s: [n, d] → [n, d].
    public func normalizeSource(_ x: Tensor, labels: [Int]? = nil) -> Tensor {
        withoutGradient { (x - centers(sourceCenters, rows: x.shape[0], labels: labels)).scaled(by: 1 / scale) }
    }

    /// η = (y − b_c)/s'.
    public func normalizeTarget(_ y: Tensor, labels: [Int]? = nil) -> Tensor {
        withoutGradient { (y - centers(targetCenters, rows: y.shape[0], labels: labels)).scaled(by: 1 / targetScale) }
    }

    /// x = a_c + s·ξ.
    public func denormalizeSource(_ xi: Tensor, labels: [Int]? = nil) -> Tensor {
        withoutGradient { xi.scaled(by: scale) + centers(sourceCenters, rows: xi.shape[0], labels: labels) }
    }

    /// y = b_c + s'·η.
    public func denormalizeTarget(_ eta: Tensor, labels: [Int]? = nil) -> Tensor {
        withoutGradient { eta.scaled(by: targetScale) + centers(targetCenters, rows: eta.shape[0], labels: labels) }
    }
}
