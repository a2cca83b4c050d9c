// One-hot codes and row gathering (with its adjoint, scatter-add).

extension Tensor {
    /// [labels.count, classes] with a 1 at each label. A constant.
    public static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        let result = Tensor.zeros([labels.count, classes])
        for (row, label) in labels.enumerated() {
            precondition(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
            result.storage[row * classes + label] = 1
        }
        return result
    }

    /// Rows `indices` of a tensor whose first axis indexes rows.
    public func gatherRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gatherRows on a scalar")
        let rows = shape[0], width = count / Swift.max(rows, 1)
        var resultShape = shape
        resultShape[0] = indices.count
        let result = storage.withUnsafeBufferPointer { src in
            Tensor.make(resultShape) { dst in
                for (i, row) in indices.enumerated() {
                    precondition(row >= 0 && row < rows, "row \(row) outside 0..<\(rows)")
                    (dst.baseAddress! + i * width).update(from: src.baseAddress! + row * width, count: width)
                }
            }
        }
        return Tensor.record(result, "gatherRows", [self], [{ g, _ in g.scatterAddRows(indices, rows: rows) }])
    }

    /// A [rows, …] tensor of zeros with row `indices[i]` += self[i]. Rule: gather.
    public func scatterAddRows(_ indices: [Int], rows: Int) -> Tensor {
        let width = count / Swift.max(shape[0], 1)
        var resultShape = shape
        resultShape[0] = rows
        let result = Tensor.zeros(resultShape)
        storage.withUnsafeBufferPointer { src in
            result.storage.withUnsafeMutableBufferPointer { dst in
                for (i, row) in indices.enumerated() {
                    for j in 0..<width { dst[row * width + j] += src[i * width + j] }
                }
            }
        }
        return Tensor.record(result, "scatterAddRows", [self], [{ g, _ in g.gatherRows(indices) }])
    }
}
