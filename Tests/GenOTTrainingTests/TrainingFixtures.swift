import Foundation
import GenOTData
import GenOTTensor

/// Tiny labelled image sets and scratch folders for the trainer tests.
enum TrainingFixtures {
    /// Class 0: a horizontal bar, class 1: a vertical bar, at a random place;
    /// images [count, 1, 28, 28] in [0, 1], as `Datasets.load` gives them.
    static func bars(count: Int, seed: UInt64) -> LabeledImages {
        var random = SeededRandom(seed: seed)
        var pixels = [Float](repeating: 0, count: count * 784)
        for n in 0..<count {
            let at = 4 + Int(random.nextUniform() * 18)
            for i in 0..<28 {
                for j in 0..<28 {
                    let onBar = n % 2 == 0 ? (i >= at && i < at + 3 && j >= 3 && j < 25) : (j >= at && j < at + 3 && i >= 3 && i < 25)
                    pixels[n * 784 + i * 28 + j] = onBar ? 0.9 : 0.05 * random.nextUniform()
                }
            }
        }
        return LabeledImages(images: Tensor(shape: [count, 1, 28, 28], storage: pixels), labels: (0..<count).map { $0 % 2 })
    }
}
