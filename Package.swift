// swift-tools-version:6.0
import PackageDescription

// Kernels run ~500x slower unoptimised; keep `swift test` fast by optimising
// the numeric targets even in debug builds (`@testable import` still works).
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

// The SIMD kernels (exp, SiLU and its derivatives, Adam) are written for
// 8 lanes; with AVX2 + FMA they run as one instruction per vector instead of
// two SSE halves. Every x86-64 server CPU since 2013 has them.
#if arch(x86_64)
let vectorKernels: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell", "-Xcc", "-fno-math-errno"])]
#else
let vectorKernels: [SwiftSetting] = []
#endif

// The arithmetic-bound kernels (GenOTLanes) are built twice from one source
// directory (Sources/GenOTLanesWide links to it): with 8-float vectors for
// AVX2 + FMA and, on x86-64, with 16-float vectors for AVX-512, which
// GenOTTensor runs only on CPUs that have it (`VectorUnit`).
#if arch(x86_64)
let laneTargets: [Target] = [
    .target(name: "GenOTLanes", swiftSettings: optimizedInDebug + vectorKernels),
    .target(name: "GenOTLanesWide", swiftSettings: optimizedInDebug
            + [.define("GENOT_WIDE_LANES"), .unsafeFlags(["-target-cpu", "skylake-avx512", "-Xcc", "-fno-math-errno"])]),
]
let laneModules: [Target.Dependency] = ["GenOTLanes", "GenOTLanesWide"]
#else
let laneTargets: [Target] = [.target(name: "GenOTLanes", swiftSettings: optimizedInDebug)]
let laneModules: [Target.Dependency] = ["GenOTLanes"]
#endif

// `GENOT_MPI=1 swift build` adds the MPI back end (docs/mpi.md): the CMPI
// shim (Open MPI's libmpi, found with pkg-config), the GenOTMPI target and
// `-D GENOT_MPI` for the executable. Without it nothing needs MPI.
let mpi = Context.environment["GENOT_MPI"] == "1"
let mpiTargets: [Target] = mpi ? [
    .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c",
                   providers: [.apt(["libopenmpi-dev", "openmpi-bin", "pkg-config"])]),
    // MPI_COMM_WORLD as a Collective: gradient sums and row gathers.
    .target(name: "GenOTMPI", dependencies: ["CMPI", "GenOTTensor"], swiftSettings: optimizedInDebug),
] : []

let package = Package(
    name: "gen-ot",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gen-ot", targets: ["gen-ot"]),
        .library(name: "GenOTTensor", targets: ["GenOTTensor"]),
        .library(name: "GenOTNN", targets: ["GenOTNN"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System-library shims.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CFloatingPoint", path: "Sources/CFloatingPoint"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG",
                       providers: [.apt(["libpng-dev"])]),
        // Single-threaded sgemm for AVX-512 CPUs (C with intrinsics, x86-64 only).
        .target(name: "CMatrixKernel", cSettings: [.unsafeFlags(["-O2"])]),

        // Tensor, kernels, differentiable ops and autodiff.
        .target(name: "GenOTFiles", swiftSettings: optimizedInDebug),
        .target(name: "GenOTTensor", dependencies: ["CBLAS", "CMalloc", "CFloatingPoint", "CMatrixKernel"] + laneModules,
                swiftSettings: optimizedInDebug + vectorKernels),
        // Layers, initialisation, optimisers, safetensors and .npy.
        .target(name: "GenOTNN", dependencies: ["GenOTTensor", "GenOTFiles"],
                swiftSettings: optimizedInDebug + vectorKernels),
        // IDX files (raw or gzip), MNIST / Fashion-MNIST datasets, mini-batches.
        .target(name: "GenOTData", dependencies: ["GenOTTensor", "GenOTFiles", "CZlib"],
                swiftSettings: optimizedInDebug),
        // PNG read/write through libpng, image grids.
        .target(name: "GenOTImaging", dependencies: ["CPNG", "GenOTFiles"],
                swiftSettings: optimizedInDebug),
        // VAE, classifier, transport potential u_θ(x, t, c), costs; what every
        // trainer shares: checkpoints with training state, progress lines, errors.
        .target(name: "GenOTModels", dependencies: ["GenOTNN", "GenOTFiles"],
                swiftSettings: optimizedInDebug),
        // The transport method: HJ residual, discrepancies, samplers, config and
        // presets, the trainer (step, run, resume) and held-out selection.
        .target(name: "GenOTTransport", dependencies: ["GenOTModels", "GenOTFiles"],
                swiftSettings: optimizedInDebug),
        // VAE and classifier training: configs, loops, augmentation.
        .target(name: "GenOTTraining", dependencies: ["GenOTModels", "GenOTData", "GenOTImaging", "GenOTFiles"],
                swiftSettings: optimizedInDebug),
        // Scores: FID and generative scores, UVP against a known map, colour
        // metrics, normality of inverted noise.
        .target(name: "GenOTMetrics", dependencies: ["GenOTModels"],
                swiftSettings: optimizedInDebug),
        // What the commands run: latent generation and inversion, point clouds,
        // colour transfer, toys, benchmarks, calibration, the report.
        .target(name: "GenOTApps", dependencies: ["GenOTTransport", "GenOTMetrics", "GenOTModels", "GenOTData",
                                                  "GenOTImaging", "GenOTFiles"],
                swiftSettings: optimizedInDebug),
        // Speed and memory measurements behind `gen-ot speed`.
        .target(name: "GenOTSpeed", dependencies: ["GenOTTensor", "GenOTNN", "GenOTModels", "GenOTTransport", "GenOTApps", "CBLAS"],
                swiftSettings: optimizedInDebug),
        // Gradient checks and closeness assertions for the test targets.
        .target(name: "GenOTTestSupport", dependencies: ["GenOTTensor", "GenOTFiles"],
                swiftSettings: optimizedInDebug),

        .executableTarget(name: "gen-ot", dependencies: [
            "GenOTSpeed", "GenOTNN", "GenOTModels", "GenOTTransport", "GenOTTraining", "GenOTApps", "GenOTData", "GenOTFiles",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ] + (mpi ? ["GenOTMPI"] : []), swiftSettings: mpi ? [.define("GENOT_MPI")] : []),

        .testTarget(name: "GenOTTensorTests",
                    dependencies: ["GenOTTensor", "GenOTTestSupport"] + laneModules,
                    swiftSettings: optimizedInDebug),
        .testTarget(name: "GenOTNNTests",
                    dependencies: ["GenOTNN", "GenOTFiles", "GenOTTestSupport"],
                    swiftSettings: optimizedInDebug),
        .testTarget(name: "GenOTDataTests", dependencies: ["GenOTData", "GenOTFiles", "GenOTTestSupport"],
                    swiftSettings: optimizedInDebug),
        .testTarget(name: "GenOTImagingTests", dependencies: ["GenOTImaging", "GenOTFiles", "GenOTTestSupport"],
                    swiftSettings: optimizedInDebug),
        .testTarget(name: "GenOTModelsTests", dependencies: ["GenOTModels", "GenOTFiles", "GenOTTestSupport"],
                    swiftSettings: optimizedInDebug),
        // GenOTApps: the held-out tests build their trainer with the point-cloud split.
        .testTarget(name: "GenOTTransportTests",
                    dependencies: ["GenOTTransport", "GenOTApps", "GenOTTestSupport"],
                    swiftSettings: optimizedInDebug),
        .testTarget(name: "GenOTTrainingTests", dependencies: ["GenOTTraining", "GenOTFiles", "GenOTTestSupport"],
                    swiftSettings: optimizedInDebug),
        .testTarget(name: "GenOTMetricsTests", dependencies: ["GenOTMetrics", "GenOTTestSupport"],
                    swiftSettings: optimizedInDebug),
        .testTarget(name: "GenOTAppsTests", dependencies: ["GenOTApps", "GenOTFiles", "GenOTTestSupport"],
                    swiftSettings: optimizedInDebug),
        // Runs the built gen-ot binary: exit status, output, bad inputs.
        .testTarget(name: "CLITests", dependencies: ["GenOTTestSupport"]),
    ] + laneTargets + mpiTargets
)
