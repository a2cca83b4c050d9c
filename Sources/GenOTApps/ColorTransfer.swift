import Foundation
import GenOTFiles
import GenOTImaging
import GenOTMetrics
import GenOTModels
import GenOTTensor
import GenOTTransport

/// `gen-ot color-transfer`: the HJ map between the RGB distributions of a
/// photo and a reference (pixels in [0, 1]³), applied to every pixel of the
/// photo in chunks, so large images stream through in bounded memory.
public enum ColorTransfer {
    public struct Request: Sendable {
        public var source: URL, reference: URL, output: URL
        /// Also write source | reference | result side by side.
        public var sideBySide: URL?
        /// Pixels drawn from each image to fit the map.
        public var samples: Int
        /// Map the reference's colours onto the source's palette instead (T⁻¹).
        public var inverse: Bool
        public var config: TransportConfig

        public init(source: URL, reference: URL, output: URL, sideBySide: URL?, samples: Int, inverse: Bool,
                    config: TransportConfig) {
            self.source = source; self.reference = reference; self.output = output; self.sideBySide = sideBySide
            self.samples = samples; self.inverse = inverse; self.config = config
        }
    }

    /// Histogram intersection (↑) and sliced EMD (↓) against the target palette.
    public struct Scores: Sendable { public var histogramIntersection: Double; public var slicedEMD: Double }

    public static func run(_ request: Request, log: (String) -> Void) throws -> (before: Scores, after: Scores) {
        let inputs = [request.source, request.reference]
        try OutputFile.refuseInputs(request.output, inputs, flag: "--out")
        try OutputFile.refuseProtected(request.output, flag: "--out")
        try OutputFile.checkWritable(request.output, flag: "--out")
        if let sideBySide = request.sideBySide {
            try OutputFile.refuseInputs(sideBySide, inputs + [request.output], flag: "--side-by-side")
            try OutputFile.refuseProtected(sideBySide, flag: "--side-by-side")
            try OutputFile.checkWritable(sideBySide, flag: "--side-by-side")
        }
        let source = try readColour(request.source), reference = try readColour(request.reference)
        var random = SeededRandom(seed: request.config.seed)
        let sourceSample = pixels(source, count: request.samples, using: &random)
        let referenceSample = pixels(reference, count: request.samples, using: &random)
        let trainer: TransportTrainer
        do {
            trainer = try TransportTrainer(problem: TransportProblem(source: .empirical(sourceSample),
                                                                     target: .empirical(referenceSample)),
                                           config: request.config)
        } catch let error as SettingError {
            // A one-colour image has no spread for the Gaussian base to fit: name the files.
            throw error.applied(to: "\(request.source.relativePath) → \(request.reference.relativePath) "
                                + "(colours that vary in red, green and blue in both images)")
        }
        try trainer.train(label: "color-transfer", log: log)
        let (input, palette) = request.inverse ? (reference, source) : (source, reference)
        let result = apply(trainer.potential, to: input, inverse: request.inverse)
        try PNG.write(result, to: request.output)
        if let sideBySide = request.sideBySide {
            try PNG.write(horizontally([source, reference, result]), to: sideBySide)
        }
        let target = pixels(palette, count: 20000, using: &random)
        func scores(_ image: PNGImage) -> Scores {
            var r = SeededRandom(seed: 1)
            let p = pixels(image, count: 20000, using: &r)
            return Scores(histogramIntersection: ColorMetrics.histogramIntersection(p, target), slicedEMD: ColorMetrics.slicedEMD(p, target))
        }
        return (scores(input), scores(result))
    }

    /// A PNG with colour (RGB or RGBA); grayscale is refused.
    static func readColour(_ url: URL) throws -> PNGImage {
        let image = try PNG.read(from: url)
        guard image.channels >= 3 else {
            throw FileError(.wrongShape, url, expected: "an RGB or RGBA PNG (colour transfer)", found: "a grayscale image")
        }
        return image
    }

    /// `count` random pixels (with replacement when the image is smaller) as [count, 3] in [0, 1].
    static func pixels(_ image: PNGImage, count: Int, using random: inout SeededRandom) -> Tensor {
        let total = UInt64(image.width * image.height)
        return colours(image, at: (0..<count).map { _ in Int(random.next() % total) })
    }

    /// The RGB of the pixels at `indices` (row-major), as [n, 3] in [0, 1].
    static func colours(_ image: PNGImage, at indices: [Int]) -> Tensor {
        let c = image.channels
        var values = [Float](repeating: 0, count: indices.count * 3)
        for (i, p) in indices.enumerated() { for k in 0..<3 { values[i * 3 + k] = Float(image.pixels[p * c + k]) / 255 } }
        return Tensor(shape: [indices.count, 3], storage: values)
    }

    /// T (or T⁻¹) applied to every pixel, 65 536 at a time; alpha kept, colours clamped.
    static func apply(_ potential: TransportPotential, to image: PNGImage, inverse: Bool) -> PNGImage {
        let total = image.width * image.height, c = image.channels, chunk = 65536
        var out = image.pixels
        var start = 0
        while start < total {
            let n = min(chunk, total - start)
            let x = colours(image, at: Array(start..<(start + n)))
            let mapped = inverse ? potential.inverseMap(x, class: nil) : potential.forwardMap(x, class: nil)
            for i in 0..<n { for k in 0..<3 {
                out[(start + i) * c + k] = UInt8((min(max(mapped.storage[i * 3 + k], 0), 1) * 255).rounded())
            } }
            start += n
        }
        return PNGImage(width: image.width, height: image.height, channels: c, pixels: out)
    }

    /// Images side by side on white, as RGB, top-aligned.
    static func horizontally(_ images: [PNGImage]) -> PNGImage {
        let gap = 8
        let width = images.reduce(0) { $0 + $1.width } + gap * (images.count - 1)
        let height = images.map(\.height).max() ?? 0
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        var left = 0
        for image in images {
            for y in 0..<image.height { for x in 0..<image.width { for k in 0..<3 {
                pixels[(y * width + left + x) * 3 + k] = image.pixels[(y * image.width + x) * image.channels + k]
            } } }
            left += image.width + gap
        }
        return PNGImage(width: width, height: height, channels: 3, pixels: pixels)
    }
}
