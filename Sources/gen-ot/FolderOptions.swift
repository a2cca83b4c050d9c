import ArgumentParser
import Foundation
import GenOTApps

/// `--checkpoints`: where the VAEs, classifiers and maps live.
struct CheckpointFolderOption: ParsableArguments {
    @Option(help: "Folder with the checkpoints.") var checkpoints = "checkpoints"

    var paths: CheckpointPaths { CheckpointPaths(directory: URL(fileURLWithPath: checkpoints)) }
}

/// `--data-dir`: where `scripts/fetch-data` put the data sets.
struct DataFolderOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Folder holding <dataset>/ IDX files (scripts/fetch-data fills data/).")
    var dataDir = "data"

    var url: URL { URL(fileURLWithPath: dataDir) }
}
