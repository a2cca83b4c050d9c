import Foundation
import GenOTTensor

/// A non-Gaussian pair with a known OT map: μ a mixture of Gaussians,
/// ν = (∇ψ)#μ for the strictly convex ψ of `ConvexMixtureMap`, so ∇ψ is the
/// quadratic-cost OT map from μ to ν (Brenier).
///
/// The construction (`random`), with σ_c² = tr Σ_c / d the per-coordinate
/// variance of component c and σ̄² the mean of the σ_c² (constants in
/// `Shape`, defaults in brackets):
///
/// - μ = (1/C) Σ_c N(m_c, Σ_c), C [3] components, m_c = max(s√d, r₀) · v_c
///   [s = 2, r₀ = 5] with v_c uniform on the unit sphere then spread apart
///   (`spreadOnSphere`; in high d this is what Gaussian means N(0, s² I)
///   look like, in low d it keeps two means from nearly coinciding; r₀
///   keeps the components about 4σ̄ apart in the plane, where s√d alone
///   would let them merge), Σ_c = Q diag(λ) Qᵀ with λ ~ U[0.5, 2] and Q
///   Haar-random;
/// - P pieces per component, K = C·P in all, P = max(P₀, ⌈d/d_P⌉)
///   [P₀ = 4, d_P = 8: K = 12 up to d = 32, 24 at d = 64, 48 at d = 128].
///   Piece (c, j) has a direction δ_cj = κ σ_c √d · u_cj [κ = 4], u_cj
///   uniform on the unit sphere then spread apart the same way, and
///
///       a_cj·x + b_cj = γ(m_c·x − ½‖m_c‖²) + γ δ_cj·(x − m_c),   [γ = 1.5]
///
///   i.e. a_cj = γ(m_c + δ_cj), b_cj = −γ(½‖m_c‖² + m_c·δ_cj). The first
///   term picks the component (the pieces of component c win near m_c: a
///   Voronoi split between the means); the second splits the component into
///   P cones around m_c, and ∇ψ moves cone j by γδ_cj: each source mode
///   becomes P target modes, pulled apart. Points on a sphere are all
///   vertices of their convex hull, so no cone is empty;
/// - β is chosen so that the transition between two cones of a component
///   has logistic scale τσ̄ [τ = 0.2] at the median distance between the
///   component's δ's: β = 1/(τ σ̄ γ median‖δ_cj − δ_cj'‖). The map stays
///   smooth: a 10–90% transition spans about 4.4τσ̄ ≈ 0.9σ̄, a component's
///   std, not a near-discontinuity;
/// - the offsets b_cj are then shifted so that every piece carries the
///   same share 1/K of μ (`balanced`): in low d a component's cone pointing
///   at another component would otherwise be swallowed by that component's
///   pieces; in high d the shift is small;
/// - ε [0.25] and A = Q' diag(α) Q'ᵀ, α ~ U[0, α_max] [0.75]: the strictly
///   convex quadratic part (inside one piece ∇ψ is a_k + (εI + A)x).
///
/// Scale across d: from d = 7 on the means, δ's and the spread of each
/// component all grow as √d·σ, and β makes the transition width τσ̄ in
/// every d, so the ratios that decide the difficulty (displacement /
/// spread of ν, transition width / component std) are the same at every d.
/// Two effects of d remain, and the construction answers them: in the
/// plane P cones around a point are close to a radial push, which a linear
/// map follows best (the linear UVP is lowest at d = 2, ~9%, and ~35–60%
/// from d = 8 on); and a linear inverse can project out the span of the K
/// offsets a_k and lose only about K/d of Var μ, so with K fixed the
/// inverse would get easy for a linear map as d grows: hence P grows with d.
public struct MixturePair: Sendable {
    /// The constants of the construction (see the type's doc comment).
    public struct Shape: Sendable, Equatable {
        /// C, source components.
        public var components = 3
        /// P₀: affine pieces per component (target modes per source mode) in low d.
        public var piecesPerComponent = 4
        /// d_P: from d = P₀·d_P on, one more piece per component every d_P dimensions.
        public var dimensionsPerPiece = 8
        /// s: ‖m_c‖ = max(s√d, r₀).
        public var meanSpread = 2.0
        /// r₀: the smallest ‖m_c‖, which keeps the components apart in low d.
        public var minimumMeanNorm = 5.0
        /// κ: ‖δ_cj‖ = κ σ_c √d.
        public var coneSpread = 4.0
        /// γ: how far the pieces move their cones (a = γ(m + δ)).
        public var displacement = 1.5
        /// τ: the transition's logistic scale in units of σ̄.
        public var transitionWidth = 0.2
        /// ε.
        public var curvature = 0.25
        /// α_max: A's eigenvalues ~ U[0, α_max].
        public var maxQuadratic = 0.75

        public init() {}

        /// P = max(P₀, ⌈d/d_P⌉) in dimension d.
        public func pieces(dimension d: Int) -> Int {
            Swift.max(piecesPerComponent, (d + dimensionsPerPiece - 1) / Swift.max(dimensionsPerPiece, 1))
        }
    }

    public let source: GaussianMixture
    /// ∇ψ, the OT map from μ to ν.
    public let map: ConvexMixtureMap
    /// Var μ = tr Cov μ (exact).
    public let sourceVariance: Double
    /// Var ν = tr Cov ν, estimated on `varianceSamples` draws (ν has no closed-form moments).
    public let targetVariance: Double
    public let shape: Shape

    /// Draws behind `targetVariance`: its relative error is well under 1%.
    public static let varianceSamples = 1 << 16

    public var dimension: Int { source.dimension }

    public init(source: GaussianMixture, map: ConvexMixtureMap, shape: Shape = Shape(), varianceSeed: UInt64 = 0) {
        precondition(source.dimension == map.dimension, "μ in d = \(source.dimension), ∇ψ in d = \(map.dimension)")
        self.source = source
        self.map = map
        self.shape = shape
        sourceVariance = source.variance
        var random = SeededRandom(seed: varianceSeed)
        targetVariance = Self.variance(map.apply(source.sample(Self.varianceSamples, using: &random)), dimension: source.dimension)
    }

    /// tr Cov of the rows of y: [n, d].
    static func variance(_ y: [Double], dimension d: Int) -> Double {
        let n = y.count / d
        var mean = [Double](repeating: 0, count: d), square = 0.0
        for r in 0..<n { for j in 0..<d { mean[j] += y[r * d + j]; square += y[r * d + j] * y[r * d + j] } }
        return (square - mean.reduce(0) { $0 + $1 * $1 } / Double(n)) / Double(n - 1)
    }

    /// The pair of dimension d built from `seed` (see the type's doc comment).
    public static func random(dimension d: Int, seed: UInt64, shape: Shape = Shape()) throws -> MixturePair {
        precondition(d >= 1 && shape.components >= 1 && shape.piecesPerComponent >= 1, "empty construction")
        var random = SeededRandom(seed: seed)
        let c = shape.components, p = shape.pieces(dimension: d)
        let means = spreadOnSphere((0..<c).map { _ in (0..<d).map { _ in Double(random.nextNormal()) } })
            .map { u in u.map { Swift.max(shape.meanSpread * Double(d).squareRoot(), shape.minimumMeanNorm) * $0 } }
        let covariances = (0..<c).map { _ in GaussianOT.randomCovariance(d, using: &random) }
        let sigmas = covariances.map { ($0.trace / Double(d)).squareRoot() }
        let directions: [[[Double]]] = (0..<c).map { component in
            let scale = shape.coneSpread * sigmas[component] * Double(d).squareRoot()
            return spreadOnSphere((0..<p).map { _ in (0..<d).map { _ in Double(random.nextNormal()) } })
                .map { u in u.map { scale * $0 } }
        }
        let gamma = shape.displacement
        var slopes: [Double] = [], offsets: [Double] = []
        for component in 0..<c {
            let m = means[component]
            let halfSquare = 0.5 * m.reduce(0) { $0 + $1 * $1 }
            for delta in directions[component] {
                slopes += zip(m, delta).map { gamma * ($0 + $1) }
                offsets.append(-gamma * (halfSquare + zip(m, delta).reduce(0) { $0 + $1.0 * $1.1 }))
            }
        }
        var gaps: [Double] = []
        for deltas in directions {
            for j in 0..<p { for k in (j + 1)..<p {
                gaps.append(zip(deltas[j], deltas[k]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot())
            } }
        }
        // With one piece per component there is no cone boundary to scale β by; κ√d stands in.
        gaps.sort()
        let medianGap = gaps.isEmpty ? shape.coneSpread * Double(d).squareRoot() : gaps[gaps.count / 2]
        let meanSigma = (sigmas.reduce(0) { $0 + $1 * $1 } / Double(c)).squareRoot()
        let beta = 1 / (shape.transitionWidth * meanSigma * gamma * medianGap)
        let quadratic = GaussianOT.randomCovariance(d, low: 0, high: shape.maxQuadratic, using: &random)
        let mixture = try GaussianMixture(weights: [Double](repeating: 1, count: c), means: means, covariances: covariances)
        let unbalanced = ConvexMixtureMap(slopes: slopes, offsets: offsets, sharpness: beta, curvature: shape.curvature,
                                          quadratic: quadratic)
        var balancing = SeededRandom(seed: seed &+ 0xba1a)
        let map = balanced(unbalanced, on: mixture.sample(balancingSamples, using: &balancing))
        return MixturePair(source: mixture, map: map, shape: shape, varianceSeed: seed &+ 0x5eed)
    }

    /// Draws of μ on which `balanced` equalises the pieces' masses.
    static let balancingSamples = 4096

    /// `map` with offsets shifted so that every piece carries the same share
    /// 1/K of μ: with soft masses M_k = E_μ p_k(x) (on the rows of x),
    /// 200 damped steps b_k ← b_k + ½ log(1/(K M_k))/β (M_k grows with b_k, so
    /// this is a fixed-point iteration of a monotone map, as in semi-discrete
    /// OT). The slopes, hence the cones' directions and the transitions'
    /// width, stay; only where the boundaries lie moves.
    static func balanced(_ map: ConvexMixtureMap, on x: Tensor, steps: Int = 200) -> ConvexMixtureMap {
        let n = x.shape[0], k = map.pieceCount, points = x.storage.map(Double.init)
        var offsets = map.offsets
        for _ in 0..<steps {
            let current = ConvexMixtureMap(slopes: map.slopes, offsets: offsets, sharpness: map.sharpness,
                                           curvature: map.curvature, quadratic: map.quadratic)
            let p = current.pieceWeights(points, rows: n)
            var mass = [Double](repeating: 0, count: k)
            for r in 0..<n { for j in 0..<k { mass[j] += p[r * k + j] / Double(n) } }
            for j in 0..<k { offsets[j] += 0.5 * Foundation.log(1 / (Double(k) * Swift.max(mass[j], 1e-12))) / map.sharpness }
        }
        return ConvexMixtureMap(slopes: map.slopes, offsets: offsets, sharpness: map.sharpness, curvature: map.curvature,
                                quadratic: map.quadratic)
    }

    /// Unit vectors as evenly spread as a short repulsion makes them: each
    /// step moves every vector away from the others (force 1/distance², the
    /// Thomson problem) and back onto the sphere. Random directions in low d
    /// can nearly coincide, leaving a cone with almost no mass; in high d
    /// they are nearly orthogonal already and barely move.
    static func spreadOnSphere(_ vectors: [[Double]], steps: Int = 100, stepSize: Double = 0.05) -> [[Double]] {
        func normalized(_ v: [Double]) -> [Double] {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
        var u = vectors.map(normalized)
        guard u.count > 1, u[0].count > 1 else { return u }
        for _ in 0..<steps {
            u = u.indices.map { j in
                var moved = u[j]
                for i in u.indices where i != j {
                    let gap = zip(u[j], u[i]).map { $0 - $1 }
                    let distance = Swift.max(gap.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-3)
                    for k in moved.indices { moved[k] += stepSize * gap[k] / (distance * distance * distance) }
                }
                return normalized(moved)
            }
        }
        return u
    }

    /// n source points and their images: x ~ μ [n, d], y = ∇ψ(x) [n, d] (Float64).
    public func sample(_ n: Int, using random: inout SeededRandom) -> (x: Tensor, y: [Double]) {
        let x = source.sample(n, using: &random)
        return (x, map.apply(x))
    }
}
