import Foundation

/// Writes a file under a temporary name beside it, then renames it into place,
/// so a reader never sees a half-written file and a failure leaves nothing.
/// The PNG, SVG, IDX, .npy, safetensors and .csv writers go through here.
public enum AtomicFile {
    /// Calls `body` with a temporary path in `file`'s folder; renames it to
    /// `file` when `body` returns, removes it when `body` throws. Leftovers of
    /// earlier writes of `file` that were killed are removed first.
    public static func write(to file: URL, _ body: (URL) throws -> Void) throws {
        OutputFile.removeStaleTemporaries(of: file)
        let temporary = OutputFile.temporary(for: file)
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
            throw FileError(.unwritable, file, expected: "to rename the finished temporary file into place", found: reason)
        }
    }

    /// Writes `data` through `write(to:_:)`, flushed to disk before the rename
    /// so the name never points at bytes still in a cache.
    public static func write(_ data: Data, to file: URL) throws {
        try write(to: file) { temporary in
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw FileError(.unwritable, file, expected: "a writable folder", found: "cannot create a file in '\(file.deletingLastPathComponent().relativePath)'")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        }
    }
}
