import GenOTTensor

/// Pointwise nonlinearities selectable by name (`--activation silu`).
public enum Activation: String, CaseIterable, Sendable {
    case silu, softplus, tanh, relu

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .silu: x.silu()
        case .softplus: x.softplus()
        case .tanh: x.tanh()
        case .relu: x.relu()
        }
    }
}
