import Foundation
import GenOTFiles

/// Refuses to replace an existing checkpoint without `--force`, and says
/// which of the two the run will do.
func announceOutput(_ output: URL, force: Bool, what: String) throws {
    let exists = FileManager.default.fileExists(atPath: output.path)
    try OutputFile.refuseOverwrite(output, force: force, what: what)
    say(exists ? "replacing \(output.relativePath) (--force)" : "writing a new \(what): \(output.relativePath)")
}
