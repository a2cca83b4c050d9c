import Foundation
import GenOTFiles
import GenOTModels
import GenOTNN
import GenOTTensor

/// What a trainer keeps in a checkpoint besides the weights: its config
/// (`config.*`), how many epochs are done, and the Adam state (moments as
/// `adam.m.*` / `adam.v.*` tensors, the step count as `adam.step`), so that
/// `--resume` continues bit for bit.
public enum TrainingCheckpoint {
    public static let epochsDoneKey = "train.epochsDone"
    public static let adamStepKey = "adam.step"

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
        let wanted = Dictionary(uniqueKeysWithValues: config.fields.map { ($0.name, $0.value) })
        for name in Config.resumeFields {
            let found = file.metadata["config.\(name)"]
            guard found == wanted[name] else {
                throw FileError(.mismatch, url,
                                expected: "\(name) \(wanted[name] ?? "?") (as this run asks; resuming must not change it)",
                                           found: found.map { "\(name) \($0)" } ?? "no config.\(name) in the metadata")
            }
        }
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
