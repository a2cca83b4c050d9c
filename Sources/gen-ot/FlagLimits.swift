import ArgumentParser
import GenOTModels

/// Upper bounds on the flags that size an allocation, so that a slip such as
/// `--count 1000000000` is refused before any memory is taken.
enum FlagLimits {
    /// Generated images in one run (10 classes × 10 000 at 28×28 floats ≈ 300 MB).
    static let images = 100_000
    /// Samples per class for `sample`, `evaluate` and `calibrate`.
    static let perClass = 10_000
    /// Points along each characteristic for `sample --path`.
    static let pathPoints = 64
    /// `benchmark --dim`: beyond it the Float64 closed forms and the d × d
    /// sampling are slow without telling anything new.
    static let benchmarkDimension = 512
    /// `color-transfer --samples`: pixels drawn from each image.
    static let colorSamples = 1 << 16
    /// `--temperature`.
    static let temperature = SamplingTemperature.maximum
}

/// Checks that `value` of `flag` lies in `range`; the message names the flag,
/// the range, why there is a bound (when given) and what was found.
func requireFlag(_ flag: String, _ value: Int, in range: ClosedRange<Int>, because reason: String? = nil) throws {
    guard range.contains(value) else {
        throw ValidationError("\(flag) must be in \(range.lowerBound)...\(range.upperBound)"
                              + (reason.map { " (\($0))" } ?? "") + ", got \(value)")
    }
}

