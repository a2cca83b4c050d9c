import Foundation
import GenOTData
import GenOTFiles
import GenOTImaging
import GenOTModels
import GenOTNN
import GenOTTensor

/// Files written by `gen-ot sample` and `gen-ot invert`: PNG grids, IDX
/// images and labels, .npy noise.
public enum LatentOutputs {
    /// A grid of [n, 28, 28] images, `columns` per row.
    public static func writeGrid(_ images: Tensor, columns: Int, to url: URL) throws {
        let side = images.shape[1]
        try PNG.write(ImageGrid.make(flat: images.storage, count: images.shape[0], imageWidth: side, imageHeight: side,
                                     columns: max(1, min(columns, images.shape[0]))), to: url)
    }

    /// PREFIX-images-idx3-ubyte and PREFIX-labels-idx1-ubyte (MNIST's format).
    public static func writeIDX(_ images: Tensor, labels: [Int], prefix: String) throws -> (URL, URL) {
        let (imageURL, labelURL) = idxFiles(prefix: prefix)
        let bytes = images.storage.map { UInt8((min(max($0, 0), 1) * 255).rounded()) }
        try IDX.write(IDXArray(dimensions: images.shape, bytes: bytes), to: imageURL, gzip: false)
        try IDX.write(IDXArray(dimensions: [labels.count], bytes: labels.map { UInt8($0) }), to: labelURL, gzip: false)
        return (imageURL, labelURL)
    }

    /// The images and labels files `writeIDX` writes for `prefix`.
    public static func idxFiles(prefix: String) -> (images: URL, labels: URL) {
        (URL(fileURLWithPath: prefix + "-images-idx3-ubyte"), URL(fileURLWithPath: prefix + "-labels-idx1-ubyte"))
    }

    /// Reads one image for inversion: a PNG (grayscale, or RGB averaged;
    /// resized only if it is already 28×28 — other sizes are refused) or
    /// image `index` of an IDX file. Returns [1, 28, 28] in [0, 1].
    public static func readImage(png: URL?, idx: URL?, index: Int?) throws -> Tensor {
        if let png { return Tensor(shape: [1, 28, 28], storage: try grayPixels(png)) }
        guard let idx, let index else { throw SettingError("the image", expected: "--image FILE.png, or --idx FILE with --index N", found: "neither") }
        let array = try readImageArray(idx)
        guard (0..<array.dimensions[0]).contains(index) else {
            throw SettingError("--index", expected: "0..<\(array.dimensions[0]) (the images \(idx.relativePath) holds)", found: "\(index)")
        }
        let size = 28 * 28
        return Tensor(shape: [1, 28, 28], storage: array.bytes[(index * size)..<((index + 1) * size)].map { Float($0) / 255 })
    }
}

extension LatentOutputs {
    /// A 28×28 PNG as 784 values in [0, 1] (RGB averaged); other sizes are refused.
    static func grayPixels(_ png: URL) throws -> [Float] {
        let image = try PNG.read(from: png)
        guard image.width == 28, image.height == 28 else {
            throw FileError(.wrongShape, png, expected: "a 28×28 image", found: "\(image.width)×\(image.height)")
        }
        let colours = min(image.channels, 3)
        return (0..<(28 * 28)).map { pixel -> Float in
            var total = 0
            for k in 0..<colours { total += Int(image.pixels[pixel * image.channels + k]) }
            return Float(total) / Float(255 * colours)
        }
    }

    /// An IDX file of 28×28 images.
    static func readImageArray(_ idx: URL) throws -> IDXArray {
        let array = try IDX.read(from: idx)
        guard array.dimensions.count == 3, array.dimensions[1] == 28, array.dimensions[2] == 28 else {
            throw FileError(.wrongShape, idx, expected: "images [N, 28, 28]", found: "dimensions \(array.dimensions)")
        }
        return array
    }
}
