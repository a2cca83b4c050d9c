import Foundation
import GenOTModels
import GenOTTensor

/// Accuracy and FID of a set of generated images against a real test set,
/// as the evaluation classifier sees them.
public struct GenerativeScores: Sendable, Codable {
    /// Share of images the classifier labels as the requested class.
    public var accuracy: Double
    public var perClassAccuracy: [Double]
    /// FID of all images against the whole test set.
    public var fid: Double
    /// Mean over classes of the FID of class c's images against class c's test images.
    public var meanClassFID: Double
}

/// The classifier's view of a set of real images (the test set; the
/// training set when choosing a temperature), computed once.
public struct FeatureReference {
    public let classifier: Classifier
    public let all: Gaussian
    public let perClass: [Gaussian]

    /// `source` says where the images come from, for the error when a class
    /// has fewer than the 2 images its covariance needs.
    public init(classifier: Classifier, images: Tensor, labels: [Int], classes: Int = 10, source: String) throws {
        let counts = (0..<classes).map { c in labels.lazy.filter { $0 == c }.count }
        if let c = counts.indices.first(where: { counts[$0] < 2 }) {
            throw SettingError(source, expected: "at least 2 images of every class 0–\(classes - 1) (each class's FID needs a covariance)",
                               found: "\(counts[c]) of class \(c)")
        }
        self.classifier = classifier
        let features = classifier.features(images: images)
        all = Gaussian(fitting: features)
        perClass = (0..<classes).map { c in
            Gaussian(fitting: features.gatherRows(labels.indices.filter { labels[$0] == c }))
        }
    }

    /// Scores `images` [n, 28, 28] generated for `labels`.
    public func score(_ images: Tensor, labels: [Int]) throws -> GenerativeScores {
        let features = classifier.features(images: images)
        let predicted = withoutGradient { classifier.output(features) }
        let k = predicted.shape[1]
        var correct = [Int](repeating: 0, count: perClass.count), total = [Int](repeating: 0, count: perClass.count)
        for (row, label) in labels.enumerated() {
            let logits = predicted.storage[(row * k)..<((row + 1) * k)]
            let guess = logits.indices.max { logits[$0] < logits[$1] }! - row * k
            total[label] += 1
            if guess == label { correct[label] += 1 }
        }
        let present = (0..<perClass.count).filter { total[$0] > 1 }
        let classFIDs = try present.map { c in
            try FrechetDistance.between(Gaussian(fitting: features.gatherRows(labels.indices.filter { labels[$0] == c })), perClass[c])
        }
        return GenerativeScores(
            accuracy: Double(correct.reduce(0, +)) / Double(max(labels.count, 1)),
            perClassAccuracy: (0..<perClass.count).map { total[$0] > 0 ? Double(correct[$0]) / Double(total[$0]) : .nan },
            fid: try FrechetDistance.between(Gaussian(fitting: features), all),
            meanClassFID: classFIDs.reduce(0, +) / Double(max(classFIDs.count, 1)))
    }
}
