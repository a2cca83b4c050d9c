import Foundation
import GenOTData
import GenOTFiles
import GenOTModels
import GenOTNN
import GenOTTensor

/// Where the pipeline's checkpoints live: `<dir>/<dataset>-vae.safetensors`,
/// `<dir>/<dataset>-classifier.safetensors`, and the transport maps,
/// `<dir>/<dataset>-transport.safetensors` (noise → latents) or
/// `<dir>/<source>-to-<target>-transport.safetensors` (between datasets).
public struct CheckpointPaths: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public func vae(_ dataset: DatasetName) -> URL { directory.appendingPathComponent("\(dataset.rawValue)-vae.safetensors") }
    public func classifier(_ dataset: DatasetName) -> URL {
        directory.appendingPathComponent("\(dataset.rawValue)-classifier.safetensors")
    }
    public func transport(from source: DatasetName?, to target: DatasetName) -> URL {
        let stem = source.map { "\($0.rawValue)-to-\(target.rawValue)" } ?? target.rawValue
        return directory.appendingPathComponent("\(stem)-transport.safetensors")
    }
    /// Where a transport run in progress saves itself for `--resume`
    /// (`<map>.partial.safetensors`); the map itself is replaced only when the run ends.
    public func unfinishedTransport(from source: DatasetName?, to target: DatasetName) -> URL {
        let map = transport(from: source, to: target)
        return map.deletingPathExtension().appendingPathExtension("partial.safetensors")
    }

    /// Loads the VAE of `dataset`, or says which command makes it.
    public func loadVAE(_ dataset: DatasetName) throws -> VAE {
        let url = vae(dataset)
        try require(url, madeBy: "gen-ot train-vae --dataset \(dataset.rawValue)")
        return try VAE.load(from: url)
    }

    /// Loads the evaluation classifier of `dataset`, or says which command makes it.
    public func loadClassifier(_ dataset: DatasetName) throws -> Classifier {
        let url = classifier(dataset)
        try require(url, madeBy: "gen-ot train-classifier --dataset \(dataset.rawValue)")
        return try Classifier.load(from: url)
    }

    /// Loads a transport map, or says which command makes it.
    public func loadTransport(from source: DatasetName?, to target: DatasetName) throws -> TransportPotential {
        try TransportPotential.load(from: readTransport(from: source, to: target))
    }

    /// The transport map's file (map and metadata), or says which command makes it.
    public func readTransport(from source: DatasetName?, to target: DatasetName) throws -> SafetensorsFile {
        let url = transport(from: source, to: target)
        let command = "gen-ot train-transport " + (source.map { "--source \($0.rawValue) --target \(target.rawValue)" }
                                                   ?? "--dataset \(target.rawValue)")
        try require(url, madeBy: command)
        return try Safetensors.read(from: url)
    }

    func require(_ url: URL, madeBy command: String) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FileError(.missing, url, expected: "a checkpoint", found: "no such file", hint: "make it with `\(command)`")
        }
    }
}
