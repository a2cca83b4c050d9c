import ArgumentParser
import GenOTBench
import GenOTTensor

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed and memory (medians; run scripts/bench/*.py alongside for PyTorch).",
        subcommands: [Core.self, Memory.self, VAE.self, Transport.self, Allreduce.self])

    struct Core: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "GEMM through the Tensor API vs raw cblas, and the HJ-shaped training step.")
        @OptionGroup var threads: ThreadOptions
        @Option(parsing: .unconditional, help: "Timed HJ steps (after 5 warm-up steps).") var steps = 50
        @Flag(help: "Also print where the HJ step's time goes, by op.") var profile = false
        @Flag(help: "Time only the HJ step (skip the GEMM comparison).") var skipGemm = false

        func validate() throws {
            guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        }

        func run() {
            threads.apply()
            CoreBenchmark.run(steps: steps, profile: profile, gemm: !skipGemm) { print($0) }
        }
    }

    struct Memory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resident memory over many HJ training steps (it must stay flat).")
        @OptionGroup var threads: ThreadOptions
        @Option(parsing: .unconditional, help: "Training steps to run.") var steps = 1000

        func validate() throws {
            guard steps >= 10 else { throw ValidationError("--steps must be at least 10, got \(steps)") }
        }

        func run() {
            threads.apply()
            CoreBenchmark.memory(steps: steps) { print($0) }
        }
    }
}

extension BenchCommand {
    struct VAE: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vae",
            abstract: "The conv-VAE training step (batch 128, d = 16), as scripts/bench/torch_vae_step.py times it.")
        @OptionGroup var threads: ThreadOptions
        @Option(parsing: .unconditional, help: "Timed steps (after 10 warm-up steps).") var steps = 50
        @Flag(help: "Also print where the step's time goes, by op.") var profile = false

        func validate() throws {
            guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        }

        func run() {
            threads.apply()
            VAEBenchmark.run(steps: steps, profile: profile) { print($0) }
        }
    }
}

/// `--threads`, common to every command that does heavy math.
struct ThreadOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "OpenBLAS threads (default: all cores).") var threads: Int?

    func validate() throws {
        if let threads { try requireFlag("--threads", threads, in: 1...256) }
    }

    func apply() { if let threads { BLAS.setThreadCount(threads) } }
}

extension BenchCommand {
    struct Transport: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One train-transport step of the MNIST latent map (synthetic latents); under mpirun, over the ranks (docs/mpi.md).")
        @OptionGroup var threads: ThreadOptions
        @Option(parsing: .unconditional, help: "Timed steps (after 5 warm-up steps).") var steps = 50

        func validate() throws { try requireFlag("--steps", steps, in: 1...100_000) }

        func run() throws {
            threads.apply()
            try TransportStepBenchmark.run(steps: steps) { say($0) }
        }
    }

    struct Allreduce: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The sum over MPI ranks of the transport map's and the VAE's gradients (run under mpirun with gen-ot built with MPI).")
        @Option(parsing: .unconditional, help: "Timed sums per size (after 5 warm-up sums).") var runs = 200

        func validate() throws { try requireFlag("--runs", runs, in: 1...100_000) }

        func run() throws {
            let (map, vae) = try TransportStepBenchmark.modelParameterCounts()
            say("parameters: transport map \(map), VAE \(vae)")
            TransportStepBenchmark.allreduce(counts: [map, vae], runs: runs) { say($0) }
        }
    }
}
