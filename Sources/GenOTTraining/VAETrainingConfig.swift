import Foundation
import GenOTData
import GenOTModels

/// Settings of `gen-ot train-vae` (and `VAETraining.run`).
public struct VAETrainingConfig: TrainingConfig, Equatable, Sendable {
    /// The images to model: MNIST or Fashion-MNIST.
    public var dataset: DatasetName = .mnist
    /// Passes over the training set (60 000 images, 469 steps at batch 128).
    public var epochs = 10
    /// Width d of the latent code; the transport maps live in R^d.
    public var latentDim = 16
    /// Images per Adam step; the loss is averaged over them.
    public var batchSize = 128
    /// Adam step size (PyTorch's default betas and epsilon).
    public var learningRate: Float = 1e-3
    /// β, the weight of the KL term in the loss (1: the plain ELBO).
    public var klWeight: Float = 1
    /// Seeds the initial weights, the batch order of every epoch and the
    /// reparameterisation noise, so a run is reproducible bit for bit.
    public var seed: UInt64 = 0
    /// The checkpoint written after every epoch (with the Adam state), and
    /// read back by `resume`; the reconstruction grid goes beside it.
    public var output: URL
    /// Continue from `output`: its weights, Adam state and epoch count, up to
    /// `epochs` epochs in total.
    public var resume = false
    /// Folder with `<dataset>/` IDX files (`scripts/fetch-data` fills `data/`).
    public var dataDirectory = URL(fileURLWithPath: "data")

    public init(dataset: DatasetName = .mnist, output: URL? = nil) {
        self.dataset = dataset
        self.output = output ?? defaultCheckpoint(dataset: dataset, model: "vae")
    }

    public static let title = "train-vae"
    public static let resumeFields = ["dataset", "latentDim", "batchSize", "learningRate", "klWeight", "seed"]
    public static var defaults: Self { Self() }

    public var fields: [(name: String, value: String)] {
        [("dataset", dataset.rawValue), ("epochs", "\(epochs)"), ("latentDim", "\(latentDim)"),
         ("batchSize", "\(batchSize)"), ("learningRate", "\(learningRate)"), ("klWeight", "\(klWeight)"), ("seed", "\(seed)"),
         ("output", output.relativePath), ("resume", "\(resume)"), ("dataDirectory", dataDirectory.relativePath)]
    }

    /// The PNG of test images beside their reconstructions, next to `output`.
    public var reconstructionsFile: URL {
        let stem = output.deletingPathExtension().lastPathComponent
        return output.deletingLastPathComponent().appendingPathComponent("\(stem)-reconstructions.png")
    }

    /// Throws `SettingError` for a value no run can use.
    public func validate() throws {
        try SettingError.require(epochs >= 1, "epochs", expected: "at least 1", found: epochs)
        try SettingError.require(latentDim >= 1 && latentDim <= 4096, "latentDim", expected: "1...4096", found: latentDim)
        try SettingError.require(batchSize >= 1, "batchSize", expected: "at least 1", found: batchSize)
        try SettingError.require(learningRate > 0 && learningRate.isFinite, "learningRate",
                                  expected: "a positive number", found: learningRate)
        try SettingError.require(klWeight >= 0 && klWeight.isFinite, "klWeight", expected: "a number ≥ 0", found: klWeight)
    }
}
