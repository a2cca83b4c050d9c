import GenOTTensor

extension VAE {
    /// The negative ELBO of `negativeELBO` and its gradients with respect to
    /// `parameters`, the batch's rows split into one shard per core
    /// (`DataParallel`, each shard on one core with single-threaded BLAS) and,
    /// under MPI, over the ranks (`ProcessGroup.world`, docs/mpi.md): the
    /// loss is a sum over images, so each shard's part (its BCE and β·KL sums
    /// over the whole batch's size) is differentiated on its own core and
    /// the gradients are summed, in shard order within a process, then over
    /// the processes. Every process returns the same sums.
    ///
    /// Why shards: at batch 128 every product of the VAE is small (the largest
    /// GEMM is [6272, 512]·[512, 32]), and the elementwise work and im2col
    /// between them ran on one core; whole shards keep both cores busy.
    ///
    /// Deterministic for a given shard count (the sums run in a fixed order);
    /// the shard count is the BLAS thread count (times the ranks), so a run
    /// with other `--threads` rounds differently.
    /// images: [N, 28, 28, 1] (or [N, 1, 28, 28]), noise: [N, d].
    public func negativeELBOGradients(images: Tensor, noise: Tensor, klWeight: Float = 1, shards: Int? = nil)
        -> (loss: Float, reconstruction: Float, kl: Float, gradients: [Tensor]) {
        let x = ImageBatch.nhwc(images), n = x.shape[0]
        precondition(noise.shape == [n, latentDim], "noise \(noise.shape), expected [\(n), \(latentDim)]")
        let world = ProcessGroup.world
        let layout = world.shards(threads: shards ?? DataParallel.shardCount, rows: n)
        let wrt = parameters.map(\.tensor)
        let parts = DataParallel.map(layout.local, pinned: layout.pinned) { shard -> (loss: Float, bce: Float, kl: Float, gradients: [Tensor]) in
            let (start, rows) = DataParallel.rows(layout.first + shard, of: n, shards: layout.total)
            // A last batch smaller than the ranks leaves some shards empty.
            guard rows > 0 else { return (0, 0, 0, wrt.map { Tensor.zeros($0.shape) }) }
            let objective = negativeELBO(images: x.slice(axis: 0, start: start, length: rows),
                                         noise: noise.slice(axis: 0, start: start, length: rows), klWeight: klWeight)
            // This shard's share of (BCE + β·KL) / N for the whole batch.
            let loss = (objective.reconstruction + objective.kl.scaled(by: klWeight)).scaled(by: 1 / Float(n))
            return (loss.scalarValue, objective.reconstruction.scalarValue, objective.kl.scalarValue,
                    GenOTTensor.gradients(of: loss, wrt: wrt))
        }
        let total = parts[0].gradients
        for part in parts.dropFirst() {
            for i in total.indices { total[i].addInPlace(part.gradients[i]) }
        }
        var sums = [parts.reduce(0) { $0 + $1.loss }, parts.reduce(0) { $0 + $1.bce }, parts.reduce(0) { $0 + $1.kl }]
        world.sum(total, scalars: &sums)
        return (sums[0], sums[1], sums[2], total)
    }
}
