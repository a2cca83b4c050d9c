import Foundation
import GenOTLanes
#if arch(x86_64)
import GenOTLanesWide
#endif

/// Which build of the arithmetic-bound kernels (module GenOTLanes) runs:
/// the one with 16-float vectors, compiled for AVX-512, when the CPU has
/// AVX-512 F, CD, BW, DQ and VL, else the one with 8, compiled for AVX2 +
/// FMA. Both give the same values (see GenOTLanes' `Lanes`).
/// `GENOT_VECTOR=avx2` keeps the 8-lane build on any CPU.
public enum VectorUnit {
    /// The choice for a CPU with these /proc/cpuinfo flags and this
    /// `GENOT_VECTOR` setting: true for the 16-lane build.
    public static func wide(cpuFlags: Set<String>, setting: String?) -> Bool {
        #if arch(x86_64)
        if setting?.lowercased() == "avx2" { return false }
        return BLASCore.level(ofCPUFlags: cpuFlags) == .avx512
        #else
        return false
        #endif
    }

    /// The choice this process made, once, at first use.
    public static let isWide = wide(cpuFlags: BLASCore.cpuFlags(),
                                    setting: ProcessInfo.processInfo.environment["GENOT_VECTOR"])

    /// For reports: the build that runs, and how to change it.
    public static var summary: String {
        if isWide { return "AVX-512, 16 lanes (GENOT_VECTOR=avx2 for 8)" }
        let kept = ProcessInfo.processInfo.environment["GENOT_VECTOR"]?.lowercased() == "avx2"
        return "AVX2 + FMA, 8 lanes" + (kept ? " (GENOT_VECTOR=avx2)" : "")
    }

    /// The kernels of the build that runs.
    static let kernels: LaneKernelSet = isWide ? .wide : .narrow
}

/// One build's kernels as function values, so that each call site picks
/// the build in one place.
struct LaneKernelSet: Sendable {
    typealias Map = @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    let exp, sigmoid, softplus: Map
    let silu: @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int, Float) -> Void
    let siluDerivative: @Sendable (Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                                   UnsafeMutablePointer<Float>, Int, Float) -> Void
    let siluDerivativeBackward: @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>?,
                                           Int, Float, UnsafeMutablePointer<Float>?, Bool, UnsafeMutablePointer<Float>?, Bool) -> Void
    let expSum: @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, [Float], [Float]) -> Void
    let logisticLoss: @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    let logisticResidual: @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    let radialKernelSum: @Sendable (UnsafeMutableBufferPointer<Float>, Int, Int, [Float], [Float], [Float], [Float], [Int],
                                    [Float], Float) -> (value: Double, rowSums: [Float])
    typealias Single = GenOTLanes.SingleChannelConvolution
    let singleChannelForward: @Sendable (Single, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>?,
                                         UnsafeMutablePointer<Float>) -> Void
    let singleChannelTransposed: @Sendable (Single, UnsafePointer<Float>, UnsafePointer<Float>, Float?, UnsafeMutablePointer<Float>) -> Void
    let singleChannelWeightGradient: @Sendable (Single, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void

    static let narrow = LaneKernelSet(
        exp: { GenOTLanes.LaneKernels.exp($0, $1, count: $2) },
        sigmoid: { GenOTLanes.LaneKernels.sigmoid($0, $1, count: $2) },
        softplus: { GenOTLanes.LaneKernels.softplus($0, $1, count: $2) },
        silu: { GenOTLanes.LaneKernels.silu($0, sigmoid: $1, product: $2, count: $3, sharpness: $4) },
        siluDerivative: { GenOTLanes.LaneKernels.siluDerivative($0, $1, sigmoid: $2, $3, $4, count: $5, sharpness: $6) },
        siluDerivativeBackward: {
            GenOTLanes.LaneKernels.siluDerivativeBackward($0, sigmoid: $1, $2, $3, count: $4, sharpness: $5,
                                                          first: $6, addFirst: $7, second: $8, addSecond: $9)
        },
        expSum: { GenOTLanes.LaneKernels.expSum($0, $1, count: $2, rates: $3, weights: $4) },
        logisticLoss: { GenOTLanes.LaneKernels.logisticLoss($0, $1, $2, count: $3) },
        logisticResidual: { GenOTLanes.LaneKernels.logisticResidual($0, $1, $2, $3, count: $4) },
        radialKernelSum: {
            GenOTLanes.RadialKernelSum.apply($0, rows: $1, columns: $2, rowSquares: $3, columnSquares: $4, valueWeights: $5,
                                             slopeWeights: $6, skip: $7, rates: $8, rootEpsilon: $9)
        },
        singleChannelForward: { $0.forward($1, $2, bias: $3, $4) },
        singleChannelTransposed: { $0.transposed($1, $2, bias: $3, $4) },
        singleChannelWeightGradient: { $0.weightGradient($1, $2, $3) })

    #if arch(x86_64)
    static let wide = LaneKernelSet(
        exp: { GenOTLanesWide.LaneKernels.exp($0, $1, count: $2) },
        sigmoid: { GenOTLanesWide.LaneKernels.sigmoid($0, $1, count: $2) },
        softplus: { GenOTLanesWide.LaneKernels.softplus($0, $1, count: $2) },
        silu: { GenOTLanesWide.LaneKernels.silu($0, sigmoid: $1, product: $2, count: $3, sharpness: $4) },
        siluDerivative: { GenOTLanesWide.LaneKernels.siluDerivative($0, $1, sigmoid: $2, $3, $4, count: $5, sharpness: $6) },
        siluDerivativeBackward: {
            GenOTLanesWide.LaneKernels.siluDerivativeBackward($0, sigmoid: $1, $2, $3, count: $4, sharpness: $5,
                                                              first: $6, addFirst: $7, second: $8, addSecond: $9)
        },
        expSum: { GenOTLanesWide.LaneKernels.expSum($0, $1, count: $2, rates: $3, weights: $4) },
        logisticLoss: { GenOTLanesWide.LaneKernels.logisticLoss($0, $1, $2, count: $3) },
        logisticResidual: { GenOTLanesWide.LaneKernels.logisticResidual($0, $1, $2, $3, count: $4) },
        radialKernelSum: {
            GenOTLanesWide.RadialKernelSum.apply($0, rows: $1, columns: $2, rowSquares: $3, columnSquares: $4, valueWeights: $5,
                                                 slopeWeights: $6, skip: $7, rates: $8, rootEpsilon: $9)
        },
        singleChannelForward: { wide($0).forward($1, $2, bias: $3, $4) },
        singleChannelTransposed: { wide($0).transposed($1, $2, bias: $3, $4) },
        singleChannelWeightGradient: { wide($0).weightGradient($1, $2, $3) })

    /// The same geometry as the wide build's type.
    private static func wide(_ g: Single) -> GenOTLanesWide.SingleChannelConvolution {
        GenOTLanesWide.SingleChannelConvolution(batch: g.batch, height: g.height, width: g.width,
                                                stride: g.stride, padding: g.padding, outputs: g.outputs)
    }
    #else
    static let wide = narrow
    #endif
}
