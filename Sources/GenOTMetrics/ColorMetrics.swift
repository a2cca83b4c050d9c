import GenOTTensor

/// Scores for colour transfer between RGB pixel sets (rows of [n, 3] in [0, 1]).
public enum ColorMetrics {
    /// Σ min(h₁, h₂) over normalised 3-D colour histograms with `bins` per
    /// channel: 1 for identical colour distributions, 0 for disjoint ones.
    public static func histogramIntersection(_ a: Tensor, _ b: Tensor, bins: Int = 16) -> Double {
        let ha = histogram(a, bins: bins), hb = histogram(b, bins: bins)
        return zip(ha, hb).reduce(0) { $0 + min($1.0, $1.1) }
    }

    static func histogram(_ pixels: Tensor, bins: Int) -> [Double] {
        precondition(pixels.rank == 2 && pixels.shape[1] == 3, "colour histogram needs [n, 3] pixels, got \(pixels.shape)")
        let n = pixels.shape[0]
        var counts = [Double](repeating: 0, count: bins * bins * bins)
        func bin(_ v: Float) -> Int { min(max(Int(v * Float(bins)), 0), bins - 1) }
        for i in 0..<n {
            let r = bin(pixels.storage[3 * i]), g = bin(pixels.storage[3 * i + 1]), b = bin(pixels.storage[3 * i + 2])
            counts[(r * bins + g) * bins + b] += 1
        }
        return counts.map { $0 / Double(max(n, 1)) }
    }

    /// Sliced earth mover's distance (Wasserstein-1): the mean over random
    /// unit directions of the 1-D W₁ between the projected sets, from equal-
    /// size subsamples (`samples` points each).
    public static func slicedEMD(_ a: Tensor, _ b: Tensor, directions: Int = 128, samples: Int = 4096,
                                 seed: UInt64 = 0) -> Double {
        precondition(a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[1], "slicedEMD needs [n, d] and [m, d]")
        var random = SeededRandom(seed: seed)
        let d = a.shape[1]
        let count = min(samples, a.shape[0], b.shape[0])
        let rowsA = Array(random.permutation(a.shape[0]).prefix(count))
        let rowsB = Array(random.permutation(b.shape[0]).prefix(count))
        var total = 0.0
        for _ in 0..<directions {
            var direction = (0..<d).map { _ in Double(random.nextNormal()) }
            let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
            direction = direction.map { $0 / norm }
            func projected(_ x: Tensor, _ rows: [Int]) -> [Double] {
                rows.map { row in (0..<d).reduce(0) { $0 + direction[$1] * Double(x.storage[row * d + $1]) } }.sorted()
            }
            let pa = projected(a, rowsA), pb = projected(b, rowsB)
            total += zip(pa, pb).reduce(0) { $0 + Swift.abs($1.0 - $1.1) } / Double(count)
        }
        return total / Double(directions)
    }
}
