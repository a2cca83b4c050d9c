import Foundation
import GenOTData
import GenOTFiles
import GenOTMetrics
import GenOTModels
import GenOTNN
import GenOTTensor

/// `gen-ot invert` over many images: every image of an IDX file, or every
/// PNG of a folder, back to its noise z = T_c⁻¹(encoder mean), written as one
/// [N, d] .npy, with how close the noise of each class is to N(0, I).
public enum LatentInversion {
    /// Images [N, 28, 28] in [0, 1] and the class of each.
    public struct Images {
        public let images: Tensor
        public let labels: [Int]
    }

    /// Every image of `idx` or every `*.png` of `pngFolder` (sorted by name);
    /// the classes from the IDX labels file `labelsFile`, else all `label`.
    public static func read(idx: URL?, pngFolder: URL?, labelsFile: URL?, label: Int?) throws -> Images {
        let images: Tensor
        if let idx {
            let array = try LatentOutputs.readImageArray(idx)
            images = Tensor(shape: array.dimensions, storage: array.bytes.map { Float($0) / 255 })
        } else if let pngFolder {
            try requireFolder(pngFolder)
            let names = try FileManager.default.contentsOfDirectory(atPath: pngFolder.path)
                .filter { $0.lowercased().hasSuffix(".png") }.sorted()
            guard !names.isEmpty else {
                throw FileError(.badValues, pngFolder, expected: "a folder with 28×28 PNG images", found: "no .png file")
            }
            images = Tensor(shape: [names.count, 28, 28],
                            storage: try names.flatMap { try LatentOutputs.grayPixels(pngFolder.appendingPathComponent($0)) })
        } else {
            throw SettingError("the images", expected: "--idx FILE or --image FOLDER", found: "neither")
        }
        let count = images.shape[0]
        guard count > 0 else { throw FileError(.badValues, (idx ?? pngFolder)!, expected: "images", found: "none") }
        guard let labelsFile else {
            guard let label else { throw SettingError("the class", expected: "--class C or --labels FILE", found: "neither") }
            return Images(images: images, labels: Array(repeating: label, count: count))
        }
        let labels = try IDX.read(from: labelsFile)
        guard labels.dimensions == [count] else {
            throw FileError(.wrongShape, labelsFile, expected: "labels [\(count)], one per image", found: "dimensions \(labels.dimensions)")
        }
        if let bad = labels.bytes.firstIndex(where: { Int($0) >= Datasets.classCount }) {
            throw FileError(.badValues, labelsFile, expected: "labels 0...\(Datasets.classCount - 1)",
                            found: "label \(labels.bytes[bad]) at index \(bad)")
        }
        return Images(images: images, labels: labels.bytes.map(Int.init))
    }

    /// Inverts every image, writes the noise [N, d] to `output` (.npy) and
    /// returns lines to print: the mean round-trip error and the normality table.
    public static func run(_ set: Images, generator: LatentGenerator, output: URL) throws -> [String] {
        let (noise, errors) = generator.invertAll(images: set.images, labels: set.labels)
        try NPY.write(noise, to: output)
        let meanError = errors.reduce(0, +) / Float(max(errors.count, 1))
        return ["wrote \(output.relativePath): z for \(set.labels.count) images in d = \(noise.shape[1])",
                String(format: "mean ‖T(T⁻¹(y)) − y‖ = %.4g", meanError),
                "against N(0, I):"] + NoiseNormality.table(noise, labels: set.labels).map { "  " + $0.line }
    }

    static func requireFolder(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError(.unreadable, url, expected: "a folder of PNG images", found: FileManager.default.fileExists(atPath: url.path) ? "a file" : "nothing there")
        }
    }
}
