import GenOTTensor

/// Small synthetic 28×28 image sets made by the tests (no dataset needed).
enum SyntheticImages {
    /// Class 0: a horizontal bar, class 1: a vertical bar, at a random
    /// position and brightness, on faint noise. images [n, 28, 28, 1] in [0, 1].
    static func bars(count: Int, seed: UInt64) -> (images: Tensor, labels: [Int]) {
        var random = SeededRandom(seed: seed)
        var pixels = [Float](repeating: 0, count: count * 784)
        var labels: [Int] = []
        for n in 0..<count {
            let label = n % 2
            let at = 4 + Int(random.nextUniform() * 18), brightness = 0.6 + 0.4 * random.nextUniform()
            for i in 0..<28 {
                for j in 0..<28 {
                    let onBar = label == 0 ? (i >= at && i < at + 3 && j >= 3 && j < 25) : (j >= at && j < at + 3 && i >= 3 && i < 25)
                    pixels[n * 784 + i * 28 + j] = onBar ? brightness : 0.1 * random.nextUniform()
                }
            }
            labels.append(label)
        }
        return (Tensor(shape: [count, 28, 28, 1], storage: pixels), labels)
    }
}
