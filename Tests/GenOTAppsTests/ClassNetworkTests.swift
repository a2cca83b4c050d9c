import Foundation
import GenOTApps
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
import GenOTTransport
import XCTest

/// Retraining one class (`train-transport --class c` on an existing map)
/// leaves every other class's map exactly as it was.
final class ClassNetworkTests: XCTestCase {
    func testRetrainingOneClassKeepsTheOthers() throws {
        var random = SeededRandom(seed: 1)
        let targets = (0..<3).map { c in random.normal([300, 2]) + Float(c) }
        let problem = LatentTransport.problem(targets: targets)
        var config = TransportConfig()
        config.width = 8; config.depth = 1; config.steps = 5; config.gaussianBase = true
        let first = try TransportTrainer(problem: problem, config: config)
        try first.train(progress: false)
        let existing = first.potential
        let x = random.normal([20, 2])
        let before = (0..<3).map { existing.forwardMap(x, class: $0) }

        let second = try TransportTrainer(problem: problem, config: config, classes: [1],
                                          potential: existing.trainableCopy(for: 1))
        try second.train(progress: false)
        let merged = existing.withClassNetwork(1, second.potential.network)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("classnet-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try merged.save(to: url)
        let loaded = try TransportPotential.load(from: url)

        XCTAssertEqual(loaded.forwardMap(x, class: 0).storage, before[0].storage)
        XCTAssertEqual(loaded.forwardMap(x, class: 2).storage, before[2].storage)
        XCTAssertNotEqual(loaded.forwardMap(x, class: 1).storage, before[1].storage)
        assertClose(loaded.forwardMap(x, class: 1), second.potential.forwardMap(x, class: 1), rtol: 1e-5, atol: 1e-5)
        // Mixed-class batches route each row to its class's network.
        let mixed = loaded.forwardMap(x, labels: (0..<20).map { $0 % 3 })
        for row in 0..<20 {
            let c = row % 3
            let alone = (c == 1 ? second.potential.forwardMap(x, class: 1) : before[c])
            assertClose(Array(mixed.storage[(2 * row)..<(2 * row + 2)]), Array(alone.storage[(2 * row)..<(2 * row + 2)]),
                        rtol: 1e-4, atol: 1e-4)
        }
    }
}
