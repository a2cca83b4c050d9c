import GenOTTensor

/// A source of points in R^d: a distribution that can be sampled (μ = N(0, I),
/// a Gaussian, a toy shape) or a finite set drawn from (encoder means of one
/// class, a point cloud). The transport trainer takes one per class.
public struct Sampler: Sendable {
    public let dimension: Int
    /// How many distinct points a finite set holds (nil: a distribution).
    public let pointCount: Int?
    private let draw: @Sendable (Int, inout SeededRandom) -> Tensor

    /// `draw(n, &random)` must return [n, dimension].
    public init(dimension: Int, pointCount: Int? = nil, draw: @escaping @Sendable (Int, inout SeededRandom) -> Tensor) {
        self.dimension = dimension
        self.pointCount = pointCount
        self.draw = draw
    }

    /// n points, [n, dimension].
    public func sample(_ n: Int, using random: inout SeededRandom) -> Tensor {
        let points = draw(n, &random)
        precondition(points.shape == [n, dimension], "sampler gave \(points.shape), expected [\(n), \(dimension)]")
        return points
    }

    /// N(0, I_d).
    public static func standardNormal(dimension: Int) -> Sampler {
        Sampler(dimension: dimension) { n, random in random.normal([n, dimension]) }
    }

    /// N(mean, F Fᵀ): x = mean + F z with z ~ N(0, I). factor: [d, d] row-major.
    public static func gaussian(mean: [Float], factor: [Float]) -> Sampler {
        let d = mean.count
        precondition(factor.count == d * d, "a Gaussian in d = \(d) needs a \(d)×\(d) factor, got \(factor.count) values")
        let f = Tensor(shape: [d, d], storage: factor), m = Tensor(shape: [1, d], storage: mean)
        return Sampler(dimension: d) { n, random in
            withoutGradient { random.normal([n, d]).matmul(f, transposeOther: true) + m }
        }
    }

    /// Rows of `points` ([N, d]), distinct within one draw while n ≤ N
    /// (duplicates would bias the unbiased MMD); with replacement beyond that.
    public static func empirical(_ points: Tensor) -> Sampler {
        precondition(points.rank == 2 && points.shape[0] > 0, "an empirical sampler needs [N > 0, d] points, got \(points.shape)")
        let data = points.detached(), count = points.shape[0]
        return Sampler(dimension: points.shape[1], pointCount: count) { n, random in
            data.gatherRows(distinctIndices(n, from: count, using: &random))
        }
    }

    /// n indices in 0..<count, distinct when n ≤ count (Floyd's algorithm),
    /// in random order.
    static func distinctIndices(_ n: Int, from count: Int, using random: inout SeededRandom) -> [Int] {
        guard n <= count else { return (0..<n).map { _ in Int.random(in: 0..<count, using: &random) } }
        var chosen = Set<Int>(minimumCapacity: n), order: [Int] = []
        order.reserveCapacity(n)
        for j in (count - n)..<count {
            let candidate = Int.random(in: 0...j, using: &random)
            let pick = chosen.contains(candidate) ? j : candidate
            chosen.insert(pick)
            order.append(pick)
        }
        order.shuffle(using: &random)
        return order
    }
}
