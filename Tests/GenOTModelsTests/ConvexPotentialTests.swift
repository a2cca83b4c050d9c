import Foundation
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
import XCTest

final class ConvexPotentialTests: XCTestCase {
    /// A ψ far from its start: random factors, gain 1 and weights spread out,
    /// so the network part dominates and curves strongly.
    func randomPotential(dimension d: Int, classes: Int, seed: UInt64 = 3) -> ConvexPotential {
        var random = SeededRandom(seed: seed)
        let factors = (0..<Swift.max(classes, 1)).map { _ in random.normal([d, d]).scaled(by: 0.3) }
        let psi = ConvexPotential(factors: factors, classes: classes, width: 12, depth: 3, using: &random)
        for (name, tensor) in psi.parameters where !name.hasPrefix("quadratic") {
            // The positive weights act through softplus(κV)/κ: shift and spread them on that scale.
            let positive = name.hasSuffix("mixing") || name == "readout", kappa = ConvexPotential.positiveRate
            tensor.storage = tensor.storage.map { positive ? $0 - 2.5 / kappa + 0.3 / kappa * random.nextNormal() : $0 * 2 + 0.3 * random.nextNormal() }
        }
        psi.gain.storage = [1]
        // The smoothed maximum weighs its top unit by about 1 where the sum
        // readout's v⁺ is small: a smaller gain keeps ψ's size, and with it
        // the Float32 finite differences, comparable.
        if case .logSumExp = psi.head { psi.gain.storage = [0.3] }
        return psi
    }

    /// The same ψ with the earlier head: a non-negative sum of σ-units
    /// (`readout`, and a sharpness for the last layer too).
    func withSumHead(_ psi: ConvexPotential, seed: UInt64 = 4) -> ConvexPotential {
        var random = SeededRandom(seed: seed)
        var values = Dictionary(uniqueKeysWithValues: psi.parameters.map { ($0.name, $0.tensor) })
        values["head.sharpness"] = nil
        values["layers.\(psi.depth - 1).sharpness"] = random.normal([1, psi.width]).scaled(by: 0.3)
        let kappa = ConvexPotential.positiveRate
        values["readout"] = Tensor(shape: [psi.width, 1], storage: (0..<psi.width).map { _ in -2.5 / kappa + 0.3 / kappa * random.nextNormal() })
        return ConvexPotential(named: values, dimension: psi.dimension, classes: psi.classes, width: psi.width, depth: psi.depth)!
    }

    /// Rebuilds ψ around given parameter tensors, in `parameters`' order.
    func rebuilt(_ psi: ConvexPotential, _ values: [Tensor]) -> ConvexPotential {
        ConvexPotential(named: Dictionary(uniqueKeysWithValues: zip(psi.parameters.map(\.name), values)),
                        dimension: psi.dimension, classes: psi.classes, width: psi.width, depth: psi.depth)!
    }

    /// ψ(·, c) is convex for every class: second differences along random
    /// lines are non-negative and the finite-difference Hessian of ∇ψ has no
    /// negative eigenvalue.
    func testConvexInXForEveryClass() throws {
        let d = 4, classes = 3
        let smoothedMaximum = randomPotential(dimension: d, classes: classes)
        for psi in [smoothedMaximum, withSumHead(smoothedMaximum)] {
            try assertConvex(psi, classes: classes)
        }
    }

    func assertConvex(_ psi: ConvexPotential, classes: Int) throws {
        let d = psi.dimension
        var random = SeededRandom(seed: 11)
        for c in 0..<classes {
            let code = Tensor.oneHot(Array(repeating: c, count: 64), classes: classes)
            let x = random.normal([64, d]).scaled(by: 2), v = random.normal([64, d]), h: Float = 0.05
            let value = { (points: Tensor) in withoutGradient { psi(points, code: code) }.storage }
            let (mid, plus, minus) = (value(x), value(x + v.scaled(by: h)), value(x - v.scaled(by: h)))
            for i in 0..<64 { XCTAssertGreaterThan(plus[i] + minus[i] - 2 * mid[i], -1e-4, "class \(c), point \(i)") }

            // Hessian at one point, by central differences of the autodiff gradient.
            let point = random.normal([1, d]), one = Tensor.oneHot([c], classes: classes)
            func grad(_ p: Tensor) -> [Float] {
                let leaf = p.requiringGrad()
                return gradient(of: psi(leaf, code: one), wrt: leaf).storage.map { $0 }
            }
            var hessian = [Double](repeating: 0, count: d * d)
            for j in 0..<d {
                var e = [Float](repeating: 0, count: d); e[j] = 1e-2
                let step = Tensor(shape: [1, d], storage: e)
                let (g1, g0) = (grad(point + step), grad(point - step))
                for i in 0..<d { hessian[i * d + j] = Double(g1[i] - g0[i]) / 2e-2 }
            }
            for i in 0..<d { for j in 0..<i { let m = (hessian[i * d + j] + hessian[j * d + i]) / 2; hessian[i * d + j] = m; hessian[j * d + i] = m } }
            let smallest = try SymmetricMatrix(size: d, values: hessian).eigen().eigenvalues.min()!
            XCTAssertGreaterThan(smallest, -1e-2, "class \(c): Hessian eigenvalue \(smallest)")
        }
    }

    /// The transport loss reads ∇ₓψ: its parameter gradient, and the mixed
    /// second derivatives, match finite differences.
    func testGradientsThroughTheGradientMatchFiniteDifferences() {
        let d = 3, classes = 2
        let smoothedMaximum = randomPotential(dimension: d, classes: classes, seed: 5)
        for psi in [smoothedMaximum, withSumHead(smoothedMaximum)] { checkGradients(psi) }
    }

    func checkGradients(_ psi: ConvexPotential) {
        let d = psi.dimension, classes = psi.classes
        var random = SeededRandom(seed: 6)
        let x = random.normal([5, d]).requiringGrad(), code = Tensor.oneHot([0, 1, 1, 0, 1], classes: classes)
        let initial = psi.parameters.map { $0.tensor.detached() }
        GradientCheck.first(initial, eps: 3e-3, rtol: 1e-2, atol: 3e-4, "‖∇ψ‖² w.r.t. parameters") { params in
            let p = gradient(of: self.rebuilt(psi, params)(x, code: code), wrt: x, createGraph: true)
            return p.square().sum(axis: 1, keepDims: true)
        }
        GradientCheck.second([x] + initial, eps: 3e-3, rtol: 1e-2, atol: 3e-4, "∂²ψ/∂θ∂x") { inputs in
            self.rebuilt(psi, Array(inputs.dropFirst()))(inputs[0], code: code).tanh().sum()
        }
    }

    /// With ψ's network off (gain 0) and its factor at the base's forward
    /// Hessian, the map is exactly the base's Gaussian map; and T = ∇ψ + shift
    /// whatever the time part u_θ(ξ, t) learns.
    func testStartsAtTheGaussianMapAndTheForwardMapReadsPsiAlone() throws {
        let d = 3
        var random = SeededRandom(seed: 8)
        let b = random.normal([d, d]).scaled(by: 0.3)
        var a = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d {
            for k in 0..<d { a[i * d + j] += Double(b.storage[i * d + k] * b.storage[j * d + k]) }
            if i == j { a[i * d + j] += 0.5 }
        } }
        let map = try GaussianOTMap(from: .standard(d), to: Gaussian(mean: [1, -2, 0.5], covariance: a))
        let base = try QuadraticPotential(map: map)
        let psi = ConvexPotential(factors: [base.forwardHessianFactor(finalTime: 1)], classes: 0, width: 8, depth: 2, using: &random)
        psi.gain.storage = [0]
        let plain = TransportPotential(dimension: d, width: 8, depth: 2, using: &random).withGaussianBase([base])
        let convex = plain.withConvexPart(psi)
        let x = random.normal([20, d])
        assertClose(convex.forwardMap(x), map.apply(x), rtol: 1e-4, atol: 1e-4)
        // u_θ enters as t·u_θ: u(ξ, 0) is ψ's alone.
        psi.gain.storage = [1]
        let before = convex.forwardMap(x)
        for (_, tensor) in convex.network.parameters { tensor.storage = tensor.storage.map { $0 * 3 + 0.1 } }
        assertClose(convex.forwardMap(x), before, rtol: 0, atol: 0)
    }

    /// A convex forward map has one preimage per point: the refined inverse
    /// finds it from the closed form, even where u_θ(·, t_f) is wrong: the
    /// benchmark's inverse consistency E‖T⁻¹(T(x)) − x‖²/d far below 1e-4.
    func testRefinedInverseIsExactForAConvexMap() {
        for classes in [0, 2] {
            let psi = randomPotential(dimension: 3, classes: classes, seed: 13)
            var random = SeededRandom(seed: 14)
            let u = TransportPotential(dimension: 3, classes: classes, width: 8, depth: 2, using: &random).withConvexPart(psi)
            let x = random.normal([50, 3])
            let labels = classes == 0 ? nil : (0..<50).map { $0 % classes }
            let back = u.inverseMap(u.forwardMap(x, labels: labels), labels: labels)
            let consistency = (back - x).square().mean().scalarValue, worst = (back - x).abs().storage.max()!
            XCTAssertLessThan(consistency, 1e-9, "\(classes) classes: E‖T⁻¹(T(x)) − x‖²/d")
            XCTAssertLessThan(worst, 1e-3, "\(classes) classes: max |T⁻¹(T(x)) − x|")
        }
    }

    /// One factor for several classes (no Gaussian base) starts each class's
    /// quadratic there; the fixed copy and a checkpoint keep every class's.
    func testSharedStartingFactorGivesEveryClassItsOwn() throws {
        var random = SeededRandom(seed: 31)
        let psi = ConvexPotential(factors: [random.normal([3, 3])], classes: 4, width: 5, depth: 2, using: &random)
        XCTAssertEqual(psi.quadraticFactors.count, 4)
        XCTAssertEqual(psi.fixed.parameters.map(\.name), psi.parameters.map(\.name))
        let x = random.normal([6, 3]), code = Tensor.oneHot([0, 1, 2, 3, 0, 1], classes: 4)
        assertClose(psi.fixed(x, code: code), withoutGradient { psi(x, code: code) }, rtol: 0, atol: 0)
    }

    func testCheckpointRoundTrip() throws {
        let folder = try makeTemporaryFolder(self)
        let url = folder.appendingPathComponent("convex.safetensors")
        let psi = randomPotential(dimension: 3, classes: 2, seed: 21)
        var random = SeededRandom(seed: 22)
        let u = TransportPotential(dimension: 3, classes: 2, width: 8, depth: 2, using: &random).withConvexPart(psi)
        try u.save(to: url)
        let loaded = try TransportPotential.load(from: url)
        XCTAssertEqual(loaded.convexPart?.width, 12)
        XCTAssertEqual(loaded.convexPart?.depth, 3)
        let x = random.normal([6, 3])
        assertClose(loaded.forwardMap(x, class: 1), u.forwardMap(x, class: 1), rtol: 0, atol: 0)
        XCTAssertEqual(loaded.parameters.map(\.name), u.parameters.map(\.name))

        // A map with the earlier sum readout loads with that head.
        let summed = u.withConvexPart(withSumHead(psi)), sumURL = folder.appendingPathComponent("sum.safetensors")
        try summed.save(to: sumURL)
        let loadedSum = try TransportPotential.load(from: sumURL)
        assertClose(loadedSum.forwardMap(x, class: 1), summed.forwardMap(x, class: 1), rtol: 0, atol: 0)
        XCTAssertEqual(loadedSum.parameters.map(\.name), summed.parameters.map(\.name))

        // A map from before ψ's positive weights were rescaled (psi.output) is refused, not misread.
        let file = try Safetensors.read(from: sumURL)
        let older = folder.appendingPathComponent("older.safetensors")
        try Safetensors.write(summed.checkpointTensors.map { ($0.name == "psi.readout" ? "psi.output" : $0.name, $0.tensor) },
                              metadata: file.metadata, to: older)
        XCTAssertThrowsError(try TransportPotential.load(from: older)) { error in
            XCTAssertTrue("\(error)".contains("train the map again"), "\(error)")
        }
    }
}
