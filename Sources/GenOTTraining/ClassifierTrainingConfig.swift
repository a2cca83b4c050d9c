import Foundation
import GenOTData
import GenOTModels
import GenOTNN

/// Settings of `gen-ot train-classifier` (and `ClassifierTraining.run`).
public struct ClassifierTrainingConfig: TrainingConfig, Equatable, Sendable {
    /// The images to classify: MNIST or Fashion-MNIST.
    public var dataset: DatasetName = .mnist
    /// Passes over the training set.
    public var epochs = 10
    /// Images per Adam step.
    public var batchSize = 128
    /// Adam's initial step size, decayed to 0 along a half cosine over the run
    /// (a constant rate stalls ~0.2–0.5 points of accuracy short).
    public var learningRate: Float = 1e-3
    /// Largest random shift of a training image, in pixels per axis (0: no
    /// augmentation); the classifier should not care where a digit sits.
    public var maxShift = 2
    /// The nonlinearity after every hidden layer.
    public var activation: Activation = .silu
    /// Seeds the initial weights, the batch order and the shifts.
    public var seed: UInt64 = 0
    /// The checkpoint, written after every epoch (weights only: it is small).
    public var output: URL
    /// Folder with `<dataset>/` IDX files (`scripts/fetch-data` fills `data/`).
    public var dataDirectory = URL(fileURLWithPath: "data")

    public init(dataset: DatasetName = .mnist, output: URL? = nil) {
        self.dataset = dataset
        self.output = output ?? defaultCheckpoint(dataset: dataset, model: "classifier")
    }

    public static let title = "train-classifier"
    public static let resumeFields = ["dataset", "batchSize", "learningRate", "maxShift", "activation", "seed"]
    public static var defaults: Self { Self() }

    public var fields: [(name: String, value: String)] {
        [("dataset", dataset.rawValue), ("epochs", "\(epochs)"), ("batchSize", "\(batchSize)"),
         ("learningRate", "\(learningRate)"), ("maxShift", "\(maxShift)"), ("activation", activation.rawValue),
         ("seed", "\(seed)"), ("output", output.relativePath), ("dataDirectory", dataDirectory.relativePath)]
    }

    /// Throws `SettingError` for a value no run can use.
    public func validate() throws {
        try SettingError.require(epochs >= 1, "epochs", expected: "at least 1", found: epochs)
        try SettingError.require(batchSize >= 1, "batchSize", expected: "at least 1", found: batchSize)
        try SettingError.require(learningRate > 0 && learningRate.isFinite, "learningRate",
                                  expected: "a positive number", found: learningRate)
        try SettingError.require(maxShift >= 0 && maxShift <= 8, "maxShift", expected: "0...8", found: maxShift)
    }
}
