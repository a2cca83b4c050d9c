/// The limited-memory BFGS history of a batch of independent minimisations
/// (one per row), for the preimage solve of `TransportPotential.preimages`:
/// per row the last `capacity` steps s = x′ − x and gradient changes
/// y = ∇f(x′) − ∇f(x), and the scale γ of the initial inverse Hessian γP.
///
/// `direction` is the two-loop recursion (Nocedal & Wright, Algorithm 7.4)
/// run for all rows at once, so that the preconditioner P, a matrix shared by
/// the batch, is applied as one product.
struct PreimageMemory {
    let rows: Int, dimension: Int, capacity: Int
    private var steps: [Float], changes: [Float], curvatures: [Float]
    private var counts: [Int], newest: [Int]
    private var scales: [Float]

    init(rows: Int, dimension: Int, capacity: Int) {
        self.rows = rows
        self.dimension = dimension
        self.capacity = capacity
        steps = [Float](repeating: 0, count: rows * capacity * dimension)
        changes = steps
        curvatures = [Float](repeating: 0, count: rows * capacity)
        counts = [Int](repeating: 0, count: rows)
        newest = counts
        scales = [Float](repeating: 1, count: rows)
    }

    /// Stores a step of row `row` when it has positive curvature sᵀy (a pair
    /// without it would make the inverse Hessian indefinite); `preconditionedChange`
    /// is P·y, which sizes γ = sᵀy / yᵀPy.
    mutating func record(row: Int, step s: ArraySlice<Float>, change y: ArraySlice<Float>, preconditionedChange py: ArraySlice<Float>) {
        let sy = zip(s, y).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let ypy = zip(y, py).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let ss = s.reduce(Float(0)) { $0 + $1 * $1 }, yy = y.reduce(Float(0)) { $0 + $1 * $1 }
        guard sy > 1e-6 * (ss * yy).squareRoot(), ypy > 0 else { return }
        let slot = counts[row] == 0 ? 0 : (newest[row] + 1) % capacity
        let offset = (row * capacity + slot) * dimension
        for (j, v) in s.enumerated() { steps[offset + j] = v }
        for (j, v) in y.enumerated() { changes[offset + j] = v }
        curvatures[row * capacity + slot] = 1 / sy
        newest[row] = slot
        counts[row] = Swift.min(counts[row] + 1, capacity)
        scales[row] = sy / ypy
    }

    /// Forgets row `row`'s history (its next direction is −P∇f).
    mutating func reset(row: Int) {
        counts[row] = 0
        scales[row] = 1
    }

    /// −H∇f for every row: `gradients` [rows·d], `precondition` applies P to a [rows, d] batch.
    func direction(gradients: [Float], precondition: ([Float]) -> [Float]) -> [Float] {
        let d = dimension
        var q = gradients
        var alphas = [Float](repeating: 0, count: rows * capacity)
        for i in 0..<rows {
            for age in 0..<counts[i] {
                let k = slot(i, age: age)
                let offset = (i * capacity + k) * d
                var alpha: Float = 0
                for j in 0..<d { alpha += steps[offset + j] * q[i * d + j] }
                alpha *= curvatures[i * capacity + k]
                alphas[i * capacity + k] = alpha
                for j in 0..<d { q[i * d + j] -= alpha * changes[offset + j] }
            }
        }
        var z = precondition(q)
        for i in 0..<rows {
            for j in 0..<d { z[i * d + j] *= scales[i] }
            for age in (0..<counts[i]).reversed() {
                let k = slot(i, age: age)
                let offset = (i * capacity + k) * d
                var beta: Float = 0
                for j in 0..<d { beta += changes[offset + j] * z[i * d + j] }
                beta *= curvatures[i * capacity + k]
                let coefficient = alphas[i * capacity + k] - beta
                for j in 0..<d { z[i * d + j] += coefficient * steps[offset + j] }
            }
        }
        return z.map { -$0 }
    }

    /// The slot of row `row`'s pair stored `age` records ago (0: the newest).
    private func slot(_ row: Int, age: Int) -> Int { (newest[row] - age + capacity) % capacity }
}
