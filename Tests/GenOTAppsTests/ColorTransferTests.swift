import Foundation
import GenOTApps
import GenOTImaging
import GenOTModels
import GenOTTensor
import GenOTTransport
import XCTest

final class ColorTransferTests: XCTestCase {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ct-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// An image whose colours are N(mean, diag(std²)), clamped into [0, 1].
    func gaussianImage(mean: [Float], std: [Float], side: Int, seed: UInt64) -> PNGImage {
        var random = SeededRandom(seed: seed)
        var pixels = [UInt8]()
        for _ in 0..<(side * side) { for k in 0..<3 {
            pixels.append(UInt8((min(max(mean[k] + std[k] * random.nextNormal(), 0), 1) * 255).rounded()))
        } }
        return PNGImage(width: side, height: side, channels: 3, pixels: pixels)
    }

    /// Two Gaussian palettes: the map has a closed form, and the result's
    /// colour mean and covariance match the reference's.
    func testGaussianPalettesMatchInMeanAndCovariance() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("s.png"), reference = dir.appendingPathComponent("r.png")
        try PNG.write(gaussianImage(mean: [0.3, 0.5, 0.6], std: [0.08, 0.05, 0.1], side: 64, seed: 1), to: source)
        try PNG.write(gaussianImage(mean: [0.6, 0.4, 0.3], std: [0.05, 0.1, 0.06], side: 64, seed: 2), to: reference)
        var config = TransportPreset.colorTransfer
        config.steps = 100
        config.width = 16
        config.depth = 2
        let out = dir.appendingPathComponent("o.png")
        let (before, after) = try ColorTransfer.run(.init(source: source, reference: reference, output: out, sideBySide: nil,
                                                          samples: 2048, inverse: false, config: config)) { _ in }
        XCTAssertGreaterThan(after.histogramIntersection, before.histogramIntersection + 0.2)
        XCTAssertLessThan(after.slicedEMD, before.slicedEMD / 3)
        func fit(_ url: URL) throws -> Gaussian {
            let image = try PNG.read(from: url)
            return Gaussian(fitting: Tensor(shape: [image.width * image.height, 3], storage: image.pixels.map { Float($0) / 255 }))
        }
        let result = try fit(out), target = try fit(reference)
        for k in 0..<3 { XCTAssertEqual(result.mean[k], target.mean[k], accuracy: 0.02) }
        for k in 0..<9 { XCTAssertEqual(result.covariance[k], target.covariance[k], accuracy: 0.002) }
    }

    func testGrayscaleAndBadFilesAreRefused() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gray = dir.appendingPathComponent("g.png"), notPNG = dir.appendingPathComponent("n.png")
        try PNG.write(pixels: [UInt8](repeating: 100, count: 16), width: 4, height: 4, channels: 1, to: gray)
        try Data("not a png".utf8).write(to: notPNG)
        for (file, expected) in [(gray, "grayscale"), (notPNG, "n.png"), (dir.appendingPathComponent("missing.png"), "missing.png")] {
            XCTAssertThrowsError(try ColorTransfer.run(.init(source: file, reference: gray, output: dir.appendingPathComponent("o.png"),
                                                             sideBySide: nil, samples: 16, inverse: false,
                                                             config: TransportPreset.colorTransfer)) { _ in }) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.png").path))
    }
}
