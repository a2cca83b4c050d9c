import Foundation
import Synchronization

/// A contiguous, row-major Float32 array with a shape.
///
/// A tensor that takes part in differentiation also remembers the op that made
/// it (`gradFn`); that is the whole graph. Tensors are reference types so a
/// parameter keeps its identity while an optimiser updates it in place.
public final class Tensor: @unchecked Sendable {
    /// Sizes of each axis; `[]` is a scalar.
    public let shape: [Int]
    /// Row-major elements, `shape.reduce(1, *)` of them.
    public var storage: [Float]
    /// A leaf the caller wants gradients for (a parameter, or an input x).
    public let isDifferentiableLeaf: Bool
    /// The op that produced this tensor, when it was recorded for autodiff.
    var gradFn: GradFn?

    /// Live tensors in the process; tests use it to prove graphs are released.
    public static let liveCount = Atomic<Int>(0)

    public init(shape: [Int], storage: [Float], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(storage.count == shape.reduce(1, *),
                     "storage has \(storage.count) elements, shape \(shape) needs \(shape.reduce(1, *))")
        self.shape = shape
        self.storage = storage
        self.isDifferentiableLeaf = requiresGrad
        Tensor.liveCount.add(1, ordering: .relaxed)
    }

    deinit { Tensor.liveCount.subtract(1, ordering: .relaxed) }

    /// True when gradients can flow into this tensor.
    public var requiresGrad: Bool { isDifferentiableLeaf || gradFn != nil }
    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    /// The single element of a one-element tensor.
    public var scalarValue: Float {
        precondition(count == 1, "scalarValue of a tensor of shape \(shape)")
        return storage[0]
    }

    /// The same values with no graph and no gradient requirement.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// A leaf copy that gradients can be taken with respect to.
    public func requiringGrad() -> Tensor { Tensor(shape: shape, storage: storage, requiresGrad: true) }
}

extension Tensor {
    public convenience init(_ scalar: Float) { self.init(shape: [], storage: [scalar]) }

    public convenience init(_ rows: [[Float]], requiresGrad: Bool = false) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(shape: [rows.count, columns], storage: rows.flatMap { $0 }, requiresGrad: requiresGrad)
    }

    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        Tensor(shape: shape, storage: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Makes a tensor of `shape` whose storage `fill` writes in full.
    static func make(_ shape: [Int], _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let n = shape.reduce(1, *)
        let storage = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            fill(buffer)
            initialized = n
        }
        return Tensor(shape: shape, storage: storage)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = storage.prefix(8).map { String(format: "%.4g", Double($0)) }.joined(separator: ", ")
        return "Tensor\(shape)[\(shown)\(count > 8 ? ", …" : "")]"
    }
}
