import Foundation
import GenOTTensor
import GenOTTransport

/// The 2-D toy distributions of the OT / flow literature (FFJORD, OT-CFM),
/// at a common scale (roughly within [−3, 3]²).
public enum ToyDistribution: String, CaseIterable, Sendable {
    /// N(0, I₂).
    case gaussian
    /// Eight Gaussians (σ = 0.2) on the circle of radius 2.
    case eightGaussians = "8gaussians"
    /// Two interleaving half circles with noise (σ = 0.1).
    case moons
    /// A 2-D Swiss roll (radius growing with the angle) with noise.
    case swissroll
    /// Eight unit squares of a 4×4 checkerboard on [−2, 2]².
    case checkerboard

    public var sampler: Sampler {
        let kind = self
        return Sampler(dimension: 2) { n, random in
            var values = [Float](repeating: 0, count: 2 * n)
            for i in 0..<n {
                let (x, y) = kind.point(using: &random)
                values[2 * i] = x
                values[2 * i + 1] = y
            }
            return Tensor(shape: [n, 2], storage: values)
        }
    }

    func point(using random: inout SeededRandom) -> (Float, Float) {
        switch self {
        case .gaussian:
            return (random.nextNormal(), random.nextNormal())
        case .eightGaussians:
            let k = Float(Int.random(in: 0..<8, using: &random))
            let angle = k * Float.pi / 4
            return (2 * Foundation.cos(angle) + 0.2 * random.nextNormal(), 2 * Foundation.sin(angle) + 0.2 * random.nextNormal())
        case .moons:
            let angle = Float.pi * random.nextUniform()
            let upper = random.nextUniform() < 0.5
            // sklearn's make_moons, centred and scaled by 1.5.
            let x = upper ? Foundation.cos(angle) : 1 - Foundation.cos(angle)
            let y = upper ? Foundation.sin(angle) : 0.5 - Foundation.sin(angle)
            return (1.5 * (x - 0.5) + 0.1 * random.nextNormal(), 1.5 * (y - 0.25) + 0.1 * random.nextNormal())
        case .swissroll:
            // sklearn's make_swiss_roll (x, z) scaled by 1/5, as in FFJORD.
            let t = 1.5 * Float.pi * (1 + 2 * random.nextUniform())
            return ((t * Foundation.cos(t) + 0.5 * random.nextNormal()) / 5, (t * Foundation.sin(t) + 0.5 * random.nextNormal()) / 5)
        case .checkerboard:
            let x = 4 * random.nextUniform() - 2
            let row = Float(Int.random(in: 0..<2, using: &random)) * 2   // 0 or 2
            let column = Float(Int((x + 2).rounded(.down)) % 2)            // shift odd columns
            let y = random.nextUniform() - row + column
            return (x, y)
        }
    }
}
