import Foundation
import GenOTFiles
import GenOTTensor

/// The datasets `scripts/fetch-data` knows how to place under `data/<name>/`.
public enum DatasetName: String, CaseIterable, Sendable {
    case mnist
    case fashion
}

/// Which half of a dataset: 60 000 training or 10 000 test images for both.
public enum DatasetSplit: String, CaseIterable, Sendable {
    case train
    case test

    /// The prefix the IDX file names use (`train-…`, `t10k-…`).
    public var filePrefix: String { self == .train ? "train" : "t10k" }
}

/// Loads MNIST-style datasets: `<dataDir>/<name>/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`.
public enum Datasets {
    /// Number of classes in both MNIST and Fashion-MNIST.
    public static let classCount = 10

    /// The images and labels files of a split: the `.gz` file when present,
    /// otherwise the raw one, otherwise the `.gz` path (which `load` reports missing).
    public static func files(_ name: DatasetName, split: DatasetSplit, dataDir: URL)
        -> (images: URL, labels: URL)
    {
        let folder = dataDir.appendingPathComponent(name.rawValue, isDirectory: true)
        func resolve(_ stem: String) -> URL {
            let gz = folder.appendingPathComponent(stem + ".gz")
            let raw = folder.appendingPathComponent(stem)
            if FileManager.default.fileExists(atPath: gz.path) { return gz }
            return FileManager.default.fileExists(atPath: raw.path) ? raw : gz
        }
        return (resolve("\(split.filePrefix)-images-idx3-ubyte"), resolve("\(split.filePrefix)-labels-idx1-ubyte"))
    }

    /// Reads one split and checks it against `requirement`. A missing file's
    /// error says which script places it.
    public static func load(_ name: DatasetName, split: DatasetSplit, dataDir: URL,
                            requirement: SplitRequirement = .any) throws -> LabeledImages {
        let (imagesFile, labelsFile) = files(name, split: split, dataDir: dataDir)
        for file in [imagesFile, labelsFile] where !FileManager.default.fileExists(atPath: file.path) {
            throw FileError(.missing, file,
                            expected: "the \(name.rawValue) \(split.rawValue) split (\(file.lastPathComponent) "
                                + "or the same name without .gz)",
                            found: "no such file", hint: "run `scripts/fetch-data \(name.rawValue)`")
        }
        let set = try make(images: IDX.read(from: imagesFile), imagesFile: imagesFile,
                           labels: IDX.read(from: labelsFile), labelsFile: labelsFile)
        try requirement.check(set, imagesFile: imagesFile, labelsFile: labelsFile)
        return set
    }

    /// Checks that two IDX arrays form a labelled image set and converts the
    /// pixels to Float in [0, 1]. The file URLs are only used in errors.
    public static func make(images: IDXArray, imagesFile: URL, labels: IDXArray, labelsFile: URL,
                            classCount: Int = Datasets.classCount) throws -> LabeledImages
    {
        guard images.dimensions.count == 3, images.dimensions[1] > 0, images.dimensions[2] > 0 else {
            throw FileError(.wrongShape, imagesFile, expected: "images [count, rows, cols] (idx3)",
                            found: "dimensions \(images.dimensions)")
        }
        guard labels.dimensions.count == 1 else {
            throw FileError(.wrongShape, labelsFile, expected: "labels [count] (idx1)",
                            found: "dimensions \(labels.dimensions)")
        }
        guard labels.count == images.count else {
            throw FileError(.wrongShape, labelsFile,
                            expected: "\(images.count) labels, one per image in \(imagesFile.path)",
                            found: "\(labels.count) labels")
        }
        if let bad = labels.bytes.firstIndex(where: { Int($0) >= classCount }) {
            throw FileError(.badValues, labelsFile, expected: "labels 0...\(classCount - 1)",
                            found: "label \(labels.bytes[bad]) at index \(bad)")
        }
        let (count, rows, cols) = (images.dimensions[0], images.dimensions[1], images.dimensions[2])
        let pixels = [Float](unsafeUninitializedCapacity: images.bytes.count) { buffer, initialized in
            images.bytes.withUnsafeBufferPointer { source in
                for i in 0..<source.count { buffer[i] = Float(source[i]) / 255 }
            }
            initialized = images.bytes.count
        }
        return LabeledImages(images: Tensor(shape: [count, 1, rows, cols], storage: pixels),
                             labels: labels.bytes.map { Int($0) })
    }
}
