import Foundation
import GenOTFiles
import GenOTImaging
import GenOTMetrics
import GenOTModels
import GenOTTensor
import GenOTTransport

/// `gen-ot toy`: a 2-D map between toy distributions, drawn with its
/// straight transport paths, and a few numbers that say how good it is.
public enum ToyTransport {
    public struct Report: Sendable {
        /// Energy MMD² between T#μ and ν (fresh samples), and between μ and ν for scale.
        public var pushedMMD: Double, initialMMD: Double
        /// E‖T⁻¹(T(x)) − x‖²/d.
        public var inverseConsistency: Double
        /// Share of sampled pairs with ⟨T(x) − T(y), x − y⟩ < 0 (an optimal
        /// map for the quadratic cost is monotone: 0 is expected).
        public var nonMonotoneShare: Double
        public var summary: TrainingSummary
    }

    /// Trains the map, writes the SVG (and PNG when given) and returns the report.
    public static func run(source: ToyDistribution, target: ToyDistribution, config: TransportConfig,
                           svg: URL, png: URL?, paths: Int = 300, log: (String) -> Void) throws -> Report {
        try OutputFile.refuseProtected(svg, flag: "--svg")
        try OutputFile.checkWritable(svg, flag: "--svg")
        if let png {
            try OutputFile.refuseInputs(png, [svg], flag: "--png")
            try OutputFile.refuseProtected(png, flag: "--png")
            try OutputFile.checkWritable(png, flag: "--png")
        }
        log("toy: \(source.rawValue) → \(target.rawValue)")
        let trainer = try TransportTrainer(problem: TransportProblem(source: source.sampler, target: target.sampler), config: config)
        let summary = try trainer.train(label: "toy", log: log)
        let map = trainer.potential

        var random = SeededRandom(seed: config.seed &+ 99)
        let x = source.sampler.sample(2000, using: &random), y = target.sampler.sample(2000, using: &random)
        let pushed = map.forwardMap(x)
        let report = Report(
            pushedMMD: Double(withoutGradient { MMD.squared(pushed, y, kernel: .energy) }.scalarValue),
            initialMMD: Double(withoutGradient { MMD.squared(x, y, kernel: .energy) }.scalarValue),
            inverseConsistency: meanSquaredDistancePerCoordinate(map.inverseMap(pushed), x),
            nonMonotoneShare: nonMonotoneShare(x, pushed),
            summary: summary)

        func points(_ t: Tensor, _ count: Int) -> [SIMD2<Float>] {
            (0..<Swift.min(count, t.shape[0])).map { SIMD2(t.storage[2 * $0], t.storage[2 * $0 + 1]) }
        }
        let start = points(x, paths), end = points(pushed, paths)
        let figure = ScatterFigure(
            title: "\(source.rawValue) → \(target.rawValue): HJ characteristic flow, \(config.cost) cost, \(summary.steps) steps",
            segments: [.init(name: "paths x → T(x)", color: .gray, lines: Array(zip(start, end)))],
            series: [.init(name: "source μ", color: .blue, points: points(x, 1000), radius: 1.8, opacity: 0.45),
                     .init(name: "target ν", color: .orange, points: points(y, 1000), radius: 1.8, opacity: 0.45),
                     .init(name: "T#μ", color: .green, points: points(pushed, 1000), radius: 1.8, opacity: 0.7)])
        try figure.writeSVG(to: svg)
        log("wrote \(svg.relativePath)")
        if let png {
            try PNG.write(figure.png(), to: png)
            log("wrote \(png.relativePath)")
        }
        log(String(format: "energy MMD² T#μ vs ν %.2e (μ vs ν %.2e); inverse consistency %.2e; non-monotone pairs %.3f%%",
                   report.pushedMMD, report.initialMMD, report.inverseConsistency, 100 * report.nonMonotoneShare))
        return report
    }
}
