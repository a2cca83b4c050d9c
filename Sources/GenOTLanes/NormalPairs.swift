/// Standard normal draws by the Box–Muller transform, both of each pair's
/// values used: from u₁ in (0, 1] and u turns in [0, 1),
///
///     r = √(−2 log u₁),   z₁ = r·cos 2πu,   z₂ = r·sin 2πu
///
/// are independent N(0, 1) draws, a vector at a time where libm's log and
/// cos are a call per draw (a training step draws thousands on one core
/// while the other waits).
public enum NormalPairs {
    /// In place over `count` pairs: `first` holds the u₁ and gets
    /// mean + std·z₁, `second` holds the u and gets mean + std·z₂.
    public static func transform(_ first: UnsafeMutablePointer<Float>, _ second: UnsafeMutablePointer<Float>,
                                 count: Int, mean: Float, std: Float) {
        LaneMemory.forEachBlock(count) { i, n in
            let square = -2 * VectorMath.log(LaneMemory.load(first, i, n))
            let radius = square.replacing(with: 0, where: square .< 0).squareRoot()   // u₁ = 1 rounds either way
            let (cosine, sine) = VectorMath.cosSinOfTurns(LaneMemory.load(second, i, n))
            LaneMemory.store(mean + std * (radius * cosine), first, i, n)
            LaneMemory.store(mean + std * (radius * sine), second, i, n)
        }
    }
}
