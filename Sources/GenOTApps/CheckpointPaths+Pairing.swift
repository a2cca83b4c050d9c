import Foundation
import GenOTData
import GenOTFiles
import GenOTModels
import GenOTNN

/// A latent transport map with the VAE(s) it was trained on, checked to belong together.
public struct LatentCheckpoints {
    /// The map's file (weights and metadata, e.g. the stored temperature).
    public let file: SafetensorsFile
    public let potential: TransportPotential
    /// The target dataset's VAE: the map's latents are its latents.
    public let vae: VAE
    /// The source dataset's VAE, for a between-datasets map.
    public let sourceVAE: VAE?
}

extension CheckpointPaths {
    /// Map metadata keys holding `VAE.fingerprint` of the VAEs a map was trained on.
    public static let vaeFingerprintKey = "vae_fingerprint", sourceVAEFingerprintKey = "source_vae_fingerprint"

    /// What a map trained on `vae` (and `sourceVAE`) records about them.
    public static func fingerprintMetadata(vae: VAE, sourceVAE: VAE?) -> [String: String] {
        var metadata = [vaeFingerprintKey: vae.fingerprint]
        if let sourceVAE { metadata[sourceVAEFingerprintKey] = sourceVAE.fingerprint }
        return metadata
    }

    /// Loads the map from `source` (nil: noise) to `target` and its VAE(s),
    /// refusing a pair whose VAE differs from the one the map was trained on.
    /// Maps written before fingerprints were recorded are taken as they are.
    public func loadPair(from source: DatasetName?, to target: DatasetName) throws -> LatentCheckpoints {
        let file = try readTransport(from: source, to: target)
        let potential = try TransportPotential.load(from: file)
        let vae = try loadVAE(target)
        try requireTrainedOn(vae, target, map: file, key: Self.vaeFingerprintKey)
        let sourceVAE = try source.map { try loadVAE($0) }
        if let source, let sourceVAE { try requireTrainedOn(sourceVAE, source, map: file, key: Self.sourceVAEFingerprintKey) }
        return LatentCheckpoints(file: file, potential: potential, vae: vae, sourceVAE: sourceVAE)
    }

    /// Throws a `FileError` naming both files when `map` records another
    /// fingerprint under `key` than `vae` (of `dataset`) has.
    public func requireTrainedOn(_ vae: VAE, _ dataset: DatasetName, map: SafetensorsFile, key: String) throws {
        guard let recorded = map.metadata[key], recorded != vae.fingerprint else { return }
        throw FileError(.mismatch, map.url, expected: "a map trained on the VAE \(self.vae(dataset).relativePath) (fingerprint \(vae.fingerprint))",
                        found: "one trained on another VAE (fingerprint \(recorded))",
                        hint: "the VAE was retrained after the map: retrain the map with `gen-ot train-transport --force`, "
                            + "or put back the VAE it was trained on")
    }
}
