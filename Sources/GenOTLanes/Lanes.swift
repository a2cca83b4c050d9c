// The vector these kernels are written for. The same sources build two
// modules (Package.swift): GenOTLanes with 8 lanes, compiled for AVX2 + FMA,
// and on x86-64 GenOTLanesWide with 16 lanes, compiled for AVX-512, which
// GenOTTensor runs when the CPU has it (`VectorUnit`). Every kernel applies
// the same operations to each element at either width, so both builds give
// the same values bit for bit, except where a kernel sums across lanes
// (`RadialKernelSum`'s totals, summed in another order).

#if GENOT_WIDE_LANES
public typealias Lanes = SIMD16<Float>
typealias LaneBits = SIMD16<Int32>
#else
public typealias Lanes = SIMD8<Float>
typealias LaneBits = SIMD8<Int32>
#endif

/// Elements per vector (a computed constant, not a stored global, so that
/// it folds into the loops: a global's lazy initialisation hid it from the
/// optimiser, which then took vectors apart lane by lane).
@inline(__always) var laneCount: Int { Lanes.scalarCount }

/// Loads and stores of `Lanes` at element offsets; `n` < laneCount elements
/// at the end of an array go through a zero-padded vector, so that every
/// element sees the body's arithmetic.
enum LaneMemory {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int, _ n: Int = laneCount) -> Lanes {
        if n == laneCount { return UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self) }
        var v = Lanes(repeating: 0)
        for j in 0..<n { v[j] = p[i + j] }
        return v
    }

    @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, _ i: Int, _ n: Int = laneCount) {
        if n == laneCount { UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Lanes.self); return }
        for j in 0..<n { p[i + j] = v[j] }
    }

    /// Calls `body(start, n)` for blocks of n = laneCount elements, then
    /// once for the shorter rest if any (a separate call, so that the loop's
    /// loads and stores are whole vectors).
    @inline(__always)
    static func forEachBlock(_ count: Int, _ body: (Int, Int) -> Void) {
        var i = 0
        while i + laneCount <= count {
            body(i, laneCount)
            i += laneCount
        }
        if i < count { body(i, count - i) }
    }
}
