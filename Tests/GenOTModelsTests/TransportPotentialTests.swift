import Foundation
import GenOTFiles
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
import XCTest

final class TransportPotentialTests: XCTestCase {
    /// A potential whose u(x, 0) is known: weights scaled so p is O(1).
    func potential(classes: Int = 0, cost: Cost = .quadratic, normalization: Normalization? = nil) -> TransportPotential {
        var random = SeededRandom(seed: 9)
        let u = TransportPotential(dimension: 3, classes: classes, width: 16, depth: 2, cost: cost,
                                   finalTime: 0.7, normalization: normalization, using: &random)
        for (_, tensor) in u.parameters { tensor.storage = tensor.storage.map { $0 * 2 } }
        return u
    }

    /// T(x) = x + t_f ∇H(∇ₓu(x, 0)), checked against a separate autodiff gradient.
    func testForwardAndInverseMapsFollowTheirFormulas() {
        for cost in [Cost.quadratic, .power(3)] {
            let u = potential(cost: cost)
            var random = SeededRandom(seed: 1)
            let x = random.normal([5, 3])
            for (time, sign) in [(Float(0), Float(1)), (u.finalTime, Float(-1))] {
                let leaf = x.requiringGrad()
                let p = gradient(of: u(leaf, time: Tensor.full([5, 1], time), code: u.classCode(Array(repeating: 0, count: 5))), wrt: leaf)
                let expected = x + cost.hamiltonianGradient(p).scaled(by: sign * u.finalTime)
                let mapped = sign > 0 ? u.forwardMap(x) : u.inverseMap(x, refinements: 0)
                assertClose(mapped, expected, rtol: 1e-5, atol: 1e-6, "\(cost) t = \(time)")
                XCTAssertFalse(mapped.requiresGrad, "maps return detached tensors")
            }
            let path = u.transportPath(x, points: 3)
            assertClose(path[0], x)
            assertClose(path[2], u.forwardMap(x), rtol: 1e-5, atol: 1e-6)
            assertClose(path[1], (path[0] + path[2]).scaled(by: 0.5), rtol: 1e-5, atol: 1e-6)
        }
    }

    /// The refined inverse solves T(x) = y: from the closed form, Newton-like
    /// steps bring the round trip T(T⁻¹(y)) to y, for a map near enough to
    /// monotone (the potential's own weights, not doubled), with and without
    /// classes and for a non-quadratic cost.
    func testRefinedInverseInvertsTheForwardMap() {
        for (classes, cost) in [(0, Cost.quadratic), (3, .quadratic), (0, .power(3))] {
            var random = SeededRandom(seed: 4)
            let u = TransportPotential(dimension: 3, classes: classes, width: 16, depth: 2, cost: cost, finalTime: 0.7, using: &random)
            let y = random.normal([40, 3])
            let labels = classes == 0 ? nil : (0..<40).map { $0 % classes }
            let closed = u.forwardMap(u.inverseMap(y, labels: labels, refinements: 0), labels: labels)
            let refined = u.forwardMap(u.inverseMap(y, labels: labels, refinements: 20), labels: labels)
            let closedGap = (closed - y).square().mean().scalarValue, refinedGap = (refined - y).square().mean().scalarValue
            XCTAssertLessThan(refinedGap, 1e-8, "\(classes) classes, \(cost): |T(T⁻¹(y)) − y|² \(refinedGap)")
            XCTAssertLessThan(refinedGap, closedGap, "\(classes) classes, \(cost)")
        }
    }

    /// The maps commute with the normalisation: T(x) = b + s·T̃((x − a)/s),
    /// T⁻¹(y) = a + s·T̃⁻¹((y − b)/s).
    func testNormalizationConjugatesTheMap() {
        let a: [Float] = [1, -2, 3], b: [Float] = [0, 4, -1], scale: Float = 2.5
        let plain = potential()
        let normalized = potential(normalization: Normalization(sourceCenters: [a], targetCenters: [b], scale: scale))
        var random = SeededRandom(seed: 2)
        let xi = random.normal([4, 3])
        let shift = { (c: [Float]) in Tensor(shape: [1, 3], storage: c) }
        let x = withoutGradient { xi.scaled(by: scale) + shift(a) }
        let expected = withoutGradient { plain.forwardMap(xi).scaled(by: scale) + shift(b) }
        assertClose(normalized.forwardMap(x), expected, rtol: 1e-5, atol: 1e-5)
        let y = withoutGradient { xi.scaled(by: scale) + shift(b) }
        let back = withoutGradient { plain.inverseMap(xi).scaled(by: scale) + shift(a) }
        assertClose(normalized.inverseMap(y), back, rtol: 1e-5, atol: 1e-5)
    }

    /// A scale per side: T(x) = b + s'·T̃((x − a)/s), T⁻¹(y) = a + s·T̃⁻¹((y − b)/s'),
    /// and a checkpoint keeps both scales.
    func testSeparateScalesConjugateTheMap() throws {
        let a: [Float] = [1, -2, 3], b: [Float] = [0, 4, -1], s: Float = 2.5, t: Float = 0.7
        let plain = potential()
        let normalized = potential(normalization: Normalization(sourceCenters: [a], targetCenters: [b], scale: s, targetScale: t))
        var random = SeededRandom(seed: 3)
        let xi = random.normal([4, 3])
        let shift = { (c: [Float]) in Tensor(shape: [1, 3], storage: c) }
        let x = withoutGradient { xi.scaled(by: s) + shift(a) }
        assertClose(normalized.forwardMap(x), withoutGradient { plain.forwardMap(xi).scaled(by: t) + shift(b) }, rtol: 1e-5, atol: 1e-5)
        let y = withoutGradient { xi.scaled(by: t) + shift(b) }
        assertClose(normalized.inverseMap(y, refinements: 0),
                    withoutGradient { plain.inverseMap(xi, refinements: 0).scaled(by: s) + shift(a) }, rtol: 1e-5, atol: 1e-5)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("scales-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        try normalized.save(to: file)
        XCTAssertEqual(try TransportPotential.load(from: file).normalization, normalized.normalization)
    }

    /// Per-class centres: row i uses the centres of its own class.
    func testPerClassCentres() {
        let normalization = Normalization(sourceCenters: [[0, 0, 0], [10, 0, 0]], targetCenters: [[1, 1, 1], [-5, 0, 0]], scale: 2)
        let u = potential(classes: 2, normalization: normalization)
        let plain = potential(classes: 2)
        var random = SeededRandom(seed: 6)
        let xi = random.normal([2, 3])
        let labels = [0, 1]
        let x = normalization.denormalizeSource(xi, labels: labels)
        let expected = normalization.denormalizeTarget(plain.forwardMap(xi, labels: labels), labels: labels)
        assertClose(u.forwardMap(x, labels: labels), expected, rtol: 1e-5, atol: 1e-5)
    }

    func testClassCodeSelectsTheMap() {
        let u = potential(classes: 4)
        var random = SeededRandom(seed: 3)
        let x = random.normal([6, 3])
        let perRow = u.forwardMap(x, labels: [0, 1, 2, 3, 0, 1])
        let class2 = u.forwardMap(x, class: 2), class1 = u.forwardMap(x, class: 1)
        // Row 2 has label 2 and row 1 label 1.
        assertClose(Array(perRow.storage[6..<9]), Array(class2.storage[6..<9]), rtol: 1e-6, atol: 1e-6)
        assertClose(Array(perRow.storage[3..<6]), Array(class1.storage[3..<6]), rtol: 1e-6, atol: 1e-6)
        XCTAssertNotEqual(Array(u.forwardMap(x, class: 0).storage[6..<9]), Array(class2.storage[6..<9]))
    }

    /// Inference in chunks gives the same as one pass.
    func testChunkedMomentumMatchesOnePass() {
        let u = potential()
        var random = SeededRandom(seed: 4)
        let x = random.normal([10, 3])
        assertClose(u.momentum(atNormalized: x, time: 0.3, labels: nil, chunk: 3),
                    u.momentum(atNormalized: x, time: 0.3, labels: nil), rtol: 1e-6, atol: 1e-7)
    }

    func testCheckpointRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("genot-tp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("map.safetensors")
        let u = potential(classes: 2, cost: .power(1.5), normalization: Normalization(sourceCenters: [[0.5, 0, -1], [1, 2, 3]],
                                                                                       targetCenters: [[0, 0, 0], [-1, 0, 1]], scale: 3))
        try u.save(to: url, extraMetadata: ["config": "{}"])
        let loaded = try TransportPotential.load(from: url)
        XCTAssertEqual(loaded.dimension, 3)
        XCTAssertEqual(loaded.classes, 2)
        XCTAssertEqual(loaded.cost, .power(1.5))
        XCTAssertEqual(loaded.finalTime, 0.7)
        XCTAssertEqual(loaded.normalization, u.normalization)
        var random = SeededRandom(seed: 5)
        let x = random.normal([4, 3])
        assertClose(loaded.forwardMap(x, class: 1), u.forwardMap(x, class: 1), rtol: 0, atol: 0)

        // Not a transport map: the error names the file and the command that makes one.
        let other = folder.appendingPathComponent("other.safetensors")
        try Safetensors.write([("w", Tensor.ones([2]))], to: other)
        XCTAssertThrowsError(try TransportPotential.load(from: other)) { error in
            XCTAssert("\(error)".contains("other.safetensors") && "\(error)".contains("expected a transport map"), "\(error)")
        }
    }
}

/// A map file whose metadata claims another architecture than its tensors.
final class TransportCheckpointHeaderTests: XCTestCase {
    /// Metadata claiming a width of 10⁸ (or a depth of 10⁹) is refused by
    /// comparing it with the tensors, before a network of that size is built.
    func testMetadataIsCheckedAgainstTheTensorsBeforeBuilding() throws {
        var random = SeededRandom(seed: 1)
        let u = TransportPotential(dimension: 3, classes: 2, width: 8, depth: 2, using: &random)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("genot-map-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        for (key, value, message) in [(TransportPotential.MetadataKey.width, "100000000", "its 9 tensors can hold, found metadata giving d 3, 2 classes, 2 × 100000000 layers"),
                                      (TransportPotential.MetadataKey.width, "1000000", "expected tensor 'u.layers.0.weight' of shape [1000000, 6], found [8, 6]"),
                                      (TransportPotential.MetadataKey.depth, "1000000000", "tensors can hold"),
                                      (TransportPotential.MetadataKey.classes, "4611686018427387904", "tensors can hold")] {
            try u.save(to: url, extraMetadata: [:])
            let file = try Safetensors.read(from: url)
            var metadata = file.metadata
            metadata[key] = value
            try file.write(to: url, metadata: metadata)
            XCTAssertThrowsError(try TransportPotential.load(from: url)) { error in
                XCTAssertTrue("\(error)".contains(message), "\(key): \(error)")
            }
        }
    }

    /// One NaN weight: refused on load, and refused before writing.
    func testNonFiniteWeightsAreRefused() throws {
        var random = SeededRandom(seed: 1)
        let u = TransportPotential(dimension: 3, classes: 0, width: 8, depth: 1, using: &random)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("genot-map-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try u.save(to: url)
        let file = try Safetensors.read(from: url)
        var tensors = file.names.map { ($0, file.tensors[$0]!) }
        tensors[tensors.firstIndex { $0.0 == "u.layers.1.bias" }!].1 = Tensor(shape: [1], storage: [.nan])
        try Safetensors.write(tensors, metadata: file.metadata, to: url)
        XCTAssertThrowsError(try TransportPotential.load(from: url)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .nonFinite, "\(error)")
        }
        u.parameters[0].tensor.storage[0] = .infinity
        let before = try Data(contentsOf: url)
        XCTAssertThrowsError(try u.save(to: url)) { XCTAssertEqual(($0 as? FileError)?.kind, .nonFinite) }
        XCTAssertEqual(try Data(contentsOf: url), before, "the file keeps its previous contents")
    }
}
