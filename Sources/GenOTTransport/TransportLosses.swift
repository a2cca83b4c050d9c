/// Losses of one step (L_MMD averaged over the step's classes).
public struct TransportLosses: Sendable {
    public var hj: Float
    public var mmd: Float
    /// E‖∇u(x,t) − ∇u(x0,0)‖² when the gradient-consistency term is on (else 0).
    public var gradientGap: Float
    /// RMS of T(x̂) − y over the dual term's preimages x̂ (0 when it is off).
    public var dualResidual: Float
    public var learningRate: Float
}
