import Foundation
import GenOTLanes
#if arch(x86_64)
import GenOTLanesWide
#endif
@testable import GenOTTensor
import GenOTTestSupport
import XCTest

/// The two builds of the arithmetic-bound kernels: which one runs, their
/// accuracy against libm, and that they agree bit for bit.
final class VectorUnitTests: XCTestCase {
    var random = SeededRandom(seed: 33)

    func testTheWideBuildRunsOnlyWithAVX512() {
        let avx512: Set<String> = ["avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        #if arch(x86_64)
        XCTAssertTrue(VectorUnit.wide(cpuFlags: avx512, setting: nil))
        #endif
        XCTAssertFalse(VectorUnit.wide(cpuFlags: avx512, setting: "avx2"))
        XCTAssertFalse(VectorUnit.wide(cpuFlags: avx512, setting: "AVX2"))
        XCTAssertFalse(VectorUnit.wide(cpuFlags: ["avx2", "fma", "avx512f"], setting: nil), "AVX-512 F alone is not enough")
        XCTAssertFalse(VectorUnit.wide(cpuFlags: ["avx2", "fma"], setting: nil))
        XCTAssertFalse(VectorUnit.wide(cpuFlags: [], setting: nil))
        XCTAssertEqual(VectorUnit.isWide, VectorUnit.wide(cpuFlags: BLASCore.cpuFlags(),
                                                          setting: ProcessInfo.processInfo.environment["GENOT_VECTOR"]))
    }

    /// The builds this CPU can run (the wide one only with AVX-512).
    var builds: [(name: String, kernels: KernelTable)] {
        #if arch(x86_64)
        if VectorUnit.wide(cpuFlags: BLASCore.cpuFlags(), setting: nil) {
            return [("8 lanes", GenOTLanes.kernelTable), ("16 lanes", GenOTLanesWide.kernelTable)]
        }
        #endif
        return [("8 lanes", GenOTLanes.kernelTable)]
    }

    func testLogAndSoftplusMatchLibm() {
        func check(_ name: String, log: (Float) -> Float, softplus: (Float) -> Float) {
            var worst: Float = 0
            for e in -30...30 {
                for k in 0..<64 {
                    let x = Float(1 + Double(k) / 64) * Float(Foundation.pow(2.0, Double(e)))
                    worst = max(worst, abs(log(x) - Foundation.log(x)) / max(1, abs(Foundation.log(x))))
                }
            }
            XCTAssertLessThan(worst, 3e-7, "\(name) log: worst relative error \(worst)")
            for z: Float in [-80, -20, -1, 0, 1, 20, 80] {
                let expected = Float(max(Double(z), 0) + Foundation.log1p(Foundation.exp(-abs(Double(z)))))
                XCTAssertEqual(softplus(z), expected, accuracy: 2e-7 * max(1, abs(expected)), "\(name) softplus(\(z))")
            }
        }
        check("8 lanes", log: { GenOTLanes.VectorMath.log(GenOTLanes.Lanes(repeating: $0))[0] },
              softplus: { GenOTLanes.VectorMath.softplus(GenOTLanes.Lanes(repeating: $0))[0] })
        #if arch(x86_64)
        if builds.count > 1 {
            check("16 lanes", log: { GenOTLanesWide.VectorMath.log(GenOTLanesWide.Lanes(repeating: $0))[0] },
                  softplus: { GenOTLanesWide.VectorMath.softplus(GenOTLanesWide.Lanes(repeating: $0))[0] })
        }
        #endif
    }

    /// Every kernel of every build on the same inputs (lengths that leave
    /// tails of every size, values out to exp's clamps): equal bit for bit,
    /// except the radial kernel sum's totals, summed across lanes in
    /// another order.
    func testBuildsAgreeBitForBit() {
        var results: [[String: [Float]]] = []
        for (_, k) in builds {
            var out: [String: [Float]] = [:]
            for n in [1, 7, 8, 15, 16, 17, 33, 100] {
                var local = SeededRandom(seed: UInt64(n))
                let x = local.normal([n], std: 30).storage, s = local.uniform([n]).storage
                let g = local.normal([n]).storage, h = local.normal([n]).storage, y = local.uniform([n]).storage
                func run(_ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
                    var r = [Float](repeating: 0.5, count: n)
                    r.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
                    return r
                }
                out["exp \(n)"] = run { k.exp(x, $0, n) }
                out["sigmoid \(n)"] = run { k.sigmoid(x, $0, n) }
                out["softplus \(n)"] = run { k.softplus(x, $0, n) }
                var sig = [Float](repeating: 0, count: n)
                out["silu \(n)"] = run { p in sig.withUnsafeMutableBufferPointer { k.silu(x, $0.baseAddress!, p, n, 1.7) } }
                out["silu σ \(n)"] = sig
                for order in [1, 2] { out["silu′ \(order) \(n)"] = run { k.siluDerivative(order, x, s, g, $0, n, 1.7) } }
                var second = [Float](repeating: 0.25, count: n)
                out["silu′ back \(n)"] = run { p in second.withUnsafeMutableBufferPointer { k.siluDerivativeBackward(x, s, g, h, n, 1.7, p, true, $0.baseAddress!, false) } }
                out["silu′ back 2 \(n)"] = second
                out["silu back \(n)"] = run { k.siluDerivativeBackward(x, s, g, nil, n, 1.7, $0, true, nil, false) }
                out["expSum \(n)"] = run { k.expSum(x, $0, n, [-0.5, -2, -8], [1, 0.5, 1]) }
                out["bce \(n)"] = run { k.logisticLoss(x, y, $0, n) }
                out["bce′ \(n)"] = run { k.logisticResidual(x, y, g, $0, n) }
                var products = local.normal([3 * n]).storage
                let sums = products.withUnsafeMutableBufferPointer {
                    k.radialKernelSum($0, 3, n, [1, 2, 3], (0..<n).map { Float($0) * 0.1 }, Array(repeating: 1, count: n),
                                      Array(repeating: 0.5, count: n), [-1, min(3, n - 1), 0], [-0.5, -2], 0)
                }
                out["radial W \(n)"] = products
                out["radial rows \(n)"] = sums.rowSums
            }
            // The one-channel convolutions, O = 20 (a vector and a part).
            // 9 × 8 images, 4 × 4 windows at stride 2 and padding 1: 4 × 4 positions.
            var local = SeededRandom(seed: 99)
            let conv: WindowGeometry = (batch: 2, height: 9, width: 8, stride: 2, padding: 1, outputs: 20)
            let image = local.normal([2 * 9 * 8]).storage, w = local.normal([20 * 16]).storage
            let other = local.normal([2 * 4 * 4 * 20]).storage, bias = local.normal([20]).storage
            var forward = [Float](repeating: 0, count: other.count), back = image, dw = w
            forward.withUnsafeMutableBufferPointer { k.singleChannelForward(conv, image, w, bias, $0.baseAddress!) }
            back.withUnsafeMutableBufferPointer { k.singleChannelTransposed(conv, other, w, 0.5, $0.baseAddress!) }
            dw.withUnsafeMutableBufferPointer { k.singleChannelWeightGradient(conv, image, other, $0.baseAddress!) }
            out["conv forward"] = forward
            out["conv transposed"] = back
            out["conv weight"] = dw
            results.append(out)
        }
        guard results.count > 1 else {
            XCTAssertFalse(VectorUnit.isWide, "the 16-lane build runs on a CPU without AVX-512")
            return
        }
        for (key, narrow) in results[0] {
            let wide = results[1][key]!
            if key.hasPrefix("radial rows") {
                for (a, b) in zip(narrow, wide) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(a)), key) }
            } else {
                XCTAssertEqual(narrow.map(\.bitPattern), wide.map(\.bitPattern), key)
            }
        }
    }
}
