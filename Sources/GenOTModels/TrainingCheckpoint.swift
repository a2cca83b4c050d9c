import Foundation
import GenOTFiles
import GenOTNN
import GenOTTensor

/// The one metadata schema of every training checkpoint (VAE, classifier,
/// transport map): the config's fields as `config.<field>`, progress as
/// `train.<counter>` (`train.epochsDone`, `train.stepsDone`), and Adam's step
/// count as `adam.step` beside its moments (`adam.m.*` / `adam.v.*` tensors),
/// so that `--resume` continues bit for bit.
public enum TrainingCheckpoint {
    public static let epochsDoneKey = "train.epochsDone"
    public static let stepsDoneKey = "train.stepsDone"
    public static let adamStepKey = "adam.step"

    /// A config's fields as metadata: `config.<field>`.
    public static func configMetadata(_ fields: [(name: String, value: String)]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: fields.map { ("config.\($0.name)", $0.value) })
    }

    /// "field saved → asked" for each of `names` (all of `asked` when nil)
    /// whose saved `config.<field>` differs from the run's. A field the file
    /// lacks counts as its value in `defaults`: it was added after the file
    /// was written, and runs before then behaved as its default does.
    public static func differingFields(_ metadata: [String: String], asked: [(name: String, value: String)],
                                       defaults: [(name: String, value: String)], names: [String]? = nil) -> [String] {
        let fallback = Dictionary(uniqueKeysWithValues: defaults.map { ($0.name, $0.value) })
        let compared = names.map { Set($0) }
        return asked.compactMap { name, value in
            guard compared?.contains(name) ?? true else { return nil }
            let saved = metadata["config.\(name)"] ?? fallback[name]
            return saved == value ? nil : "\(name) \(saved ?? "missing") → \(value)"
        }
    }

    /// Refuses to resume a run whose config differs from the file's in any
    /// of `names`, naming every field that differs.
    public static func requireSameConfig(_ metadata: [String: String], in url: URL, asked: [(name: String, value: String)],
                                         defaults: [(name: String, value: String)], names: [String]? = nil) throws {
        let differing = differingFields(metadata, asked: asked, defaults: defaults, names: names)
        guard differing.isEmpty else {
            throw FileError(.mismatch, url, expected: "the config this run asks for (resuming must not change it)",
                            found: differing.joined(separator: ", "), hint: "give the same flags, or train anew without --resume")
        }
    }

    /// Writes `model` with `optimizer`'s state (when given) and the metadata,
    /// atomically; creates the folder first.
    public static func save<Model: CheckpointableModel>(_ model: Model, optimizer: Adam?, config: some TrainingConfig,
                                                        epochsDone: Int, extra: [String: String] = [:], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var metadata = config.metadata.merging(extra) { $1 }
        metadata[epochsDoneKey] = String(epochsDone)
        var tensors: [(name: String, tensor: Tensor)] = []
        if let optimizer {
            metadata[adamStepKey] = String(optimizer.stepCount)
            tensors = optimizer.state(shapes: model.parameters)
        }
        try ModelCheckpoint.save(model, extraTensors: tensors, metadata: metadata, to: url)
    }

    /// Reads a checkpoint to resume: the model (architecture checked against
    /// `architecture`), the restored optimiser, and the epochs already done.
    /// Every field of `config` in `resumeFields` must match the file's.
    public static func resume<Model: CheckpointableModel, Config: TrainingConfig>(
        _ type: Model.Type, config: Config, architecture: [String: String], learningRate: Float, from url: URL
    ) throws -> (model: Model, optimizer: Adam, epochsDone: Int) {
        guard FileManager.default.fileExists(atPath: url.path) else { throw FileError.noCheckpointToResume(url) }
        let (model, file) = try ModelCheckpoint.load(type, from: url, expected: architecture)
        try requireSameConfig(file.metadata, in: url, asked: config.fields, defaults: Config.defaults.fields, names: Config.resumeFields)
        guard let epochsText = file.metadata[epochsDoneKey], let epochsDone = Int(epochsText), epochsDone >= 0,
              let stepText = file.metadata[adamStepKey], let step = Int(stepText), step >= 0 else {
            throw FileError(.badMetadata, url, expected: "metadata \(epochsDoneKey) and \(adamStepKey) (a training checkpoint)",
                            found: "\(file.metadata[epochsDoneKey] ?? "none") and \(file.metadata[adamStepKey] ?? "none")")
        }
        var optimizer = Adam(learningRate: learningRate)
        optimizer.restore(stepCount: step, from: try adamMoments(of: model.parameters, stepCount: step, in: file))
        return (model, optimizer, epochsDone)
    }

    /// Adam's saved moments of `parameters` (`adam.m.*`, `adam.v.*`, shapes
    /// checked); none before the first step.
    public static func adamMoments(of parameters: [(name: String, tensor: Tensor)], stepCount: Int,
                                   in file: SafetensorsFile) throws -> [String: Tensor] {
        var moments: [String: Tensor] = [:]
        for (name, parameter) in parameters where stepCount > 0 {
            moments["adam.m.\(name)"] = try file.tensor("adam.m.\(name)", shape: parameter.shape)
            moments["adam.v.\(name)"] = try file.tensor("adam.v.\(name)", shape: parameter.shape)
        }
        return moments
    }
}
