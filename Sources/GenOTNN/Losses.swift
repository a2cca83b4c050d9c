import GenOTTensor

/// Classification and reconstruction losses, written from primitive ops.
public enum Losses {
    /// Binary cross-entropy of `logits` against `targets` in [0, 1], summed
    /// over everything: Σ softplus(z) − y·z (stable for any z; one fused op).
    public static func binaryCrossEntropySum(logits: Tensor, targets: Tensor) -> Tensor {
        logits.binaryCrossEntropyWithLogits(targets: targets).sum()
    }

    /// log Σⱼ exp(zᵢⱼ) per row of [n, k] logits → [n, 1]; the row maximum is
    /// subtracted first (a constant, so it carries no gradient) for stability.
    public static func logSumExp(_ logits: Tensor) -> Tensor {
        precondition(logits.rank == 2, "logSumExp needs [n, k] logits, got \(logits.shape)")
        let k = logits.shape[1]
        let maxima = Tensor(shape: [logits.shape[0], 1], storage: (0..<logits.shape[0]).map { row in
            logits.storage[(row * k)..<((row + 1) * k)].max() ?? 0
        })
        return (logits - maxima).exp().sum(axis: 1, keepDims: true).log() + maxima
    }

    /// Mean softmax cross-entropy of [n, k] logits against integer labels.
    public static func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> Tensor {
        let k = logits.shape[1]
        let picked = (logits * Tensor.oneHot(labels, classes: k)).sum(axis: 1, keepDims: true)
        return (logSumExp(logits) - picked).mean()
    }

    /// KL(N(μ, σ²) ‖ N(0, I)) summed over latent dimensions and the batch:
    /// ½ Σ (μ² + σ² − log σ² − 1), with logVariance = log σ².
    public static func gaussianKLSum(mean: Tensor, logVariance: Tensor) -> Tensor {
        (mean.square() + logVariance.exp() - logVariance).shifted(by: -1).sum().scaled(by: 0.5)
    }
}
