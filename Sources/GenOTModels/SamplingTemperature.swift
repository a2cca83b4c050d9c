import Foundation
import GenOTFiles
import GenOTNN

/// The temperature T at which a noise → latents map is sampled (z ~ N(0, T²I)),
/// kept in the map's file: metadata `sampling_temperature`, written by
/// `gen-ot calibrate`, with how it was chosen beside it. A map without it is
/// sampled at T = 1.
public enum SamplingTemperature {
    public static let metadataKey = "sampling_temperature"
    public static let provenanceKey = "sampling_temperature_calibration"

    /// The stored temperature of the map at `url`, or 1 when it has none.
    /// The largest temperature accepted: noise beyond a few standard
    /// deviations decodes to noise.
    public static let maximum: Float = 10

    public static func stored(in url: URL) throws -> Float { try stored(in: Safetensors.read(from: url)) }

    /// The stored temperature of an already-read map file, or 1 when it has none.
    public static func stored(in file: SafetensorsFile) throws -> Float {
        guard let text = file.metadata[metadataKey] else { return 1 }
        guard let value = Float(text), value > 0, value <= maximum else {
            throw FileError(.badMetadata, file.url, expected: "metadata '\(metadataKey)' a number in (0, \(Int(maximum))]", found: "'\(text)'")
        }
        return value
    }

    /// Rewrites the map at `url` with `temperature` and `provenance` in its
    /// metadata; the tensors and the rest of the metadata are unchanged.
    public static func store(_ temperature: Float, provenance: String, in url: URL) throws {
        precondition(temperature > 0 && temperature.isFinite, "temperature \(temperature)")
        let file = try Safetensors.read(from: url)
        var metadata = file.metadata
        metadata[metadataKey] = "\(temperature)"
        metadata[provenanceKey] = provenance
        try file.write(to: url, metadata: metadata)
    }
}
