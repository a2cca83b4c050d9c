// Broadcasting as two ops that are each other's gradient. Every binary rule
// reduces its broadcast gradient here, in one place.

extension Tensor {
    /// This tensor stretched to `shape` by broadcasting. Rule: sum back.
    public func broadcast(to shape: [Int]) -> Tensor {
        if self.shape == shape { return self }
        let source = self.shape
        return Tensor.record(Elementwise.broadcastTo(self, shape), "broadcast", [self], [
            { g, _ in g.sumToShape(source) },
        ])
    }

    /// Sums over the axes that broadcasting to this tensor's shape stretched,
    /// giving a tensor of `shape`. Rule: broadcast back.
    public func sumToShape(_ shape: [Int]) -> Tensor {
        if self.shape == shape { return self }
        let source = self.shape
        return Tensor.record(Elementwise.sumToShape(self, shape), "sumToShape", [self], [
            { g, _ in g.broadcast(to: source) },
        ])
    }
}
