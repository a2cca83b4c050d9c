import Foundation

/// A seeded generator (xoshiro256**, seeded through SplitMix64): the same
/// seed gives the same stream on every run and machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The generator's whole state, to save and restore a run mid-way.
    public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

    /// A generator that continues exactly where the one with `stateWords` was.
    public init?(stateWords words: [UInt64]) {
        guard words.count == 4, words.contains(where: { $0 != 0 }) else { return nil }
        state = (words[0], words[1], words[2], words[3])
    }

    public mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0; state.3 ^= state.1; state.1 ^= state.2; state.0 ^= state.3
        state.2 ^= t
        state.3 = (state.3 << 45) | (state.3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits (exact in Float32).
    public mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Standard normal by Box–Muller (one draw per call; simple and exact enough).
    public mutating func nextNormal() -> Float {
        let u1 = Double(next() >> 11) * 0x1p-53 + 0x1p-54   // (0, 1): log is finite
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }

    /// A tensor of N(mean, std²) draws: Box–Muller pairs, each from one
    /// 64-bit word (32 bits for the radius, u₁ ≥ 2⁻³³ so draws reach 6.7σ;
    /// 24 for the angle), transformed a vector at a time (`NormalPairs`).
    /// Pair i gives element i and element pairs + i.
    public mutating func normal(_ shape: [Int], mean: Float = 0, std: Float = 1) -> Tensor {
        let count = shape.reduce(1, *), pairs = (count + 1) / 2
        var copy = self
        var values = [Float](unsafeUninitializedCapacity: 2 * pairs) { buffer, initialized in
            for i in 0..<pairs {
                let word = copy.next()
                buffer[i] = (Float(UInt32(word >> 32)) + 0.5) * 0x1p-32
                buffer[pairs + i] = Float(UInt32(truncatingIfNeeded: word) >> 8) * 0x1p-24
            }
            let base = buffer.baseAddress!
            VectorUnit.kernels.normalPairs(base, base + pairs, pairs, mean, std)
            initialized = 2 * pairs
        }
        self = copy
        if values.count > count { values.removeLast() }
        return Tensor(shape: shape, storage: values)
    }

    public mutating func uniform(_ shape: [Int], low: Float = 0, high: Float = 1) -> Tensor {
        var copy = self
        let t = Tensor.make(shape) { dst in for i in 0..<dst.count { dst[i] = low + (high - low) * copy.nextUniform() } }
        self = copy
        return t
    }

    /// A random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var values = Array(0..<n)
        values.shuffle(using: &self)
        return values
    }
}
