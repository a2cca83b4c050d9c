import GenOTTensor

/// Training-time image augmentation.
public enum Augmentation {
    /// Each image moved by a random whole-pixel offset in −maxShift...maxShift
    /// along each axis, the uncovered border filled with 0 (background).
    /// images: [N, H, W, 1] or [N, 1, H, W] (one channel, so the same layout) → same shape.
    public static func randomShifts(_ images: Tensor, maxShift: Int, using random: inout SeededRandom) -> Tensor {
        guard maxShift > 0 else { return images }
        precondition(images.rank == 4 && (images.shape[3] == 1 || images.shape[1] == 1),
                     "randomShifts wants one-channel images [N, H, W, 1] or [N, 1, H, W], got \(images.shape)")
        let n = images.shape[0]
        let (h, w) = images.shape[3] == 1 ? (images.shape[1], images.shape[2]) : (images.shape[2], images.shape[3])
        let span = 2 * maxShift + 1
        var out = [Float](repeating: 0, count: images.count)
        images.storage.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for image in 0..<n {
                    let dy = Int(random.next() % UInt64(span)) - maxShift
                    let dx = Int(random.next() % UInt64(span)) - maxShift
                    let base = image * h * w
                    for y in max(0, dy)..<min(h, h + dy) {
                        for x in max(0, dx)..<min(w, w + dx) {
                            dst[base + y * w + x] = src[base + (y - dy) * w + (x - dx)]
                        }
                    }
                }
            }
        }
        return Tensor(shape: images.shape, storage: out)
    }
}
