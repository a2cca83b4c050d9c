import GenOTTensor

/// Grayscale images with one class label each.
///
/// `images: [count, 1, rows, cols]`, values in [0, 1] (the stored byte / 255);
/// `labels[i]` is the class of image i.
public struct LabeledImages: Sendable {
    public let images: Tensor
    public let labels: [Int]
    public let count: Int
    public let rows: Int
    public let cols: Int

    public init(images: Tensor, labels: [Int]) {
        precondition(images.rank == 4 && images.shape[1] == 1,
                     "LabeledImages wants images [N, 1, rows, cols], got \(images.shape)")
        precondition(images.shape[0] == labels.count,
                     "\(images.shape[0]) images but \(labels.count) labels")
        self.images = images
        self.labels = labels
        self.count = labels.count
        self.rows = images.shape[2]
        self.cols = images.shape[3]
    }

    /// Pixels per image (`rows * cols`).
    public var pixelsPerImage: Int { rows * cols }

    /// The images at `indices`, in that order (repeats allowed):
    /// `images: [indices.count, 1, rows, cols]`.
    public func batch(_ indices: [Int]) -> (images: Tensor, labels: [Int]) {
        let size = pixelsPerImage
        for index in indices {
            precondition(index >= 0 && index < count, "image index \(index) outside 0..<\(count)")
        }
        let storage = [Float](unsafeUninitializedCapacity: indices.count * size) { buffer, initialized in
            images.storage.withUnsafeBufferPointer { source in
                for (slot, index) in indices.enumerated() {
                    let from = UnsafeBufferPointer(rebasing: source[(index * size)..<((index + 1) * size)])
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[(slot * size)..<((slot + 1) * size)])
                        .initialize(from: from)
                }
            }
            initialized = indices.count * size
        }
        return (Tensor(shape: [indices.count, 1, rows, cols], storage: storage), indices.map { labels[$0] })
    }

    /// A new set made of the images at `indices`, in that order.
    public func subset(indices: [Int]) -> LabeledImages {
        let (images, labels) = batch(indices)
        return LabeledImages(images: images, labels: labels)
    }

    /// The images whose label is in `classes`, in their original order.
    public func subset(classes: some Sequence<Int>) -> LabeledImages {
        let wanted = Set(classes)
        return subset(indices: labels.indices.filter { wanted.contains(labels[$0]) })
    }

    /// The images of one class, in their original order.
    public func filter(label: Int) -> LabeledImages { subset(classes: [label]) }

    /// How many images each label has, indexed by label (0...max label).
    public func classCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: (labels.max() ?? -1) + 1)
        for label in labels { counts[label] += 1 }
        return counts
    }
}
