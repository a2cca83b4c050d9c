import GenOTTensor

/// Pointwise nonlinearities selectable by name (`--activation silu`).
public enum Activation: String, CaseIterable, Sendable {
    case silu
    /// SiLU(4x)/4: SiLU bending 4× faster (closer to a ReLU) while staying
    /// smooth. Between two Linear layers it is SiLU with the first layer ×4
    /// and the next ×1/4, so it represents the same functions; what changes
    /// is the start (sharper bends at PyTorch's init) and Adam's effective
    /// steps, which let a potential's gradient turn quickly across the gaps
    /// between clusters (scripts/diagnostics/README.md). Computed as
    /// x·σ(4x), one fused pass like SiLU's.
    case silu4
    case softplus, tanh, relu

    /// The activations u_θ may use: it is differentiated twice, which rules out ReLU.
    public static let smooth = allCases.filter { $0 != .relu }

    /// `silu, silu4, softplus or tanh`: the smooth ones, for messages.
    public static var smoothNames: String {
        let names = smooth.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .silu: x.silu()
        case .softplus: x.softplus()
        case .tanh: x.tanh()
        case .relu: x.relu()
        case .silu4: x.silu(sharpness: 4)
        }
    }
}
