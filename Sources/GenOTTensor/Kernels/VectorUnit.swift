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
        if isWide {
            return "AVX-512, 16 lanes (GENOT_VECTOR=avx2 for 8); one-thread products: "
                + (MatrixKernel.isAvailable ? "gen-ot's kernel (GENOT_GEMM=openblas for OpenBLAS)" : "OpenBLAS (GENOT_GEMM=openblas)")
        }
        let kept = ProcessInfo.processInfo.environment["GENOT_VECTOR"]?.lowercased() == "avx2"
        return "AVX2 + FMA, 8 lanes" + (kept ? " (GENOT_VECTOR=avx2)" : "")
    }

    /// The kernels of the build that runs.
    static let kernels: KernelTable = {
        #if arch(x86_64)
        if isWide { return GenOTLanesWide.kernelTable }
        #endif
        return GenOTLanes.kernelTable
    }()
}
