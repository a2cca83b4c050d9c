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

/// What `gen-ot sample` does.
public enum LatentSampling {
    public struct Request: Sendable {
        public var target: DatasetName, source: DatasetName?
        public var classes: [Int], perClass: Int, seed: UInt64
        public var png: URL, idxPrefix: String?, pathPoints: Int?
        public var checkpoints: CheckpointPaths, dataDirectory: URL
        /// Noise temperature; nil: the map's stored one.
        public var temperature: Float?

        public init(target: DatasetName, source: DatasetName?, classes: [Int], perClass: Int, seed: UInt64, png: URL,
                    idxPrefix: String?, pathPoints: Int?, checkpoints: CheckpointPaths, dataDirectory: URL,
                    temperature: Float? = nil) {
            self.target = target; self.source = source; self.classes = classes; self.perClass = perClass
            self.seed = seed; self.png = png; self.idxPrefix = idxPrefix; self.pathPoints = pathPoints
            self.checkpoints = checkpoints; self.dataDirectory = dataDirectory; self.temperature = temperature
        }
    }

    /// The generator for a request: the target's VAE and the map; for a
    /// between-datasets map, the source's test latents as the source. Noise
    /// is drawn at `temperature`, or at the one stored in the map when nil.
    public static func generator(target: DatasetName, source: DatasetName?, checkpoints: CheckpointPaths,
                                 dataDirectory: URL, temperature: Float? = nil) throws -> LatentGenerator {
        let pair = try checkpoints.loadPair(from: source, to: target)
        let (potential, vae) = (pair.potential, pair.vae)
        guard let source, let sourceVAE = pair.sourceVAE else {
            return try LatentGenerator(potential: potential, vae: vae, temperature: temperature ?? SamplingTemperature.stored(in: pair.file))
        }
        let test = try Datasets.load(source, split: .test, dataDir: dataDirectory,
                                     requirement: .models(perClass: 1, because: "its images of each class are the map's source points"))
        return try LatentGenerator(potential: potential, vae: vae,
                                   source: .latents(LatentTransport.classLatents(test, vae: sourceVAE)))
    }

    /// Writes the grid (and IDX files); returns lines to print.
    public static func sample(_ request: Request) throws -> [String] {
        try OutputFile.refuseProtected(request.png, dataFolder: request.dataDirectory, flag: "--png")
        try OutputFile.checkWritable(request.png, flag: "--png")
        if let prefix = request.idxPrefix {
            let (images, labels) = LatentOutputs.idxFiles(prefix: prefix)
            for file in [images, labels] {
                try OutputFile.refuseProtected(file, dataFolder: request.dataDirectory, flag: "--idx")
                try OutputFile.refuseInputs(file, [request.png], flag: "--idx")
                try OutputFile.checkWritable(file, flag: "--idx")
            }
        }
        let generator = try generator(target: request.target, source: request.source, checkpoints: request.checkpoints,
                                      dataDirectory: request.dataDirectory, temperature: request.temperature)
        var lines: [String] = []
        if request.source == nil { lines.append("noise temperature \(generator.temperature)" + (request.temperature == nil ? " (the map's: set by gen-ot calibrate, else 1)" : "")) }
        if let points = request.pathPoints {
            // One row per sample: its characteristic from s = 0 to 1.
            let parts = request.classes.map {
                generator.pathImages(class: $0, count: request.perClass, points: points, seed: request.seed &+ UInt64($0))
            }
            try LatentOutputs.writeGrid(Tensor.concat(parts, axis: 0), columns: points, to: request.png)
            lines.append("wrote \(request.png.path): \(request.perClass * request.classes.count) paths × \(points) points")
            return lines
        }
        let labels = request.classes.flatMap { Array(repeating: $0, count: request.perClass) }
        // Long runs show progress (on stderr); short ones stay quiet.
        let bar = labels.count > 2000 ? Progress("sampling", total: labels.count, unit: "images") : nil
        let images = generator.images(for: labels, seed: request.seed) { bar?.update($0) }
        try LatentOutputs.writeGrid(images, columns: request.classes.count == 1 ? min(request.perClass, 10) : request.perClass,
                                    to: request.png)
        lines.append("wrote \(request.png.path): \(labels.count) images" + (request.classes.count > 1 ? ", one row per class" : ""))
        if let prefix = request.idxPrefix {
            let (imagesURL, labelsURL) = try LatentOutputs.writeIDX(images, labels: labels, prefix: prefix)
            lines.append("wrote \(imagesURL.path) and \(labelsURL.path)")
        }
        return lines
    }
}
