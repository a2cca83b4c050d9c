import Foundation

/// Writes a file under a temporary name beside it, then renames it into place,
/// so a reader never sees a half-written file and a failure leaves nothing.
enum AtomicFile {
    /// Calls `body` with a temporary path in `file`'s folder; renames it to
    /// `file` when `body` returns, removes it when `body` throws.
    static func write(to file: URL, _ body: (URL) throws -> Void) throws {
        let folder = file.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(
            ".\(file.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        do {
            try body(temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        // NOTE: POSIX rename replaces an existing file atomically; FileManager.moveItem would refuse.
        if rename(temporary.path, file.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw PNGError(.writeFailed, file: file, expected: "to rename the finished temporary file into place",
                           found: reason)
        }
    }
}
