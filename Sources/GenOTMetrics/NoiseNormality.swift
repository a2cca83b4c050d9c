import Foundation
import GenOTModels
import GenOTTensor

/// How close inverted noise z = T_c⁻¹(encoder mean) is to N(0, I): if the
/// map is right, the test images of class c pull back to standard normal noise.
public struct NoiseNormality: Sendable {
    /// The class (nil: all rows together).
    public let label: Int?
    public let count: Int
    /// ‖mean‖₂ (0 for N(0, I)).
    public let meanNorm: Double
    /// ‖Cov − I‖_F / √d: the covariance error relative to ‖I‖_F.
    public let covarianceError: Double
    /// Kolmogorov–Smirnov distance between the pooled coordinates and N(0, 1)
    /// (a normal sample of n·d values gives about 0.87/√(n·d)).
    public let ksDistance: Double

    /// z: [n, d] (n ≥ 2).
    public init(_ z: Tensor, label: Int?) {
        precondition(z.rank == 2 && z.shape[0] >= 2, "normality of \(z.shape)")
        let n = z.shape[0], d = z.shape[1]
        let gaussian = Gaussian(fitting: z)
        var squares = 0.0
        for j in 0..<d { for k in 0..<d {
            let e = gaussian.covariance[j * d + k] - (j == k ? 1 : 0)
            squares += e * e
        } }
        let sorted = z.storage.map(Double.init).sorted()
        var ks = 0.0
        for (i, value) in sorted.enumerated() {
            let phi = 0.5 * (1 + erf(value / 2.0.squareRoot()))
            ks = max(ks, abs(phi - Double(i) / Double(sorted.count)), abs(phi - Double(i + 1) / Double(sorted.count)))
        }
        self.label = label
        count = n
        meanNorm = gaussian.mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
        covarianceError = squares.squareRoot() / Double(d).squareRoot()
        ksDistance = ks
    }

    /// One row per class present (with at least 2 rows), then all rows together.
    public static func table(_ z: Tensor, labels: [Int]) -> [NoiseNormality] {
        let perClass = Set(labels).sorted().compactMap { c -> NoiseNormality? in
            let rows = labels.indices.filter { labels[$0] == c }
            return rows.count >= 2 ? NoiseNormality(z.gatherRows(rows), label: c) : nil
        }
        return perClass + (z.shape[0] >= 2 ? [NoiseNormality(z, label: nil)] : [])
    }

    public var line: String {
        String(format: "%@ n = %6d  ‖mean‖ = %.3f  ‖Cov − I‖_F/√d = %.3f  KS = %.4f",
               (label.map { "class \($0)" } ?? "all    ") as NSString, count, meanNorm, covarianceError, ksDistance)
    }
}
