// Reshape, transpose, concatenation, slicing and zero padding along an axis.

extension Tensor {
    /// The same elements under another shape (one entry may be −1: inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var newShape = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            newShape[unknown] = count / known
        }
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        if newShape == shape { return self }
        let source = shape
        return Tensor.record(Tensor(shape: newShape, storage: storage), "reshape", [self], [
            { g, _ in g.reshaped(source) },
        ])
    }

    /// Transpose of a 2-D tensor.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a 2-D tensor, got \(shape)")
        let rows = shape[0], cols = shape[1]
        let result = storage.withUnsafeBufferPointer { src in
            Tensor.make([cols, rows]) { dst in Copy.transpose(src, dst, rows: rows, cols: cols) }
        }
        return Tensor.record(result, "transpose", [self], [{ g, _ in g.transposed() }])
    }

    /// Elements `start ..< start + length` along `axis`.
    public func slice(axis: Int, start: Int, length: Int) -> Tensor {
        let axis = normalizedAxis(axis)
        precondition(start >= 0 && length >= 0 && start + length <= shape[axis],
                     "slice \(start)..<\(start + length) out of range for axis \(axis) of \(shape)")
        if start == 0 && length == shape[axis] { return self }
        var resultShape = shape
        resultShape[axis] = length
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let axisSize = shape[axis]
        let result = storage.withUnsafeBufferPointer { src in
            Tensor.make(resultShape) { dst in
                Copy.axisBlock(src, srcAxis: axisSize, srcStart: start, dst, dstAxis: length, dstStart: 0,
                               length: length, outer: outer, inner: inner)
            }
        }
        return Tensor.record(result, "slice", [self], [
            { g, _ in g.padded(axis: axis, before: start, after: axisSize - start - length) },
        ])
    }

    /// Zeros added before and after along `axis`. Rule: slice back.
    public func padded(axis: Int, before: Int, after: Int) -> Tensor {
        let axis = normalizedAxis(axis)
        if before == 0 && after == 0 { return self }
        var resultShape = shape
        resultShape[axis] += before + after
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let length = shape[axis], total = resultShape[axis]
        let result = Tensor.zeros(resultShape)
        storage.withUnsafeBufferPointer { src in
            result.storage.withUnsafeMutableBufferPointer { dst in
                Copy.axisBlock(src, srcAxis: length, srcStart: 0, dst, dstAxis: total, dstStart: before,
                               length: length, outer: outer, inner: inner)
            }
        }
        return Tensor.record(result, "pad", [self], [
            { g, _ in g.slice(axis: axis, start: before, length: length) },
        ])
    }

    /// Joins tensors along `axis`; all other sizes must agree.
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concat of no tensors")
        let axis = parts[0].normalizedAxis(axis)
        var resultShape = parts[0].shape
        for part in parts.dropFirst() {
            var a = part.shape, b = resultShape
            precondition(a.count == b.count, "concat: ranks differ, \(part.shape) vs \(parts[0].shape)")
            a[axis] = 0; b[axis] = 0
            precondition(a == b, "concat along \(axis): shapes \(part.shape) and \(parts[0].shape) differ elsewhere")
        }
        resultShape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        let outer = resultShape[..<axis].reduce(1, *), inner = resultShape[(axis + 1)...].reduce(1, *)
        let total = resultShape[axis]
        var starts: [Int] = []
        let result = Tensor.make(resultShape) { dst in
            var offset = 0
            for part in parts {
                starts.append(offset)
                part.storage.withUnsafeBufferPointer { src in
                    Copy.axisBlock(src, srcAxis: part.shape[axis], srcStart: 0, dst, dstAxis: total,
                                   dstStart: offset, length: part.shape[axis], outer: outer, inner: inner)
                }
                offset += part.shape[axis]
            }
        }
        let rules = zip(parts, starts).map { part, start in
            { (g: Tensor, _: Tensor) in g.slice(axis: axis, start: start, length: part.shape[axis]) }
        }
        return record(result, "concat", parts, rules)
    }
}
