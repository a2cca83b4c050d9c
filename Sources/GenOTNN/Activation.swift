import GenOTTensor

/// Pointwise nonlinearities selectable by name (`--activation silu`).
public enum Activation: String, CaseIterable, Sendable {
    case silu, softplus, tanh, relu
    /// SiLU(4x)/4: SiLU bending 4× faster (closer to a ReLU) while staying
    /// smooth, so a potential's gradient can change quickly across the gaps
    /// between clusters (scripts/diagnostics/README.md).
    case silu4

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .silu: x.silu()
        case .softplus: x.softplus()
        case .tanh: x.tanh()
        case .relu: x.relu()
        case .silu4: x.scaled(by: 4).silu().scaled(by: 0.25)
        }
    }
}
