import Foundation
import GenOTFiles
import GenOTNN
import GenOTTensor

/// A model whose architecture fits in a few metadata strings, so a checkpoint
/// can rebuild it before loading the weights.
public protocol CheckpointableModel: Layer {
    /// Written as metadata `model` and checked on load ("vae", "classifier").
    static var modelKind: String { get }
    /// The architecture settings, e.g. ["latentDim": "16"], stored as `model.<key>`.
    var architecture: [String: String] { get }
    /// A freshly initialised model with the architecture `settings` describe;
    /// throws `FileError` naming `file` for a missing or bad setting.
    static func make(architecture settings: [String: String], file: URL) throws -> Self
}

/// Saving and loading `CheckpointableModel`s as safetensors: the parameters
/// under their names, the architecture and any caller metadata in `__metadata__`.
public enum ModelCheckpoint {
    static let kindKey = "model"
    static let architecturePrefix = "model."

    /// Writes `model`'s parameters plus `extraTensors` (e.g. optimiser state)
    /// and `metadata` (e.g. the trainer config) to `url`, atomically.
    public static func save<Model: CheckpointableModel>(
        _ model: Model, extraTensors: [(name: String, tensor: Tensor)] = [],
        metadata: [String: String] = [:], to url: URL) throws {
        var all = metadata
        all[kindKey] = Model.modelKind
        for (key, value) in model.architecture { all[architecturePrefix + key] = value }
        try Safetensors.requireFinite(model.parameters, writing: url)
        try Safetensors.write(model.parameters + extraTensors, metadata: all, to: url)
    }

    /// Reads a checkpoint written by `save`: checks the model kind, rebuilds the
    /// architecture, checks it against `expected` when given (the settings a
    /// caller needs, e.g. ["latentDim": "16"]), and loads every parameter.
    /// Returns the model and the whole file (metadata, extra tensors).
    public static func load<Model: CheckpointableModel>(
        _ type: Model.Type, from url: URL, expected: [String: String] = [:]) throws -> (model: Model, file: SafetensorsFile) {
        let file = try Safetensors.read(from: url)
        let kind = file.metadata[kindKey]
        guard kind == Model.modelKind else {
            throw FileError(.mismatch, url, expected: "a \(Model.modelKind) checkpoint (metadata model = \(Model.modelKind))",
                            found: kind.map { "model = \($0)" } ?? "no 'model' entry in the metadata")
        }
        var settings: [String: String] = [:]
        for (key, value) in file.metadata where key.hasPrefix(architecturePrefix) {
            settings[String(key.dropFirst(architecturePrefix.count))] = value
        }
        for (key, value) in expected.sorted(by: { $0.key < $1.key }) where settings[key] != value {
            throw FileError(.mismatch, url, expected: "\(key) \(value)",
                            found: settings[key] ?? "no \(key) setting")
        }
        let model = try Model.make(architecture: settings, file: url)
        for (name, parameter) in model.parameters {
            parameter.storage = try file.tensor(name, shape: parameter.shape).storage
        }
        return (model, file)
    }

    /// An integer architecture setting in `range`, or an error naming `file`.
    public static func integer(_ key: String, in settings: [String: String], range: ClosedRange<Int>,
                               file: URL) throws -> Int {
        guard let text = settings[key] else {
            throw FileError(.badMetadata, file, expected: "metadata model.\(key)", found: "none")
        }
        guard let value = Int(text), range.contains(value) else {
            throw FileError(.badMetadata, file, expected: "model.\(key) an integer in \(range)", found: "'\(text)'")
        }
        return value
    }
}
