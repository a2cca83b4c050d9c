import Foundation
import GenOTFiles

extension FileError {
    /// A `--resume` whose checkpoint is not there. `whereFrom`: how the user
    /// points the command at the file.
    public static func noCheckpointToResume(_ url: URL, whereFrom: String = "--out") -> FileError {
        FileError(.missing, url, expected: "a checkpoint to resume from", found: "no such file",
                  hint: "train once without --resume, or point \(whereFrom) at an existing checkpoint")
    }
}
