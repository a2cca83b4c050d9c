import ArgumentParser
import Foundation
import GenOTApps
import GenOTModels

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Apply a fitted map T (or T⁻¹ with --inverse) to points.")
    @Option(help: "A map written by `gen-ot fit` (.safetensors).") var model: String
    @Option(help: "Points to map (.npy or .csv, N×d).") var input: String
    @Flag(help: "Apply the inverse map T⁻¹(y) = y − t_f∇H(∇u(y, t_f)), refined towards the preimage of y.") var inverse = false
    @Flag(name: .customLong("closed-form"),
          help: "With --inverse: the closed form alone, without the quasi-Newton refinement towards the preimage.") var closedForm = false
    @Option(name: .customLong("class"), parsing: .unconditional, help: "Class of a class-conditional map.") var label: Int?
    @Option(help: "Where to write the mapped points (.npy or .csv).") var out: String

    func validate() throws {
        if closedForm && !inverse { throw ValidationError("--closed-form applies to --inverse only, got --closed-form without --inverse") }
    }

    func run() throws {
        let mapped = try PointCloudTransport.map(model: URL(fileURLWithPath: model), input: URL(fileURLWithPath: input),
                                                 inverse: inverse, refinements: closedForm ? 0 : nil,
                                                 label: label, output: URL(fileURLWithPath: out))
        print("wrote \(out): \(mapped.shape[0]) points in d = \(mapped.shape[1])\(inverse ? " (inverse map)" : "")")
    }
}
