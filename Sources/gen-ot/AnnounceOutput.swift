import Foundation
import GenOTFiles

/// Refuses to replace an existing checkpoint without `--force`, and says
/// which of the two the run will do.
/// With --force, only a checkpoint of the same `kind` is replaced (see
/// `OutputFile.refuseOverwrite`).
func announceOutput(_ output: URL, force: Bool, what: String, kind: String) throws {
    let exists = FileManager.default.fileExists(atPath: output.path)
    try OutputFile.refuseOverwrite(output, force: force, what: what, kind: kind)
    say(exists ? "replacing \(output.relativePath) (--force)" : "writing a new \(what): \(output.relativePath)")
}
