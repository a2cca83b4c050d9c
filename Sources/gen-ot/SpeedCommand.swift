import ArgumentParser
import GenOTSpeed
import GenOTTensor
import GenOTTransport

struct SpeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Measure speed and memory (medians; run scripts/bench/*.py alongside for PyTorch).",
        subcommands: [Core.self, Memory.self, VAE.self, Transport.self, Sample.self, Allreduce.self])

    struct Core: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "GEMM through the Tensor API vs raw cblas, and the HJ-shaped training step.")
        @OptionGroup var threads: ThreadOptions
        @Option(parsing: .unconditional, help: "Timed HJ steps (after 5 warm-up steps).") var steps = 50
        @Flag(help: "Also print where the HJ step's time goes, by op.") var profile = false
        @Flag(help: "Time only the HJ step (skip the GEMM comparison).") var skipGemm = false

        func validate() throws {
            try requireFlag("--steps", steps, in: 1...maxSpeedSteps, because: "each step is timed and kept")
        }

        func run() {
            threads.apply()
            CoreBenchmark.run(steps: steps, profile: profile, gemm: !skipGemm) { print($0) }
        }
    }

    struct Memory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resident memory over many training steps (it must stay flat).")
        @OptionGroup var threads: ThreadOptions
        @Option(parsing: .unconditional, help: "Training steps to run.") var steps = 1000
        @Option(help: "Which step: hj (the HJ-shaped step of speed core), transport (the real HJ + MMD step) or vae.")
        var step = "hj"

        func validate() throws {
            try requireFlag("--steps", steps, in: 10...maxSpeedSteps, because: "a sample of the resident memory per step is kept")
            guard CoreBenchmark.MemoryStep(rawValue: step) != nil else {
                throw ValidationError("--step must be hj, transport or vae, got '\(step)'")
            }
        }

        func run() throws {
            threads.apply()
            try CoreBenchmark.memory(steps: steps, kind: CoreBenchmark.MemoryStep(rawValue: step)!) { print($0) }
        }
    }
}

extension SpeedCommand {
    struct VAE: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vae",
            abstract: "The conv-VAE training step (batch 128, d = 16), as scripts/bench/torch_vae_step.py times it.")
        @OptionGroup var threads: ThreadOptions
        @Option(parsing: .unconditional, help: "Timed steps (after 10 warm-up steps).") var steps = 50
        @Flag(help: "Also print where the step's time goes, by op.") var profile = false
        @Option(parsing: .unconditional, help: "Shards per step (default: one per thread; 1: the whole batch with multi-threaded BLAS).")
        var shards: Int?

        func validate() throws {
            try requireFlag("--steps", steps, in: 1...maxSpeedSteps, because: "each step is timed and kept")
            if let shards { try requireFlag("--shards", shards, in: 1...64) }
        }

        func run() {
            threads.apply()
            VAEBenchmark.run(steps: steps, profile: profile, shards: shards) { print($0) }
        }
    }
}

extension SpeedCommand {
    struct Transport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "transport",
            abstract: "The real transport training step (latent preset: HJ + MMD + the dual term, d = 16, 10 classes); under mpirun, over the ranks (docs/mpi.md).")
        @OptionGroup var threads: ThreadOptions
        @Option(parsing: .unconditional, help: "Timed steps (after 20 warm-up steps).") var steps = 50
        @Flag(help: "Also print where the step's time goes, by op.") var profile = false
        @Flag(help: "Leave the dual term out: HJ + MMD alone, the step scripts/bench/torch_step.py --mmd repeats.") var withoutDual = false

        func validate() throws {
            try requireFlag("--steps", steps, in: 1...maxSpeedSteps, because: "each step is timed and kept")
        }

        func run() throws {
            threads.apply()
            try TransportBenchmark.run(steps: steps, profile: profile, dual: !withoutDual) { say($0) }
        }
    }
}

extension SpeedCommand {
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Images per second of sampling (noise → map → decoder), classifying and encoding, untrained models of the shipped shapes.")
        @OptionGroup var threads: ThreadOptions
        @Option(parsing: .unconditional, help: "Images per timed run.") var images = 2000
        @Option(parsing: .unconditional, help: "Timed runs (after one warm-up run).") var runs = 5

        func validate() throws {
            try requireFlag("--images", images, in: 10...100_000)
            try requireFlag("--runs", runs, in: 1...1000)
        }

        func run() throws {
            threads.apply()
            try SampleBenchmark.run(images: images, runs: runs) { print($0) }
        }
    }
}

/// `bench`, the former name of `speed`, kept so that existing scripts still
/// run; hidden from the help, where it sat beside `benchmark` (accuracy) and
/// was easily taken for it.
struct DeprecatedBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Former name of `speed`.",
        shouldDisplay: false,
        subcommands: SpeedCommand.configuration.subcommands)

    func validate() throws {
        print("gen-ot: `bench` is deprecated; use `gen-ot speed`", to: &StandardError.stream)
    }
}

/// Most timed steps a speed command takes: its timings are kept, and more
/// only make the run longer without changing a median.
let maxSpeedSteps = 100_000

/// `--threads`, common to every command that does heavy math.
struct ThreadOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "OpenBLAS threads (default: all cores).") var threads: Int?

    func validate() throws {
        if let threads { try requireFlag("--threads", threads, in: 1...256) }
    }

    func apply() { if let threads { BLAS.setThreadCount(threads) } }
}

extension SpeedCommand {
    struct Allreduce: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The sum over MPI ranks of the transport map's and the VAE's gradients (run under mpirun with gen-ot built with MPI).")
        @Option(parsing: .unconditional, help: "Timed sums per size (after 5 warm-up sums).") var runs = 200

        func validate() throws { try requireFlag("--runs", runs, in: 1...100_000) }

        func run() throws {
            let (map, vae) = try AllreduceBenchmark.modelParameterCounts()
            say("parameters: transport map \(map), VAE \(vae)")
            AllreduceBenchmark.run(counts: [map, vae], runs: runs) { say($0) }
        }
    }
}
