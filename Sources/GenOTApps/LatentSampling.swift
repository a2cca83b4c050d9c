import Foundation
import GenOTData
import GenOTFiles
import GenOTImaging
import GenOTModels
import GenOTNN
import GenOTTensor

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
