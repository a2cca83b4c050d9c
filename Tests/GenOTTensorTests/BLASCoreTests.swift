import GenOTTensor
import XCTest

/// The decision table of `BLASCore.choice`: which OpenBLAS core gen-ot runs
/// for each detected core, CPU and environment.
final class BLASCoreTests: XCTestCase {
    let avx512: Set<String> = ["sse2", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
    let avx2: Set<String> = ["sse2", "avx", "avx2", "fma"]
    let avx: Set<String> = ["sse2", "avx"]
    let sse: Set<String> = ["sse2", "sse4_2"]

    func choice(_ detected: String, _ flags: Set<String>, requested: String? = nil, setting: String? = nil) -> String? {
        BLASCore.choice(detected: detected, cpuFlags: flags, requested: requested, setting: setting)
    }

    func testGenericCoreOnWiderCPUIsUpgraded() {
        XCTAssertEqual(choice("Prescott", avx512), "SkylakeX")
        XCTAssertEqual(choice("Prescott", avx2), "Haswell")
        XCTAssertEqual(choice("Nehalem", avx), "Sandybridge")
        XCTAssertEqual(choice("Haswell", avx512), "SkylakeX")
        XCTAssertEqual(choice("Zen", avx512), "SkylakeX")
        XCTAssertEqual(choice("Sandybridge", avx2), "Haswell")
    }

    func testMatchingCoreIsKept() {
        XCTAssertNil(choice("SkylakeX", avx512))
        XCTAssertNil(choice("Cooperlake", avx512))
        XCTAssertNil(choice("Haswell", avx2))
        XCTAssertNil(choice("Zen", avx2))
        XCTAssertNil(choice("Prescott", sse))
        // A core wider than the flags claim (flags unreadable) is not narrowed.
        XCTAssertNil(choice("SkylakeX", []))
    }

    /// AVX-512 without all of F, CD, BW, DQ and VL cannot run SkylakeX's kernels.
    func testPartialAVX512FallsBackToHaswell() {
        XCTAssertEqual(choice("Prescott", avx2.union(["avx512f", "avx512cd"])), "Haswell")
    }

    func testUserSettingsWin() {
        XCTAssertNil(choice("Prescott", avx512, requested: "Prescott"))
        XCTAssertNil(choice("Prescott", avx512, requested: "Haswell"))
        XCTAssertNil(choice("Prescott", avx512, setting: "keep"))
        XCTAssertNil(choice("Prescott", avx512, setting: "KEEP"))
        XCTAssertEqual(choice("Prescott", avx512, requested: ""), "SkylakeX")
    }

    func testCPUInfoFlagsAreRead() {
        let cpuinfo = "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 avx avx2 fma\nbugs\t\t: none\n"
        XCTAssertEqual(BLASCore.cpuFlags(cpuinfo: cpuinfo), ["fpu", "sse2", "avx", "avx2", "fma"])
        XCTAssertEqual(BLASCore.cpuFlags(cpuinfo: "no flags here"), [])
        XCTAssertEqual(BLASCore.cpuFlags(cpuinfo: nil), [])
    }

    func testCurrentCoreIsNamed() {
        XCTAssertFalse(BLASCore.current.isEmpty)
    }
}
