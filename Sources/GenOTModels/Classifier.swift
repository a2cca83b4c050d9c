import Foundation
import GenOTFiles
import GenOTNN
import GenOTTensor

/// A small CNN for 28×28 grayscale images (10 classes), NHWC. Besides its
/// predictions, its 128-d penultimate layer gives the features for Fréchet
/// distances between image sets.
///
///     x [N, 28, 28, 1]
///     Conv(1→32, k3, p1) + act + maxPool 2    → [N, 14, 14, 32]
///     Conv(32→64, k3, p1) + act + maxPool 2   → [N, 7, 7, 64]
///     flatten, Linear(3136→128) + act         → features [N, 128]
///     Linear(128→10)                          → logits [N, 10]
public struct Classifier: CheckpointableModel {
    public static let featureSize = 128
    /// Number of classes (10 for MNIST and Fashion-MNIST).
    public let classCount: Int
    /// The nonlinearity after every hidden layer.
    public let activation: Activation
    public let conv1: Conv2d       // 1 → 32
    public let conv2: Conv2d       // 32 → 64
    public let hidden: Linear      // 3136 → 128, the feature layer
    public let output: Linear      // 128 → classes

    public init(classCount: Int = 10, activation: Activation = .silu, seed: UInt64 = 0) {
        var random = SeededRandom(seed: seed)
        self.init(classCount: classCount, activation: activation, using: &random)
    }

    public init(classCount: Int = 10, activation: Activation = .silu, using random: inout SeededRandom) {
        precondition(classCount > 1, "a classifier needs at least two classes, got \(classCount)")
        self.classCount = classCount
        self.activation = activation
        conv1 = Conv2d(1, 32, kernel: 3, stride: 1, padding: 1, using: &random)
        conv2 = Conv2d(32, 64, kernel: 3, stride: 1, padding: 1, using: &random)
        hidden = Linear(7 * 7 * 64, Self.featureSize, using: &random)
        output = Linear(Self.featureSize, classCount, using: &random)
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        parameters(of: conv1, prefix: "conv1") + parameters(of: conv2, prefix: "conv2")
            + parameters(of: hidden, prefix: "hidden") + parameters(of: output, prefix: "output")
    }

    /// The feature layer, recorded for autodiff: x [N, 28, 28, 1] → [N, 128].
    public func features(_ x: Tensor) -> Tensor {
        let n = x.shape[0]
        var h = activation(conv1(x)).maxPool2d(2)
        h = activation(conv2(h)).maxPool2d(2)
        return activation(hidden(h.reshaped([n, 7 * 7 * 64])))
    }

    /// Class logits, recorded for autodiff: x [N, 28, 28, 1] → [N, classes].
    public func callAsFunction(_ x: Tensor) -> Tensor { output(features(x)) }
}

// MARK: - Inference

extension Classifier {
    /// Feature-layer activations without gradients, `batchSize` images at a time.
    /// images: [N, 28, 28, 1], [N, 1, 28, 28] or [N, 28, 28] in [0, 1] → [N, 128].
    public func features(images: Tensor, batchSize: Int = 500) -> Tensor {
        ImageBatch.mapRows(ImageBatch.nhwc(images), batchSize: batchSize, outputRow: [Self.featureSize]) { features($0) }
    }

    /// Class logits without gradients: images (any accepted layout) → [N, classes].
    public func logits(images: Tensor, batchSize: Int = 500) -> Tensor {
        ImageBatch.mapRows(ImageBatch.nhwc(images), batchSize: batchSize, outputRow: [classCount]) { self($0) }
    }

    /// The most likely class of each image: images → N labels.
    public func predict(images: Tensor, batchSize: Int = 500) -> [Int] {
        let scores = logits(images: images, batchSize: batchSize)
        let k = classCount
        return scores.storage.withUnsafeBufferPointer { s in
            (0..<scores.shape[0]).map { row in
                var best = 0
                for j in 1..<k where s[row * k + j] > s[row * k + best] { best = j }
                return best
            }
        }
    }

    /// Share of `images` predicted as their `labels`, in [0, 1].
    public func accuracy(images: Tensor, labels: [Int], batchSize: Int = 500) -> Double {
        precondition(images.shape[0] == labels.count, "\(images.shape[0]) images, \(labels.count) labels")
        guard !labels.isEmpty else { return .nan }
        let predicted = predict(images: images, batchSize: batchSize)
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }
}

// MARK: - Checkpoints

extension Classifier {
    public static let modelKind = "classifier"
    public var architecture: [String: String] {
        ["classes": String(classCount), "activation": activation.rawValue, "features": String(Self.featureSize)]
    }

    public static func make(architecture settings: [String: String], file: URL) throws -> Classifier {
        let classes = try ModelCheckpoint.integer("classes", in: settings, range: 2...100_000, file: file)
        _ = try ModelCheckpoint.integer("features", in: settings, range: featureSize...featureSize, file: file)
        guard let name = settings["activation"] else {
            throw FileError(.badMetadata, file, expected: "metadata model.activation", found: "none")
        }
        guard let activation = Activation(rawValue: name) else {
            let known = Activation.allCases.map(\.rawValue).joined(separator: ", ")
            throw FileError(.badMetadata, file, expected: "model.activation one of \(known)", found: "'\(name)'")
        }
        return Classifier(classCount: classes, activation: activation)
    }

    public func save(to url: URL, extraTensors: [(name: String, tensor: Tensor)] = [],
                     metadata: [String: String] = [:]) throws {
        try ModelCheckpoint.save(self, extraTensors: extraTensors, metadata: metadata, to: url)
    }

    /// Reads a classifier checkpoint (any class count and activation it records).
    public static func load(from url: URL) throws -> Classifier {
        try ModelCheckpoint.load(Classifier.self, from: url).model
    }
}
