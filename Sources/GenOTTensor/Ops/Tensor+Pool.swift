// Max pooling, and the two linear ops its gradient is written with: picking
// elements by flat index, and its adjoint, adding them back in place.

extension Tensor {
    /// k×k max pooling with stride k over NHWC: [N, H, W, C] → [N, H/k, W/k, C].
    /// The maxima are picked by index, so the rule is a scatter of the
    /// gradient to those indices (and that rule's rule a gather): every order
    /// is exact wherever the maxima are unique.
    public func maxPool2d(_ k: Int) -> Tensor {
        precondition(rank == 4 && k > 0 && shape[1] % k == 0 && shape[2] % k == 0, "maxPool2d(\(k)) of \(shape)")
        precondition(count < Int(Int32.max), "maxPool2d: \(count) elements exceed 32-bit indices")
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let resultShape = [n, h / k, w / k, c]
        var argmax = [Int32](repeating: 0, count: resultShape.reduce(1, *))
        let result = storage.withUnsafeBufferPointer { x in
            argmax.withUnsafeMutableBufferPointer { indices in
                Tensor.make(resultShape) { y in MaxPool.forward(x, y, indices, n: n, h: h, w: w, c: c, k: k) }
            }
        }
        let source = shape
        return Tensor.record(result, "maxPool", [self], [{ g, _ in g.scatterFlat(argmax, shape: source) }])
    }

    /// Elements at flat `indices` of this tensor, shaped `shape`
    /// (`indices.count` elements). Rule: scatter back to this shape.
    func gatherFlat(_ indices: [Int32], shape resultShape: [Int]) -> Tensor {
        precondition(indices.count == resultShape.reduce(1, *), "gatherFlat: \(indices.count) indices for \(resultShape)")
        let result = storage.withUnsafeBufferPointer { src in
            indices.withUnsafeBufferPointer { index in Tensor.make(resultShape) { dst in MaxPool.gather(src, index, dst) } }
        }
        let source = shape
        return Tensor.record(result, "gatherFlat", [self], [{ g, _ in g.scatterFlat(indices, shape: source) }])
    }

    /// A zero tensor of `shape` with this tensor's elements added at flat
    /// `indices` (one per element). Rule: gather from the same indices.
    func scatterFlat(_ indices: [Int32], shape resultShape: [Int]) -> Tensor {
        precondition(indices.count == count, "scatterFlat: \(indices.count) indices for \(count) elements")
        let result = storage.withUnsafeBufferPointer { src in
            indices.withUnsafeBufferPointer { index in Tensor.make(resultShape) { dst in MaxPool.scatter(src, index, dst) } }
        }
        let source = shape
        return Tensor.record(result, "scatterFlat", [self], [{ g, _ in g.gatherFlat(indices, shape: source) }])
    }
}
