import CBLAS
import Foundation
import GenOTTensor

/// `gen-ot speed core`: GEMM through the Tensor API against raw cblas, and
/// the HJ-shaped training step; `gen-ot speed memory`: RSS over many steps.
public enum CoreBenchmark {
    public struct GEMMResult { public let label: String; public let rawGFLOPs: Double; public let tensorGFLOPs: Double }

    /// Median GFLOP/s of c = a·b for a: [m, k], b: [k, n], raw and through `matmul`.
    public static func gemm(m: Int, n: Int, k: Int, runs: Int) -> GEMMResult {
        var random = SeededRandom(seed: 1)
        let a = random.normal([m, k]), b = random.normal([k, n])
        var c = [Float](repeating: 0, count: m * n)
        let flops = 2 * Double(m) * Double(n) * Double(k)
        // Interleave the two so that machine noise hits both alike.
        var raw: [Double] = [], api: [Double] = []
        for run in 0..<(runs + 2) {
            let r = Timing.seconds {
                a.storage.withUnsafeBufferPointer { pa in
                    b.storage.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                                        pa.baseAddress, Int32(k), pb.baseAddress, Int32(n), 0, pc.baseAddress, Int32(n))
                        }
                    }
                }
            }
            let t = Timing.seconds { _ = withoutGradient { a.matmul(b) } }
            if run >= 2 { raw.append(r); api.append(t) }
        }
        return GEMMResult(label: "\(m)×\(n)×\(k)", rawGFLOPs: flops / Timing.median(raw) / 1e9,
                          tensorGFLOPs: flops / Timing.median(api) / 1e9)
    }

    public static func run(steps: Int, profile: Bool, gemm includeGEMM: Bool = true, print: (String) -> Void) {
        print("threads: \(BLAS.threadCount) (OpenBLAS), core: \(BLASCore.summary), kernels: \(VectorUnit.summary)")
        func answer(_ flag: Bool) -> String { flag ? "yes" : "no" }
        print("subnormals flushed to zero: this thread \(answer(Subnormals.areFlushedOnThisThread)), "
              + "every BLAS thread \(answer(Subnormals.areFlushedInBLAS()))")
        for (m, n, k, runs) in [(512, 256, 256, 200), (1024, 1024, 1024, 30)] where includeGEMM {
            let r = gemm(m: m, n: n, k: k, runs: runs)
            print(String(format: "gemm %@  raw cblas %.1f GFLOP/s  Tensor.matmul %.1f GFLOP/s  ratio %.3f",
                         r.label, r.rawGFLOPs, r.tensorGFLOPs, r.tensorGFLOPs / r.rawGFLOPs))
        }
        var bench = HJStepBenchmark()
        let samples = Timing.samples(runs: steps, warmup: 5) { bench.step() }
        print(String(format: "hj_step median_ms=%.2f p25_ms=%.2f p75_ms=%.2f batch=%d steps=%d",
                     Timing.median(samples) * 1e3, Timing.quantile(samples, 0.25) * 1e3,
                     Timing.quantile(samples, 0.75) * 1e3, HJStepBenchmark.batch, steps))
        if profile {
            OpProfiler.start()
            let profiled = 20
            for _ in 0..<profiled { bench.step() }
            let entries = OpProfiler.stop()
            let total = entries.reduce(0) { $0 + $1.seconds }
            print("profile over \(profiled) steps, run unsharded on one thread of ops (time charged to the op that ran it):")
            for entry in entries.prefix(15) {
                print(String(format: "  %-16@ %7.2f ms/step  %5.1f%%  %4d calls/step", entry.op as NSString,
                             entry.seconds / Double(profiled) * 1e3, 100 * entry.seconds / total, entry.calls / profiled))
            }
        }
    }

    /// The training steps `gen-ot speed memory` can run.
    public enum MemoryStep: String, CaseIterable, Sendable { case hj, transport, vae }

    /// Runs `steps` training steps of `kind` and prints resident memory along the way.
    public static func memory(steps: Int, kind: MemoryStep = .hj, print: (String) -> Void) throws {
        // Only the step asked for is built, so its memory is all that is measured.
        var hj = kind == .hj ? HJStepBenchmark() : nil, vae = kind == .vae ? VAEStepBenchmark() : nil
        let transport = kind == .transport ? try TransportStepBenchmark() : nil
        var checkpoints = Set([10, 100, steps])
        checkpoints.insert(steps / 2)
        print("\(kind.rawValue) steps, threads: \(BLAS.threadCount) (OpenBLAS), core: \(BLASCore.summary), kernels: \(VectorUnit.summary)")
        for step in 1...steps {
            switch kind {
            case .hj: hj!.step()
            case .transport: transport!.step()
            case .vae: vae!.step()
            }
            if checkpoints.contains(step) {
                print(String(format: "step %5d  rss %.1f MiB  peak %.1f MiB  live tensors %d", step,
                             ProcessMemory.residentMiB, ProcessMemory.peakMiB, Tensor.liveCount.load(ordering: .relaxed)))
            }
        }
    }
}
