import GenOTTensor

/// Pointwise nonlinearities selectable by name (`--activation silu`).
public enum Activation: String, CaseIterable, Sendable {
    case silu, softplus, tanh, relu
    /// SiLU(4x)/4: SiLU bending 4× faster (closer to a ReLU) while staying
    /// smooth. Between two Linear layers it is SiLU with the first layer ×4
    /// and the next ×1/4, so it represents the same functions; what changes
    /// is the start (sharper bends at PyTorch's init) and Adam's effective
    /// steps, which let a potential's gradient turn quickly across the gaps
    /// between clusters (scripts/diagnostics/README.md). Computed as
    /// x·σ(4x), one fused pass like SiLU's.
    case silu4

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
