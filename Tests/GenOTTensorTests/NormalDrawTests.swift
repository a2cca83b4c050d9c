import Foundation
@testable import GenOTTensor
import GenOTLanes
#if arch(x86_64)
import GenOTLanesWide
#endif
import XCTest

/// `SeededRandom.normal` draws Box–Muller pairs a vector at a time: the
/// angle's cosine and sine against libm, the draws' distribution, and the
/// same values from both kernel builds.
final class NormalDrawTests: XCTestCase {
    func testCosineAndSineOfTurnsMatchLibm() {
        func check(_ name: String, _ f: (Float) -> (Float, Float)) {
            var worst: Double = 0
            for k in 0..<4096 {
                let u = Float(k) / 4096 + 1 / 8192
                let (c, s) = f(u)
                worst = max(worst, abs(Double(c) - Foundation.cos(2 * Double.pi * Double(u))),
                            abs(Double(s) - Foundation.sin(2 * Double.pi * Double(u))))
            }
            XCTAssertLessThan(worst, 3e-7, "\(name): worst absolute error \(worst)")
            // Quarter turns exactly (the quadrant boundaries).
            for (u, c, s): (Float, Float, Float) in [(0, 1, 0), (0.25, 0, 1), (0.5, -1, 0), (0.75, 0, -1)] {
                let (x, y) = f(u)
                XCTAssertEqual(x, c, accuracy: 1e-7, "\(name) cos at \(u) turns")
                XCTAssertEqual(y, s, accuracy: 1e-7, "\(name) sin at \(u) turns")
            }
        }
        check("8 lanes") { let r = GenOTLanes.VectorMath.cosSinOfTurns(GenOTLanes.Lanes(repeating: $0)); return (r.cos[0], r.sin[0]) }
        #if arch(x86_64)
        if VectorUnit.wide(cpuFlags: BLASCore.cpuFlags(), setting: nil) {
            check("16 lanes") { let r = GenOTLanesWide.VectorMath.cosSinOfTurns(GenOTLanesWide.Lanes(repeating: $0)); return (r.cos[0], r.sin[0]) }
        }
        #endif
    }

    /// 200 000 draws: moments within a few standard errors of N(0, 1), the
    /// two halves (cosine and sine of the same pairs) uncorrelated, tail
    /// frequencies as the normal's, every value finite.
    func testDrawsAreStandardNormal() {
        var random = SeededRandom(seed: 5)
        let n = 200_001   // odd: the last pair gives one draw
        let z = random.normal([n]).storage.map(Double.init)
        XCTAssertEqual(z.count, n)
        XCTAssertTrue(z.allSatisfy(\.isFinite))
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        let kurtosis = z.reduce(0) { $0 + pow($1 - mean, 4) } / Double(n) / (variance * variance)
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.01)
        XCTAssertEqual(kurtosis, 3, accuracy: 0.05)
        let pairs = (n + 1) / 2
        let correlation = (0..<(n - pairs)).reduce(0) { $0 + z[$1] * z[pairs + $1] } / Double(n - pairs)
        XCTAssertEqual(correlation, 0, accuracy: 0.01)
        for (k, expected) in [(1.0, 0.3173), (2.0, 0.0455), (3.0, 0.0027)] {
            let fraction = Double(z.filter { abs($0) > k }.count) / Double(n)
            XCTAssertEqual(fraction, expected, accuracy: 4 * (expected * (1 - expected) / Double(n)).squareRoot() + 1e-4, "P(|z| > \(k))")
        }
        var shifted = SeededRandom(seed: 5)
        let scaled = shifted.normal([n], mean: 3, std: 2).storage
        for i in stride(from: 0, to: n, by: 997) { XCTAssertEqual(Double(scaled[i]), 3 + 2 * z[i], accuracy: 1e-5) }
    }

    #if arch(x86_64)
    func testBuildsDrawTheSameValues() {
        guard VectorUnit.wide(cpuFlags: BLASCore.cpuFlags(), setting: nil) else {
            XCTAssertFalse(VectorUnit.isWide, "the 16-lane build runs on a CPU without AVX-512")
            return
        }
        for count in [1, 7, 8, 9, 16, 17, 33, 100] {
            var local = SeededRandom(seed: UInt64(count))
            let u1 = local.uniform([count]).storage.map { $0 + 0x1p-30 }, u = local.uniform([count]).storage
            func run(_ kernels: KernelTable) -> [UInt32] {
                var first = u1, second = u
                first.withUnsafeMutableBufferPointer { f in
                    second.withUnsafeMutableBufferPointer { s in kernels.normalPairs(f.baseAddress!, s.baseAddress!, count, 0.5, 2) }
                }
                return (first + second).map(\.bitPattern)
            }
            XCTAssertEqual(run(GenOTLanes.kernelTable), run(GenOTLanesWide.kernelTable), "\(count) pairs")
        }
    }
    #endif
}
