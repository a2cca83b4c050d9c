import ArgumentParser
import Foundation
import GenOTApps
import GenOTTransport

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Learn the optimal-transport map between two point clouds (N×d .npy or .csv).")
    @Option(help: "Source points μ (.npy or .csv, N×d).") var source: String
    @Option(help: "Target points ν (.npy or .csv, M×d).") var target: String
    @Option(help: "Where to write the map (.safetensors).") var out: String
    @Flag(help: "Replace an existing map at --out (without it, the command refuses to).") var force = false
    @OptionGroup var training: TransportOptions

    func validate() throws {
        guard out.hasSuffix(".safetensors") else { throw ValidationError("--out must end in .safetensors, got '\(out)'") }
    }

    func run() throws {
        training.threads.apply()
        let config = try training.apply(to: TransportPreset.pointCloud)
        try announceOutput(URL(fileURLWithPath: out), force: force, what: "map", kind: "hj-transport")
        try PointCloudTransport.fit(source: URL(fileURLWithPath: source), target: URL(fileURLWithPath: target),
                                    config: config, output: URL(fileURLWithPath: out), log: say)
    }
}
