import GenOTTensor

/// The image layouts the models accept, and batched no-gradient evaluation.
public enum ImageBatch {
    /// Side of the square grayscale images both models are built for.
    public static let side = 28

    /// `images` as NHWC [N, 28, 28, 1]. Accepts [N, 28, 28, 1], [N, 1, 28, 28]
    /// (the layout `Datasets.load` gives) or [N, 28, 28]; with one channel all
    /// three share the same storage, so this is a reshape, never a copy.
    /// NOTE: a wrong shape is a programming error here (callers build these
    /// tensors), so it traps with the shape in the message.
    public static func nhwc(_ images: Tensor) -> Tensor {
        let s = side
        let accepted = [[s, s, 1], [1, s, s], [s, s]]
        precondition(images.rank >= 3 && accepted.contains(Array(images.shape.dropFirst())),
                     "expected images [N, 28, 28, 1], [N, 1, 28, 28] or [N, 28, 28], got \(images.shape)")
        return images.reshaped([images.shape[0], s, s, 1])
    }

    /// Applies `body` to consecutive row blocks of `input` (at most
    /// `batchSize` rows each) without recording gradients, and stacks the
    /// results: `body` maps [k, …] to [k] + `outputRow`, the result is
    /// [N] + `outputRow` (also for N = 0). `progress` gets the rows done after each block.
    public static func mapRows(_ input: Tensor, batchSize: Int, outputRow: [Int], progress: (Int) -> Void = { _ in },
                               _ body: (Tensor) -> Tensor) -> Tensor {
        precondition(batchSize > 0, "batch size must be positive, got \(batchSize)")
        let rows = input.shape[0], rowSize = outputRow.reduce(1, *)
        return withoutGradient {
            var storage: [Float] = []
            storage.reserveCapacity(rows * rowSize)
            for start in stride(from: 0, to: rows, by: batchSize) {
                let length = min(batchSize, rows - start)
                let output = body(input.slice(axis: 0, start: start, length: length))
                precondition(output.shape == [length] + outputRow,
                             "mapRows: expected [\(length)] + \(outputRow) out, got \(output.shape)")
                storage += output.storage
                progress(start + length)
            }
            return Tensor(shape: [rows] + outputRow, storage: storage)
        }
    }
}
