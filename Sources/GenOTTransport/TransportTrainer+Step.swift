import GenOTModels
import GenOTNN
import GenOTTensor

/// What one step draws, in the potential's normalised coordinates: every
/// shard reads its rows of it.
struct TransportBatch {
    /// The step's classes, and per class its source and target points.
    let classes: [Int]
    let sources: [Tensor], targets: [Tensor]
    /// The sources of all classes stacked [n0, d], with their class code.
    let sourceRows: Tensor, sourceCode: Tensor
    /// Collocation points x [nc, d] at times t [nc, 1], with their class code.
    let collocation: Tensor, times: Tensor, collocationCode: Tensor
    /// Per source row, the monotonicity penalty's offset and slope (when on).
    let probes: (offsets: Tensor, slopes: Tensor)?

    var sourceCount: Int { sourceRows.shape[0] }
    var collocationCount: Int { collocation.shape[0] }
    var targetCount: Int { targets.reduce(0) { $0 + $1.shape[0] } }
}

/// One shard's terms of the loss, each already weighted so that the shards'
/// terms sum to the step's.
struct ShardTerms {
    /// L_HJ and the gradient-consistency term (tensors, for the backward
    /// pass), the unweighted gradient gap for reporting.
    let hj: Tensor, consistency: Tensor, gap: Float
    /// T(x0) and ∇H(p0) of the shard's source rows.
    let pushed: Tensor, velocity: Tensor
    /// The dual term and the monotonicity penalty, weighted.
    let dualAndMonotone: Tensor
    /// Σ |T(x̂) − y|² over the shard's preimages.
    let dualSquares: Float
}

extension TransportTrainer {
    /// One Adam step; returns its losses.
    ///
    /// The rows are split into shards, one per core and, under MPI, over the
    /// ranks (`Collective`, docs/mpi.md): every rank draws the same batch,
    /// each shard computes its terms (`shardTerms`) and its part of the MMD
    /// (`mmdShare`) and carries them back through its own graph; the
    /// gradients are summed over shards and ranks before Adam.
    @discardableResult
    public func step() -> TransportLosses {
        let batch = drawBatch()
        let n0 = batch.sourceCount, nS = config.sourceBatch
        let layout = collective.shards(threads: DataParallel.shardCount, rows: Swift.min(batch.collocationCount, n0))
        // Shard s's part of a set of `total` rows: the one split every term goes through.
        func rows(_ shard: Int, of total: Int) -> (start: Int, count: Int) {
            DataParallel.rows(layout.first + shard, of: total, shards: layout.total)
        }
        let parts = DataParallel.map(layout.local, pinned: layout.pinned) { shard in shardTerms(batch) { rows(shard, of: $0) } }
        let velocity = collective.gatherRows(Tensor.concat(parts.map { $0.velocity.detached() }, axis: 0))

        // The MMD couples the shards through the pushed points: every shard
        // sees all of them and takes the gradient with respect to its own
        // rows (`mmdShare`), which it carries back through its own graph
        // (⟨pushed, ∂L_MMD/∂pushed⟩ has the same parameter gradient); it does
        // so on its core just before its backward pass.
        let pushed = collective.gatherRows(Tensor.concat(parts.map { $0.pushed.detached() }, axis: 0))
        let targetTerms = config.lambda > 0 ? updatedTargetTerms(batch) : 0

        let parameters = potential.parameters
        let backward = DataParallel.gradients(shards: layout.local, pinned: layout.pinned, wrt: parameters.map(\.tensor)) { shard -> (Tensor, Float) in
            let loss = parts[shard].hj + parts[shard].consistency + parts[shard].dualAndMonotone
            guard config.lambda > 0 else { return (loss, 0) }
            let share = mmdShare(rows: rows(shard, of: n0), pushed: pushed, targets: batch.targets, classes: batch.classes)
            return (loss + (parts[shard].pushed * share.gradient).sum().scaled(by: config.lambda), share.value)
        }
        var grads = backward.gradients
        // Every rank's shards summed; the terms below are computed on the
        // whole batch by every rank alike, so they come after the sum.
        var totals = [parts.reduce(Float(0)) { $0 + $1.hj.scalarValue }, parts.reduce(Float(0)) { $0 + $1.gap },
                      parts.reduce(Float(0)) { $0 + $1.dualSquares }, backward.sides.reduce(0, +)]
        collective.sum(grads, scalars: &totals)
        if config.symmetricWeight > 0 {
            let symmetric = symmetricTerm(batch.classes, sources: batch.sources, targets: batch.targets)
            let extra = gradients(of: symmetric.scaled(by: config.lambda * config.symmetricWeight), wrt: parameters.map(\.tensor))
            for i in grads.indices { grads[i].addInPlace(extra[i]) }
        }
        if config.maxGradientNorm > 0 { clipGradientNorm(&grads, maxNorm: config.maxGradientNorm) }
        let rate = learningRate
        optimizer.learningRate = rate
        optimizer.step(parameters, gradients: grads)
        stepIndex += 1

        for (k, c) in batch.classes.enumerated() {
            characteristics[c] = (batch.sources[k], velocity.slice(axis: 0, start: k * nS, length: nS))
        }
        return TransportLosses(hj: totals[0], mmd: config.lambda > 0 ? (totals[3] + targetTerms) / Float(batch.classes.count) : 0,
                               gradientGap: totals[1], dualResidual: (totals[2] / Float(batch.targetCount)).squareRoot(),
                               learningRate: rate)
    }

    /// Draws the step's classes, their source and target points, the
    /// collocation points and the monotonicity probes; a class seen for the
    /// first time gets its characteristics from this draw.
    func drawBatch() -> TransportBatch {
        let chosen = nextClasses()
        let nS = config.sourceBatch, nT = config.targetBatch
        let norm = potential.normalization, perClass = norm.sourceCenters.count > 1
        let sources = chosen.map { c in
            norm.normalizeSource(problem.sources[c].sample(nS, using: &random), labels: perClass ? Array(repeating: c, count: nS) : nil)
        }
        let targets = chosen.map { c in
            norm.normalizeTarget(problem.targets[c].sample(nT, using: &random), labels: perClass ? Array(repeating: c, count: nT) : nil)
        }
        for (c, x0) in zip(chosen, sources) where characteristics[c] == nil {
            let p0 = potential.momentum(atNormalized: x0, time: 0, labels: codeLabels(c, count: nS))
            characteristics[c] = (x0, withoutGradient { potential.cost.hamiltonianGradient(p0) })
        }
        let (x, t, labels) = collocation(chosen)
        let probes = config.monotoneWeight > 0 ? monotoneProbes(count: nS * chosen.count) : nil
        return TransportBatch(classes: chosen, sources: sources, targets: targets, sourceRows: Tensor.concat(sources, axis: 0),
                              sourceCode: potential.classCode(chosen.flatMap { codeLabels($0, count: nS) }),
                              collocation: x, times: t, collocationCode: potential.classCode(labels), probes: probes)
    }

    /// One shard's terms, a function of the batch and the shard's rows
    /// (`rows(total)`: its part of a set of `total` rows). u is evaluated once
    /// on [its collocation points at t; its sources at 0 (; the sources
    /// moved by the probes, at 0)] and p = ∇ₓu taken with a graph. The
    /// collocation rows give its part of the HJ terms, the source rows the
    /// pushed points T(x0) = x0 + t_f∇H(p0), and its rows of the target
    /// batches their preimages for the dual term.
    func shardTerms(_ batch: TransportBatch, rows: (Int) -> (start: Int, count: Int)) -> ShardTerms {
        let nc = batch.collocationCount, n0 = batch.sourceCount, tf = config.finalTime
        let (cStart, cCount) = rows(nc), (sStart, sCount) = rows(n0)
        let x = batch.collocation.slice(axis: 0, start: cStart, length: cCount)
        let t = batch.times.slice(axis: 0, start: cStart, length: cCount)
        let code = batch.collocationCode.slice(axis: 0, start: cStart, length: cCount)
        let x0 = batch.sourceRows.slice(axis: 0, start: sStart, length: sCount)
        let sourceCode = batch.sourceCode.slice(axis: 0, start: sStart, length: sCount)
        let probes = batch.probes.map { probes in
            let offsets = probes.offsets.slice(axis: 0, start: sStart, length: sCount)
            let slopes = probes.slopes.slice(axis: 0, start: sStart, length: sCount)
            return config.monotonePreimages
                ? aimedAtPreimages(x0, rows: sStart..<(sStart + sCount), classes: batch.classes, offsets: offsets, slopes: slopes)
                : (offsets: offsets, slopes: slopes)
        }
        let probeRows = probes.map(\.offsets)
        let xi = Tensor.concat([x, x0] + (probeRows.map { [x0 + $0] } ?? []), axis: 0).requiringGrad()
        let times = Tensor.concat([t, Tensor.zeros([sCount * (probes == nil ? 1 : 2), 1])], axis: 0)
        // ψ's parameters get no gradient from the collocation rows (L_HJ).
        let u = potential(xi, time: times, code: Tensor.concat([code, sourceCode] + (probes == nil ? [] : [sourceCode]), axis: 0),
                          fixedConvexRows: cCount)
        let p = gradient(of: u, wrt: xi, createGraph: true)
        let (hj, consistency, gap) = hjTerms(value: u.slice(axis: 0, start: 0, length: cCount),
                                             p: p.slice(axis: 0, start: 0, length: cCount), x: x, t: t, code: code)
        let share = Float(cCount) / Float(nc)
        let velocity = potential.cost.hamiltonianGradient(p.slice(axis: 0, start: cCount, length: sCount))   // ∇H(p0)
        let monotone = probes.map { probes -> Tensor in
            let moved = potential.cost.hamiltonianGradient(p.slice(axis: 0, start: cCount + sCount, length: sCount))
            return Self.monotonePenalty(velocity: velocity, movedVelocity: moved,
                                        slopes: probes.slopes, finalTime: tf,
                                        margin: config.monotoneMargin)
                .scaled(by: config.monotoneWeight / Float(n0))
        } ?? Tensor(0)
        // This shard's part of mean u(x0, 0) − mean u(x̂, 0), x̂ the
        // preimages of its rows of the target batches.
        let dual = config.dualWeight > 0
            ? KantorovichDual.preimages(of: batch.targets, classes: batch.classes, rows: rows, potential: potential,
                                        conditional: problem.isConditional, refinements: config.dualRefinements)
            : nil
        let dualPart = dual.map { dual -> Tensor in
            let uHat = potential(dual.points, time: Tensor.zeros([dual.points.shape[0], 1]), code: dual.code)
            return u.slice(axis: 0, start: cCount, length: sCount).sum().scaled(by: 1 / Float(n0))
                - uHat.sum().scaled(by: 1 / Float(batch.targetCount))
        } ?? Tensor(0)
        return ShardTerms(hj: hj.scaled(by: share), consistency: consistency.scaled(by: share), gap: gap * share,
                          pushed: x0 + velocity.scaled(by: tf), velocity: velocity,
                          dualAndMonotone: dualPart.scaled(by: config.dualWeight) + monotone, dualSquares: dual?.squaredErrors ?? 0)
    }

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

    /// The y–y terms of the step's classes, summed (constant in θ: they only
    /// shift the reported L_MMD), after adding this step's estimate where due.
    private func updatedTargetTerms(_ batch: TransportBatch) -> Float {
        var total: Float = 0
        for (k, c) in batch.classes.enumerated() {
            if !targetTermExact[c], stepIndex % 100 == 0 {
                targetTermSums[c] += MMD.targetTerm(batch.targets[k], kernel: config.kernel, bandwidths: bandwidths[c])
                targetTermCounts[c] += 1
            }
            total += Float(targetTermSums[c] / Double(targetTermCounts[c]))
        }
        return total
    }
}
