import ArgumentParser
import GenOTData

// `--dataset mnist|fashion`: an unknown name is rejected by the parser with
// the list of valid ones.
extension DatasetName: ExpressibleByArgument {}

/// `--temperature` (sample, evaluate): positive, and only for noise → latents
/// maps; a between-datasets map starts from images, not noise.
func validateTemperature(_ temperature: Float?, source: DatasetName?) throws {
    guard let temperature else { return }
    guard temperature > 0, temperature <= FlagLimits.temperature else {
        throw ValidationError("--temperature must be positive and at most \(Int(FlagLimits.temperature)), got \(temperature)")
    }
    guard source == nil else {
        throw ValidationError("--temperature applies to noise; a --source map starts from the source dataset's images")
    }
}

/// Which latent map a command uses: `--dataset NAME` (noise → NAME's
/// latents) or `--source A --target B` (A's latents → B's).
struct MapSelection: ParsableArguments {
    @Option(help: "Dataset of a noise → latents map and its VAE.") var dataset: DatasetName?
    @Option(help: "Source dataset of a between-datasets map (with --target).") var source: DatasetName?
    @Option(help: "Target dataset of a between-datasets map (with --source).") var target: DatasetName?

    func validate() throws {
        guard (dataset != nil) != (source != nil || target != nil), (source == nil) == (target == nil) else {
            let given = [("--dataset", dataset), ("--source", source), ("--target", target)].compactMap { $0.1 == nil ? nil : $0.0 }
            throw ValidationError("give --dataset NAME (noise → latents), or --source A --target B: expected one of the two, found "
                                  + (given.isEmpty ? "neither" : given.joined(separator: " and ")))
        }
        if let source, source == target {
            throw ValidationError("--source and --target must differ (a map between two datasets), got \(source.rawValue) for both")
        }
    }

    /// The dataset whose latents the map reaches.
    var targetDataset: DatasetName { dataset ?? target! }
}
