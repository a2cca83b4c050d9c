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
