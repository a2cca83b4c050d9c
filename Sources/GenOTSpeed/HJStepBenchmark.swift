import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTransport

/// The HJ-transport-shaped training step that `gen-ot speed core` times, and
/// that scripts/bench/torch_step.py repeats in PyTorch:
/// MLP [16 + 1 + 10 → 256 → 256 → 256 → 256 → 1] with SiLU, batch 256;
/// u(x,t), p = ∇ₓu (createGraph), u(x − t·p, 0), residual
/// u(x,t) − u(x−tp,0) − t‖p‖²/2, its mean square, backward to every
/// parameter, one Adam update. Like the PyTorch script, the inputs are drawn
/// before timing (a pool of batches used in turn), so a step times only the
/// training work.
public struct HJStepBenchmark {
    public static let dimension = 16, classes = 10, width = 256, depth = 4, batch = 256

    public let network: MLP
    var optimizer = Adam(learningRate: 1e-3)
    /// Pre-drawn inputs (x, t, class code), used in turn.
    let batches: [(x: Tensor, t: Tensor, code: Tensor)]
    var nextBatch = 0

    public init(seed: UInt64 = 0, pooledBatches: Int = 16) {
        var random = SeededRandom(seed: seed)
        let sizes = [Self.dimension + 1 + Self.classes] + Array(repeating: Self.width, count: Self.depth) + [1]
        network = MLP(sizes: sizes, activation: .silu, using: &random)
        batches = (0..<pooledBatches).map { _ in
            (random.normal([Self.batch, Self.dimension]), random.uniform([Self.batch, 1]),
             Tensor.oneHot((0..<Self.batch).map { _ in Int(random.next() % UInt64(Self.classes)) }, classes: Self.classes))
        }
    }

    /// One training step on the next pooled batch; returns the loss. The
    /// batch's rows are split into one shard per core (`DataParallel`); the
    /// loss is the same mean either way.
    @discardableResult
    public mutating func step() -> Float {
        let (data, t, code) = batches[nextBatch]
        nextBatch = (nextBatch + 1) % batches.count
        OpProfiler.mark("(inputs)")
        let network = self.network, parameters = network.parameters
        let shards = DataParallel.shardCount, n = Self.batch
        let (loss, grads) = DataParallel.gradients(shards: shards, wrt: parameters.map(\.tensor)) { shard in
            let (rows, count) = DataParallel.rows(shard, of: n, shards: shards)
            let x = data.slice(axis: 0, start: rows, length: count).requiringGrad()
            let t = t.slice(axis: 0, start: rows, length: count), code = code.slice(axis: 0, start: rows, length: count)
            let u = network(Tensor.concat([x, t, code], axis: 1))
            let p = gradient(of: u, wrt: x, createGraph: true)
            let residual = hjResidual(value: u, p: p, x: x, t: t, cost: .quadratic) { start in
                network(Tensor.concat([start, Tensor.zeros(t.shape), code], axis: 1))
            }
            return residual.square().sum().scaled(by: 1 / Float(n))
        }
        OpProfiler.mark("(backward bookkeeping)")
        optimizer.step(parameters, gradients: grads)
        OpProfiler.mark("(adam)")
        return loss
    }
}
