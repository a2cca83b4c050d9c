import ArgumentParser
import Foundation
import GenOTFiles
import GenOTNN
import GenOTTransport

struct StripCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strip",
        abstract: "Copy a checkpoint without its training state (adam.*, trainer.*): the weights and metadata only, for shipping.")

    @Argument(help: "Checkpoint to read (.safetensors).") var input: String
    @Argument(help: "Checkpoint to write (.safetensors); the input itself strips it in place.") var output: String
    @Flag(help: "Replace an existing checkpoint other than the input.") var force = false

    func validate() throws {
        guard output.hasSuffix(".safetensors") else { throw ValidationError("the output must end in .safetensors, got '\(output)'") }
    }

    func run() throws {
        let (from, to) = (URL(fileURLWithPath: input), URL(fileURLWithPath: output))
        if (try? OutputFile.refuseInputs(to, [from], flag: "the output")) != nil {
            try OutputFile.refuseOverwrite(to, force: force, what: "checkpoint")
        }
        let file = try Safetensors.read(from: URL(fileURLWithPath: input))
        let keep = { (name: String) in !name.hasPrefix("adam.") && !name.hasPrefix(TransportTrainer.resumeTensorPrefix) }
        // Every tensor kept is checked finite: a stripped copy is for shipping.
        for name in file.names where keep(name) { _ = try file.tensor(name) }
        var metadata = file.metadata
        metadata["stripped"] = "optimiser state removed: weights only, --resume cannot continue from this file"
        try file.write(to: URL(fileURLWithPath: output), keeping: keep, metadata: metadata)
        say("wrote \(output): \(file.names.filter(keep).count) of \(file.tensors.count) tensors")
    }
}
