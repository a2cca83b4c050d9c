import GenOTTensor

extension TransportTrainer {
    /// One shard's part of the step's MMD term: over its rows of the pushed
    /// points (all classes of the step stacked, `sourceBatch` rows each),
    /// Σ_k MMD²(pushed_k, targets_k) / classes without the y–y terms, and its
    /// gradient with respect to those rows (`MMD.rowShare`, class by class).
    func mmdShare(rows: (start: Int, count: Int), pushed: Tensor, targets: [Tensor],
                  classes: [Int]) -> (value: Float, gradient: Tensor) {
        let n = config.sourceBatch, weight = 1 / Float(classes.count)
        var value: Float = 0, gradients: [Tensor] = []
        for (k, c) in classes.enumerated() {
            let low = Swift.max(rows.start, k * n), high = Swift.min(rows.start + rows.count, (k + 1) * n)
            guard low < high else { continue }
            let share = MMD.rowShare(pushed.slice(axis: 0, start: k * n, length: n), rows: (low - k * n)..<(high - k * n),
                                     targets[k], kernel: config.kernel, bandwidths: bandwidths[c])
            value += share.value
            gradients.append(share.gradient)
        }
        return (value * weight, Tensor.concat(gradients, axis: 0).scaled(by: weight))
    }
}
