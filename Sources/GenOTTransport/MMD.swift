import Foundation
import GenOTModels
import GenOTTensor

/// The kernel of the maximum mean discrepancy.
public enum MMDKernel: Sendable, Equatable, CustomStringConvertible {
    /// k(x, y) = −‖x − y‖: the energy distance (the paper's choice; scale
    /// free, nothing to tune).
    case energy
    /// k(x, y) = Σ_b exp(−‖x − y‖² / (2σ_b²)) with σ_b = m_b · (median
    /// pairwise distance of the target samples), the median measured once
    /// per class when training starts.
    case gaussian(multipliers: [Float])

    public static let defaultGaussian = MMDKernel.gaussian(multipliers: [0.5, 1, 2, 4])

    /// Most bandwidth multipliers a Gaussian kernel takes.
    public static let maxMultipliers = 16

    /// Parses `energy` or `gaussian` / `gaussian:0.5,1,2,4`.
    public init(parsing text: String) throws {
        let lowered = text.lowercased()
        if lowered == "energy" { self = .energy; return }
        if lowered == "gaussian" { self = Self.defaultGaussian; return }
        if lowered.hasPrefix("gaussian:") {
            let values = lowered.dropFirst("gaussian:".count).split(separator: ",", omittingEmptySubsequences: false).map { Float($0) }
            // Each multiplier is one more n × m kernel per MMD term.
            if !values.isEmpty, values.count <= Self.maxMultipliers, values.allSatisfy({ ($0 ?? 0) > 0 && $0!.isFinite }) {
                self = .gaussian(multipliers: values.map { $0! })
                return
            }
        }
        throw SettingError("kernel", expected: "'energy', 'gaussian' or 'gaussian:M1,M2,…' with 1 to \(Self.maxMultipliers) positive finite multipliers",
                           found: "'\(text.count > 80 ? text.prefix(80) + "…" : text)'")
    }

    public var description: String {
        switch self {
        case .energy: "energy"
        case .gaussian(let m): "gaussian:" + m.map { "\($0)" }.joined(separator: ",")
        }
    }
}

/// MMD², unbiased (the diagonal k(xᵢ, xᵢ) terms are left out):
///
///     MMD²(X, Y) = Σ_{i≠j} k(xᵢ,xⱼ)/(n(n−1)) + Σ_{i≠j} k(yᵢ,yⱼ)/(m(m−1)) − 2 Σ k(xᵢ,yⱼ)/(nm)
///
/// Composed from differentiable ops (no rule of its own).
public enum MMD {
    /// ε under the square root of the energy kernel: keeps its derivative
    /// finite where two points meet (data are normalised to unit scale).
    public static let energyEpsilon: Float = 1e-6

    /// MMD² between x [n, d] (differentiable) and y [m, d]. `bandwidths`:
    /// the σ_b of a Gaussian kernel (ignored for the energy kernel).
    /// `includeTargetTerm: false` drops the y–y term, which is constant in
    /// x: same gradient, cheaper, but the value is then MMD² minus a constant.
    public static func squared(_ x: Tensor, _ y: Tensor, kernel: MMDKernel, bandwidths: [Float] = [],
                               includeTargetTerm: Bool = true) -> Tensor {
        precondition(x.rank == 2 && y.rank == 2 && x.shape[1] == y.shape[1], "MMD between \(x.shape) and \(y.shape)")
        let n = x.shape[0], m = y.shape[0]
        precondition(n >= 2 && m >= 2, "the unbiased MMD needs at least 2 points on each side, got \(n) and \(m)")
        // Centring on the targets' mean (a constant) keeps ‖x‖² + ‖y‖² − 2x·y
        // from cancelling catastrophically when the clouds sit far from 0.
        let center = withoutGradient { y.mean(axis: 0, keepDims: true) }
        let xc = x - center, yc = withoutGradient { y - center }
        let k = { (a: Tensor, b: Tensor) in kernelMatrix(a, b, kernel: kernel, bandwidths: bandwidths) }
        let xx = offDiagonalSum(k(xc, xc)).scaled(by: 1 / Float(n * (n - 1)))
        let xy = k(xc, yc).sum().scaled(by: 2 / Float(n * m))
        guard includeTargetTerm else { return xx - xy }
        let yy = withoutGradient { offDiagonalSum(k(yc, yc)).scaled(by: 1 / Float(m * (m - 1))) }
        return xx + yy - xy
    }

    /// Rows `rows` of x's share of MMD²(x, y) without the y–y term, and the
    /// gradient of that MMD² with respect to those rows (x [n, d] and y are
    /// data, no graph). The shares of a partition of the rows sum to
    /// `squared(x, y, includeTargetTerm: false)`, and row i's gradient needs
    /// only k(xᵢ, ·): as k is symmetric, ∂/∂xᵢ Σ_{j≠l} k(xⱼ, x_l) =
    /// 2 Σ_{j≠i} ∂₁k(xᵢ, xⱼ). So a step split into shards of rows computes
    /// each shard's part of the MMD on its own core or rank.
    ///
    /// Written out rather than differentiated (`Tensor.radialKernelSum`):
    /// two GEMMs and one pass over the kernel matrix instead of a graph of a
    /// dozen passes.
    public static func rowShare(_ x: Tensor, rows: Range<Int>, _ y: Tensor, kernel: MMDKernel,
                                bandwidths: [Float] = []) -> (value: Float, gradient: Tensor) {
        let n = x.shape[0], m = y.shape[0], s = rows.count
        precondition(n >= 2 && m >= 2 && rows.lowerBound >= 0 && rows.upperBound <= n && s > 0, "MMD rows \(rows) of \(n) against \(m)")
        let profile = Self.profile(kernel, bandwidths: bandwidths)
        return withoutGradient {
            // Centred on the targets' mean, as in `squared`.
            let points = Tensor.concat([x, y], axis: 0) - y.mean(axis: 0, keepDims: true)
            // Pairs within x weigh 1/(n(n−1)) in MMD², and twice that in the
            // gradient (each pair appears in both orders); pairs across −2/(nm).
            let pairs = 1 / Float(n * (n - 1)), cross = -2 / Float(n * m)
            let share = points.slice(axis: 0, start: rows.lowerBound, length: s).radialKernelSum(
                columns: points, profile: profile,
                valueWeights: Array(repeating: pairs, count: n) + Array(repeating: cross, count: m),
                slopeWeights: Array(repeating: 2 * pairs, count: n) + Array(repeating: cross, count: m),
                skip: Array(rows))
            return (Float(share.value), share.gradient)
        }
    }

    /// The mean of k(yᵢ, yⱼ) over distinct pairs of y [m, d] (no gradient):
    /// the y–y term of MMD², an unbiased estimate of E k(y, y′) under ν.
    /// Computed in blocks of rows (bounded memory) and summed in Float64.
    public static func targetTerm(_ y: Tensor, kernel: MMDKernel, bandwidths: [Float], block: Int = 512) -> Double {
        withoutGradient {
            let m = y.shape[0]
            let yc = y - y.mean(axis: 0, keepDims: true)
            var total = 0.0
            var start = 0
            while start < m {
                let rows = Swift.min(block, m - start)
                let k = kernelMatrix(yc.slice(axis: 0, start: start, length: rows), yc, kernel: kernel, bandwidths: bandwidths)
                for i in 0..<rows {
                    for j in 0..<m where j != start + i { total += Double(k.storage[i * m + j]) }
                }
                start += rows
            }
            return total / Double(m * (m - 1))
        }
    }

    /// k(aᵢ, bⱼ): [n, d], [m, d] → [n, m].
    public static func kernelMatrix(_ a: Tensor, _ b: Tensor, kernel: MMDKernel, bandwidths: [Float]) -> Tensor {
        // NOTE: rounding can leave tiny negative squared distances; relu clamps them.
        let squared = a.pairwiseSquaredDistances(b).relu()
        switch profile(kernel, bandwidths: bandwidths) {
        case .negativeRoot(let epsilon):
            return -(squared.shifted(by: epsilon).sqrt())
        case .exponentials(let rates):
            // One fused op for all bandwidths: one pass over the [n, m]
            // matrix forward and one backward, instead of three per bandwidth.
            return squared.expSum(rates: rates)
        }
    }

    /// The kernel as a function of the squared distance: −√(s + ε) for the
    /// energy kernel, Σ_b exp(−s / (2σ_b²)) for the Gaussian one.
    static func profile(_ kernel: MMDKernel, bandwidths: [Float]) -> RadialProfile {
        switch kernel {
        case .energy: return .negativeRoot(epsilon: energyEpsilon)
        case .gaussian:
            precondition(!bandwidths.isEmpty, "a Gaussian MMD kernel needs bandwidths")
            return .exponentials(rates: bandwidths.map { -1 / (2 * $0 * $0) })
        }
    }

    /// Σ_{i≠j} of a square matrix: the diagonal is masked out with a
    /// constant, so it contributes neither value nor gradient.
    static func offDiagonalSum(_ matrix: Tensor) -> Tensor {
        let n = matrix.shape[0]
        let mask = Tensor.ones([n, n])
        for i in 0..<n { mask.storage[i * n + i] = 0 }
        return (matrix * mask).sum()
    }

    /// The σ_b of `kernel` for target samples y [m, d] (median heuristic on
    /// at most 512 of them); empty for the energy kernel.
    public static func bandwidths(for kernel: MMDKernel, targets y: Tensor) -> [Float] {
        guard case .gaussian(let multipliers) = kernel else { return [] }
        let m = Swift.min(y.shape[0], 512)
        let sample = y.slice(axis: 0, start: 0, length: m).detached()
        let squared = withoutGradient { sample.pairwiseSquaredDistances(sample) }
        var distances: [Float] = []
        distances.reserveCapacity(m * (m - 1) / 2)
        for i in 0..<m { for j in (i + 1)..<m { distances.append(Swift.max(squared.storage[i * m + j], 0).squareRoot()) } }
        distances.sort()
        let median = distances.isEmpty ? 1 : Swift.max(distances[distances.count / 2], 1e-6)
        return multipliers.map { $0 * median }
    }
}
