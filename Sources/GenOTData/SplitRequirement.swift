import Foundation
import GenOTFiles

/// What a command needs of a dataset split, checked when it is loaded so that
/// a file of the wrong image size, or a split lacking a class, is refused
/// before any work instead of trapping deep inside the models.
public struct SplitRequirement: Sendable {
    /// Side of the square images the models take (nil: any size).
    public var imageSide: Int?
    /// Images every class 0..<`Datasets.classCount` must have.
    public var minimumPerClass: Int
    /// Why that many, for the message (e.g. "the Gaussian base fits a d × d covariance").
    public var reason: String

    public init(imageSide: Int? = nil, minimumPerClass: Int = 0, reason: String = "") {
        self.imageSide = imageSide
        self.minimumPerClass = minimumPerClass
        self.reason = reason
    }

    /// No requirement beyond a well-formed file.
    public static let any = SplitRequirement()

    /// The models' 28×28 images, and `perClass` images of every class.
    public static func models(perClass: Int = 0, because reason: String = "") -> SplitRequirement {
        SplitRequirement(imageSide: 28, minimumPerClass: perClass, reason: reason)
    }

    /// Throws an `FileError` naming the file, what is needed and what was found.
    func check(_ set: LabeledImages, imagesFile: URL, labelsFile: URL) throws {
        if let side = imageSide, set.rows != side || set.cols != side {
            throw FileError(.wrongShape, imagesFile, expected: "\(side)×\(side) images (the models' input size)",
                            found: "\(set.rows)×\(set.cols) images")
        }
        guard minimumPerClass > 0 else { return }
        var counts = set.classCounts()
        counts += repeatElement(0, count: max(0, Datasets.classCount - counts.count))
        if let c = counts.indices.first(where: { counts[$0] < minimumPerClass }) {
            throw FileError(.badValues, labelsFile,
                            expected: "at least \(minimumPerClass) images of every class 0–\(Datasets.classCount - 1)"
                                + (reason.isEmpty ? "" : " (\(reason))"),
                            found: "\(counts[c]) of class \(c)")
        }
    }
}
