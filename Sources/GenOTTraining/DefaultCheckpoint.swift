import Foundation
import GenOTData

/// Where checkpoints go by default: `checkpoints/<dataset>-<model>.safetensors`.
public func defaultCheckpoint(dataset: DatasetName, model: String) -> URL {
    URL(fileURLWithPath: "checkpoints").appendingPathComponent("\(dataset.rawValue)-\(model).safetensors")
}
