/// This build's kernels as one value whose type both builds share (a tuple
/// of function types is the same type in either module), so that
/// GenOTTensor picks a build with a single choice (`VectorUnit`).
public typealias KernelTable = (
    exp: ElementMap, sigmoid: ElementMap, softplus: ElementMap,
    silu: @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int, Float) -> Void,
    siluDerivative: @Sendable (Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                               UnsafeMutablePointer<Float>, Int, Float) -> Void,
    siluDerivativeBackward: @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>?,
                                       Int, Float, UnsafeMutablePointer<Float>?, Bool, UnsafeMutablePointer<Float>?, Bool) -> Void,
    expSum: @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, [Float], [Float]) -> Void,
    logisticLoss: @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
    logisticResidual: @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
    radialKernelSum: @Sendable (UnsafeMutableBufferPointer<Float>, Int, Int, [Float], [Float], [Float], [Float], [Int],
                                [Float], Float) -> (value: Double, rowSums: [Float]),
    singleChannelForward: @Sendable (WindowGeometry, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>?,
                                     UnsafeMutablePointer<Float>) -> Void,
    singleChannelTransposed: @Sendable (WindowGeometry, UnsafePointer<Float>, UnsafePointer<Float>, Float?,
                                        UnsafeMutablePointer<Float>) -> Void,
    singleChannelWeightGradient: @Sendable (WindowGeometry, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
    normalPairs: @Sendable (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int, Float, Float) -> Void
)

/// y = f(x) over `count` elements.
public typealias ElementMap = @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void

/// A `SingleChannelConvolution`'s geometry as plain numbers.
public typealias WindowGeometry = (batch: Int, height: Int, width: Int, stride: Int, padding: Int, outputs: Int)

/// The kernels of this build.
public let kernelTable: KernelTable = (
    exp: { LaneKernels.exp($0, $1, count: $2) },
    sigmoid: { LaneKernels.sigmoid($0, $1, count: $2) },
    softplus: { LaneKernels.softplus($0, $1, count: $2) },
    silu: { LaneKernels.silu($0, sigmoid: $1, product: $2, count: $3, sharpness: $4) },
    siluDerivative: { LaneKernels.siluDerivative($0, $1, sigmoid: $2, $3, $4, count: $5, sharpness: $6) },
    siluDerivativeBackward: {
        LaneKernels.siluDerivativeBackward($0, sigmoid: $1, $2, $3, count: $4, sharpness: $5,
                                           first: $6, addFirst: $7, second: $8, addSecond: $9)
    },
    expSum: { LaneKernels.expSum($0, $1, count: $2, rates: $3, weights: $4) },
    logisticLoss: { LaneKernels.logisticLoss($0, $1, $2, count: $3) },
    logisticResidual: { LaneKernels.logisticResidual($0, $1, $2, $3, count: $4) },
    radialKernelSum: {
        RadialKernelSum.apply($0, rows: $1, columns: $2, rowSquares: $3, columnSquares: $4, valueWeights: $5,
                              slopeWeights: $6, skip: $7, rates: $8, rootEpsilon: $9)
    },
    singleChannelForward: { SingleChannelConvolution($0).forward($1, $2, bias: $3, $4) },
    singleChannelTransposed: { SingleChannelConvolution($0).transposed($1, $2, bias: $3, $4) },
    singleChannelWeightGradient: { SingleChannelConvolution($0).weightGradient($1, $2, $3) },
    normalPairs: { NormalPairs.transform($0, $1, count: $2, mean: $3, std: $4) }
)

/// The window side the one-channel kernels compute (4 × 4 windows).
public let singleChannelWindow = SingleChannelConvolution.kernel
