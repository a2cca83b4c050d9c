import GenOTTensor

/// Parameter initialisation, as trainable leaf tensors.
public enum Init {
    /// U(−b, b) with b = gain·√(3 / fanIn) (He/Kaiming uniform). With
    /// gain = 1/√3 this is PyTorch's default for Linear and Conv: b = 1/√fanIn.
    public static func kaimingUniform(_ shape: [Int], fanIn: Int, gain: Float = 1 / Float(3).squareRoot(),
                                      using random: inout SeededRandom) -> Tensor {
        let bound = gain * (3 / Float(fanIn)).squareRoot()
        return random.uniform(shape, low: -bound, high: bound).requiringGrad()
    }

    /// U(−1/√fanIn, 1/√fanIn), PyTorch's bias default.
    public static func bias(_ count: Int, fanIn: Int, using random: inout SeededRandom) -> Tensor {
        let bound = 1 / Float(fanIn).squareRoot()
        return random.uniform([count], low: -bound, high: bound).requiringGrad()
    }
}
